"""A webhook receiver for benchmarks/loop_delivery.py, run as a process of its own so
that the benchmark's client threads do not delay (and so skew) the arrival times.

    KAIKU_RECEIVER_SECRET=… python benchmarks/webhook_receiver.py --port P --log FILE

Answers every POST with 200 at once and appends one line per request to FILE:
the arrival time (Unix seconds), 1 or 0 for whether `kaiku.loop.delivery.verify`
accepted the signature with the webhook's secret, and the `X-Kaiku-Delivery` key.
A repeat of a key is recorded too: the benchmark counts raw requests and distinct keys.
Kaiku's settings come from the environment, as for the benchmark (only to verify).
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver(ThreadingHTTPServer):
    daemon_threads = True
    # Bursts come from every delivering worker process at once, each a new connection.
    request_queue_size = 256

    def __init__(self, port: int, log: Any, secret: str, verify: Any) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.log = log
        self.secret = secret
        self.verify = verify
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Receiver

    def do_POST(self) -> None:
        arrived = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = self.headers.get("X-Kaiku-Delivery", "-").replace(" ", "_") or "-"
        valid = self.server.verify(
            self.server.secret,
            self.headers.get("X-Kaiku-Timestamp", ""),
            body,
            self.headers.get("X-Kaiku-Signature", ""),
        )
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        with self.server.lock:
            self.server.log.write(f"{arrived:.6f} {int(valid)} {key}\n")
            self.server.log.flush()

    def do_GET(self) -> None:  # a health check
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")
    import django

    django.setup()
    from kaiku.loop.delivery import verify

    with open(options.log, "a", encoding="utf-8") as log:
        server = Receiver(options.port, log, os.environ["KAIKU_RECEIVER_SECRET"], verify)
        server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
