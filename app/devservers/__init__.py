"""Small fakes of external systems that speak their real HTTP protocol, for tests and demo mode."""
import threading

from werkzeug.serving import make_server


class BackgroundServer:
    """Serves a WSGI app on a free loopback port in a daemon thread."""

    def __init__(self, wsgi_app, host: str = "127.0.0.1", port: int = 0):
        self.server = make_server(host, port, wsgi_app, threaded=True)
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
