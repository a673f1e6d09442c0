curl -sS -X POST "{{BASE_URL}}/v1/messages" \
  -H "Authorization: Bearer $SWITCHBOARD_API_KEY" \
  -H "Content-Type: application/json" \
  -H "Idempotency-Key: $(date +%s%N)" \
  -d '{"from": "{{CHANNEL_ID}}", "to": "{{TO}}", "content": {"type": "text", "body": "Hello from Switchboard"}}'
