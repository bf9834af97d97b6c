"""Sends N messages to mailroom as a careful client would: one Idempotency-Key per message, retried
with the same key on connection errors, 5xx and 429 (honouring Retry-After), so a fault during
sending never makes a message twice. Uses POST /messages/batch when the server has it, else
POST /messages from a few threads. Writes `index <TAB> message id <TAB> recipient` per accepted
message and prints what it did."""
import argparse
import concurrent.futures
import json
import sys
import time
import urllib.error
import urllib.request

BATCH = 100


def message(i, run, send_at):
    body = {
        "template": "alert",
        "to": [{"email": f"r{i}@example.test"}],
        "data": {"severity": "info", "title": f"Fault suite {i}", "summary": f"message {i} of run {run}"},
        "metadata": {"run": run, "seq": str(i)},
        "tags": ["fault-suite"],
    }

    body["sendAt"] = send_at
    return body


def post(url, key, payload, idempotency_key, deadline):
    data = json.dumps(payload).encode()
    delay = 0.2
    while True:
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Authorization": f"Bearer {key}", "Content-Type": "application/json",
            **({"Idempotency-Key": idempotency_key} if idempotency_key else {})})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            body = e.read()
            if e.code == 429 or e.code >= 500:
                wait = float(e.headers.get("Retry-After") or delay)
            else:
                return e.code, json.loads(body or b"null")
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            wait = delay
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up on {url} after retries")
        time.sleep(wait)
        delay = min(delay * 2, 5)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--send-at", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=6)
    a = p.parse_args()
    deadline = time.monotonic() + 900
    started = time.monotonic()
    accepted, refused = [], []

    probe_status, _ = post(a.base + "/messages/batch", a.key, {"messages": []}, None, deadline)
    use_batch = probe_status not in (404, 405)

    if use_batch:
        chunks = [list(range(s, min(s + BATCH, a.n))) for s in range(0, a.n, BATCH)]

        def send_chunk(chunk):
            payload = {"messages": [message(i, a.run, a.send_at) for i in chunk]}
            status, body = post(a.base + "/messages/batch", a.key, payload, f"{a.run}-batch-{chunk[0]}", deadline)
            out = []
            for i, item in zip(chunk, (body or {}).get("messages", [])):
                ok = isinstance(item.get("status"), str) and "id" in item  # a problem's status is a number
                out.append((i, item["id"] if ok else None, item))
            return out

        with concurrent.futures.ThreadPoolExecutor(max(1, a.threads // 2)) as pool:
            for result in pool.map(send_chunk, chunks):
                for i, mid, item in result:
                    (accepted if mid else refused).append((i, mid, item))
    else:
        def send_one(i):
            status, body = post(a.base + "/messages", a.key, message(i, a.run, a.send_at), f"{a.run}-{i}", deadline)
            return i, (body or {}).get("id") if status == 202 else None, body

        with concurrent.futures.ThreadPoolExecutor(a.threads) as pool:
            for i, mid, body in pool.map(send_one, range(a.n)):
                (accepted if mid else refused).append((i, mid, body))

    with open(a.out, "w") as f:
        for i, mid, _ in sorted(accepted):
            f.write(f"{i}\t{mid}\tr{i}@example.test\n")
    elapsed = time.monotonic() - started
    print(f"send: {len(accepted)} accepted, {len(refused)} refused in {elapsed:.1f}s "
          f"({len(accepted) / elapsed:.0f}/s, {'batch' if use_batch else 'single'} requests)", file=sys.stderr)
    for i, _, body in refused[:3]:
        print(f"send: refused #{i}: {json.dumps(body)[:300]}", file=sys.stderr)
    sys.exit(0 if not refused else 1)


if __name__ == "__main__":
    main()
