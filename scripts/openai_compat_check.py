#!/usr/bin/env python3
"""Checks a running `phi4j serve` against the request and response shapes of the official OpenAI python client.

The `openai` package is not needed: this sends the JSON bodies and headers openai-python 1.x sends for
client.chat.completions.create(...) and client.completions.create(...), and checks every field its pydantic models
(ChatCompletion, ChatCompletionChunk, Completion, CompletionUsage, ChatCompletionTokenLogprob, Model) read.

    bin/phi4j serve --checkpoint runs/tiny --port 8000 &
    python3 scripts/openai_compat_check.py http://127.0.0.1:8000/v1 tiny
"""
import json
import sys
import urllib.error
import urllib.request

HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "Authorization": "Bearer sk-no-key-needed",
    "User-Agent": "OpenAI/Python 1.54.0",
    "X-Stainless-Lang": "python",
    "X-Stainless-Package-Version": "1.54.0",
    "X-Stainless-Retry-Count": "0",
}
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("  FAIL", what)


def request(base, path, body=None, method=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, headers=HEADERS, method=method or ("POST" if data else "GET"))
    try:
        with urllib.request.urlopen(req, timeout=120) as reply:
            return reply.status, reply.headers, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def usage(u, where):
    check(all(is_int(u.get(k)) for k in ("prompt_tokens", "completion_tokens", "total_tokens")), where + ".usage ints")
    check(u["prompt_tokens"] + u["completion_tokens"] == u["total_tokens"], where + ".usage total")


def envelope(body, obj, where):
    check(isinstance(body.get("id"), str) and body["id"], where + ".id")
    check(body.get("object") == obj, where + ".object == " + obj)
    check(is_int(body.get("created")), where + ".created int")
    check(isinstance(body.get("model"), str), where + ".model str")


def token_logprob(entry, where):
    check(isinstance(entry.get("token"), str), where + ".token")
    check(isinstance(entry.get("logprob"), float) and entry["logprob"] <= 0, where + ".logprob")
    check(entry.get("bytes") is None or all(is_int(b) and 0 <= b < 256 for b in entry["bytes"]), where + ".bytes")


def chat(base, model):
    print("chat.completions.create(n=2, logprobs=True, top_logprobs=2, stop, seed)")
    body = {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hello!"}],
            "model": model, "max_tokens": 8, "n": 2, "seed": 1, "stop": ["\n\n"], "temperature": 0.7,
            "logprobs": True, "top_logprobs": 2}
    status, headers, text = request(base, "/chat/completions", body)
    check(status == 200, "chat status 200, got %d %s" % (status, text[:200]))
    reply = json.loads(text)
    envelope(reply, "chat.completion", "chat")
    check(len(reply["choices"]) == 2, "chat: 2 choices")
    for i, choice in enumerate(reply["choices"]):
        check(choice["index"] == i, "chat choice index")
        check(choice["finish_reason"] in ("stop", "length", "tool_calls", "content_filter", "function_call"),
              "chat finish_reason")
        check(choice["message"]["role"] == "assistant" and isinstance(choice["message"]["content"], str),
              "chat message")
        for entry in choice["logprobs"]["content"]:
            token_logprob(entry, "chat logprobs")
            check(isinstance(entry["top_logprobs"], list) and len(entry["top_logprobs"]) == 2, "chat top_logprobs")
            for alternative in entry["top_logprobs"]:
                token_logprob(alternative, "chat top_logprobs[]")
    usage(reply["usage"], "chat")
    again = json.loads(request(base, "/chat/completions", body)[2])
    check([c["message"]["content"] for c in again["choices"]] == [c["message"]["content"] for c in reply["choices"]],
          "chat: the same seed gives the same choices")


def chat_stream(base, model):
    print("chat.completions.create(stream=True, stream_options={'include_usage': True})")
    body = {"messages": [{"role": "user", "content": "Count to three."}], "model": model, "max_tokens": 6,
            "stream": True, "stream_options": {"include_usage": True}, "seed": 3}
    status, headers, text = request(base, "/chat/completions", body)
    check(status == 200 and headers.get("Content-Type", "").startswith("text/event-stream"), "stream content type")
    events = [line[len("data: "):] for line in text.split("\n") if line.startswith("data: ")]
    check(events and events[-1] == "[DONE]", "stream ends with [DONE]")
    chunks = [json.loads(e) for e in events[:-1]]
    for chunk in chunks:
        envelope(chunk, "chat.completion.chunk", "chunk")
    check(chunks[0]["choices"][0]["delta"].get("role") == "assistant", "first chunk carries the role")
    check(chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] >= 1, "usage chunk last")
    finishes = [c["choices"][0]["finish_reason"] for c in chunks[:-1] if c["choices"][0]["finish_reason"]]
    check(len(finishes) == 1 and finishes[0] in ("stop", "length"), "one finish_reason")
    streamed = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks[:-1])
    body["stream"] = False
    del body["stream_options"]
    whole = json.loads(request(base, "/chat/completions", body)[2])["choices"][0]["message"]["content"]
    check(streamed == whole, "streamed deltas add up to the non-streamed reply")


def completions(base, model):
    print("completions.create(prompt=[...], echo=True, logprobs=2)")
    body = {"model": model, "prompt": ["The lighthouse keeper", "one, two"], "max_tokens": 5, "echo": True,
            "logprobs": 2, "temperature": 0}
    status, _, text = request(base, "/completions", body)
    check(status == 200, "completions status 200, got %d %s" % (status, text[:200]))
    reply = json.loads(text)
    envelope(reply, "text_completion", "completions")
    for choice in reply["choices"]:
        check(choice["finish_reason"] in ("stop", "length", "content_filter"), "completion finish_reason")
        lp = choice["logprobs"]
        n = len(lp["tokens"])
        check(len(lp["token_logprobs"]) == n == len(lp["top_logprobs"]) == len(lp["text_offset"]), "legacy lengths")
        check(lp["token_logprobs"][0] is None, "first echoed token has no logprob")
        check(choice["text"].startswith(["The lighthouse keeper", "one, two"][choice["index"]]), "echo")
    usage(reply["usage"], "completions")


def models_and_errors(base, model):
    print("models.list(), errors")
    status, _, text = request(base, "/models")
    listing = json.loads(text)
    check(status == 200 and listing["object"] == "list" and listing["data"][0]["id"] == model, "models.list")
    check(all(k in listing["data"][0] for k in ("id", "object", "created", "owned_by")), "model fields")
    for path, body, expected in [
        ("/chat/completions", {"model": "nope", "messages": [{"role": "user", "content": "x"}]}, 404),
        ("/chat/completions", {"model": model, "messages": [{"role": "user", "content": "x"}], "n": 1000}, 400),
        ("/completions", {"model": model, "prompt": "x " * 5000}, 400),
    ]:
        status, _, text = request(base, path, body)
        error = json.loads(text).get("error", {})
        check(status == expected, "%s -> %d, got %d" % (path, expected, status))
        check(set(error) == {"message", "type", "param", "code"}, "error object fields: %s" % sorted(error))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    base, model = sys.argv[1].rstrip("/"), sys.argv[2]
    for check_shapes in (chat, chat_stream, completions, models_and_errors):
        check_shapes(base, model)
    print("OK: every shape matches" if not failures else "%d mismatches" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
