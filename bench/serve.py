"""The service as the benchmarks measure it: gunicorn with 2 workers on a loopback port, and a client."""
import http.client
import json
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wait_for(port: int, path: str) -> None:
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on :{port}")


@contextmanager
def gunicorn(port: int, env: dict, *, threads: int = 1):
    """gunicorn (2 workers) serving wsgi:app with `env` until the block ends."""
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", str(threads),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                              cwd=ROOT, env=env)
    try:
        wait_for(port, "/healthz")
        yield server
    finally:
        server.terminate()
        server.wait()


class Answer:
    """What a benchmark reads of a response: status, headers, body (JSON when it is)."""

    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()
        self.mimetype = (self.headers.get("Content-Type") or "").split(";")[0]
        self.json = json.loads(self.body) if self.mimetype == "application/json" else None


class Client:
    """One keep-alive connection to the served app."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str, headers: dict | None = None) -> Answer:
        self.connection.request("GET", path, headers=headers or {})
        return Answer(self.connection.getresponse())
