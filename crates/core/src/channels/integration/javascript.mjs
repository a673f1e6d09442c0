import { randomUUID } from "node:crypto";

const response = await fetch("{{BASE_URL}}/v1/messages", {
  method: "POST",
  headers: {
    Authorization: `Bearer ${process.env.SWITCHBOARD_API_KEY}`,
    "Content-Type": "application/json",
    "Idempotency-Key": randomUUID(),
  },
  body: JSON.stringify({
    from: "{{CHANNEL_ID}}",
    to: "{{TO}}",
    content: { type: "text", body: "Hello from Switchboard" },
  }),
});
if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
console.log(JSON.stringify(await response.json()));
