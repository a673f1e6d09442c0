package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	body := []byte(`{"from": "{{CHANNEL_ID}}", "to": "{{TO}}", "content": {"type": "text", "body": "Hello from Switchboard"}}`)
	req, err := http.NewRequest("POST", "{{BASE_URL}}/v1/messages", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	key := make([]byte, 16)
	rand.Read(key)
	req.Header.Set("Authorization", "Bearer "+os.Getenv("SWITCHBOARD_API_KEY"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", hex.EncodeToString(key))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		panic(fmt.Sprintf("%d: %s", resp.StatusCode, out))
	}
	fmt.Println(string(out))
}
