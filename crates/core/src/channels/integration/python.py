import json
import os
import urllib.request
import uuid

request = urllib.request.Request(
    "{{BASE_URL}}/v1/messages",
    method="POST",
    headers={
        "Authorization": "Bearer " + os.environ["SWITCHBOARD_API_KEY"],
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
    },
    data=json.dumps({
        "from": "{{CHANNEL_ID}}",
        "to": "{{TO}}",
        "content": {"type": "text", "body": "Hello from Switchboard"},
    }).encode(),
)
with urllib.request.urlopen(request) as response:
    print(response.read().decode())
