"""Fault injection for the fake servers (make faults): POST /_faults {"hang": ["wechat", "sms"]} makes
those fakes stop answering — each request waits until the hang is lifted ({"hang": []}) or up to two
minutes — the way a provider's server hangs behind a dead connection. Never part of the app itself."""
import threading

from werkzeug.wrappers import Request, Response


class Hangable:
    """WSGI middleware over the dispatcher of app.devservers; `prefixes` maps a fake's name to its paths."""

    def __init__(self, app, prefixes: dict[str, tuple[str, ...]], longest: float = 120.0):
        self.app, self.prefixes, self.longest = app, prefixes, longest
        self.hung: set[str] = set()
        self.lifted = threading.Condition()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/_faults":
            return self.control(Request(environ))(environ, start_response)
        if any(path.startswith(prefix) for name in self.hung for prefix in self.prefixes[name]):
            with self.lifted:
                self.lifted.wait_for(lambda: not any(path.startswith(prefix) for name in self.hung
                                                     for prefix in self.prefixes[name]), timeout=self.longest)
        return self.app(environ, start_response)

    def control(self, request: Request) -> Response:
        if request.method == "POST":
            names = set((request.get_json(silent=True) or {}).get("hang", []))
            unknown = names - set(self.prefixes)
            if unknown:
                return Response(f"unknown fakes: {sorted(unknown)}", status=400)
            with self.lifted:
                self.hung = names
                self.lifted.notify_all()
        return Response(",".join(sorted(self.hung)), mimetype="text/plain")
