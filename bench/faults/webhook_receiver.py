"""A webhook receiver for the fault suite: checks each request's Standard Webhooks signature and
logs `webhook-id <TAB> type <TAB> recipient <TAB> timestamp <TAB> messageId <TAB> signature-ok`
per request (duplicates included, so they can be counted), answering 204."""
import argparse
import base64
import hashlib
import hmac
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--secret-file", help="file holding the endpoint's whsec_ secret (read per request)")
    a = p.parse_args()
    lock = threading.Lock()
    log = open(a.log, "a")

    def secret():
        try:
            with open(a.secret_file) as f:
                return base64.b64decode(f.read().strip().removeprefix("whsec_"))
        except (OSError, TypeError, ValueError):
            return None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            wid = self.headers.get("webhook-id", "-")
            ts = self.headers.get("webhook-timestamp", "-")
            key = secret() if a.secret_file else None
            ok = "-"
            if key:
                mac = base64.b64encode(hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
                ok = str(any(s.split(",", 1)[-1] == mac for s in self.headers.get("webhook-signature", "").split()))
            try:
                event = json.loads(body)
                data = event.get("data", {})
                line = f"{wid}\t{event.get('type')}\t{data.get('recipient', '-')}\t{event.get('timestamp')}\t{data.get('messageId', '-')}\t{ok}\n"
            except ValueError:
                line = f"{wid}\tinvalid-json\t-\t-\t-\t{ok}\n"
            with lock:
                log.write(line)
                log.flush()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    log.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
