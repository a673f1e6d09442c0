<?php
$context = stream_context_create(["http" => [
    "method" => "POST",
    "ignore_errors" => true,
    "header" => implode("\r\n", [
        "Authorization: Bearer " . getenv("SWITCHBOARD_API_KEY"),
        "Content-Type: application/json",
        "Idempotency-Key: " . bin2hex(random_bytes(16)),
    ]),
    "content" => json_encode([
        "from" => "{{CHANNEL_ID}}",
        "to" => "{{TO}}",
        "content" => ["type" => "text", "body" => "Hello from Switchboard"],
    ]),
]]);
$body = file_get_contents("{{BASE_URL}}/v1/messages", false, $context);
$status = (int) explode(" ", $http_response_header[0])[1];
if ($status >= 300) {
    fwrite(STDERR, "$status: $body\n");
    exit(1);
}
echo $body, "\n";
