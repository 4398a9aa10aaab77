"""Departments that answer over HTTP (live sources), beside the batch-imported CSV files.

The protocol: POST <base>/records/query with a bearer token and {"kind", "id_numbers": [...]};
the answer is {"records": [{"id_number": ..., <the kind's columns>}]}. Every call has a timeout,
idempotent retries on connection errors and 502/503/504, and a circuit breaker per source, so a
department that is down costs one timeout, not one per household. Whatever goes wrong, the
caller gets SourceUnavailable: "unavailable" in a report, never "nothing found".
"""
import pybreaker
import requests

from app.adapters.http import http_session


class SourceUnavailable(Exception):
    """The department did not answer usefully (down, slow, refused, or answered nonsense)."""


class HttpDepartmentSource:
    def __init__(self, kind: str, base_url: str, *, token: str = "", timeout: float = 3.0, retries: int = 1,
                 breaker: pybreaker.CircuitBreaker | None = None):
        self.kind = kind
        self.url = base_url.rstrip("/") + "/records/query"
        self.token, self.timeout = token, timeout
        self.http = http_session(retries=retries, methods=("POST",))   # a query changes nothing: safe to retry
        self.breaker = breaker or pybreaker.CircuitBreaker(fail_max=3, reset_timeout=30, name=f"department:{kind}")

    def lookup(self, id_numbers: list[str]) -> dict[str, list[dict]]:
        """ID number → the records found (an empty list: the department has none)."""
        try:
            return self.breaker.call(self._query, id_numbers)
        except pybreaker.CircuitBreakerError as exc:
            raise SourceUnavailable(f"{self.kind}: circuit open after repeated failures") from exc
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise SourceUnavailable(f"{self.kind}: {type(exc).__name__}") from exc

    def _query(self, id_numbers: list[str]) -> dict[str, list[dict]]:
        response = self.http.post(self.url, json={"kind": self.kind, "id_numbers": id_numbers}, timeout=self.timeout,
                                  headers={"Authorization": f"Bearer {self.token}"} if self.token else {})
        response.raise_for_status()
        found: dict[str, list[dict]] = {number: [] for number in id_numbers}
        for record in response.json()["records"]:
            number = record["id_number"]
            if number in found:   # never take what was not asked for
                found[number].append(record)
        return found


def make_sources(spec: str, *, kinds: tuple[str, ...], token: str = "",
                 timeout: float = 3.0) -> dict[str, HttpDepartmentSource]:
    """`kind=url,kind=url` (DEPARTMENT_SOURCES) → the live sources by kind; a kind not in `kinds`
    or a pair without a URL is a configuration mistake that stops the start."""
    sources = {}
    for pair in filter(None, (item.strip() for item in spec.split(","))):
        kind, _, url = (part.strip() for part in pair.partition("="))
        if kind not in kinds or not url:
            raise ValueError(f"DEPARTMENT_SOURCES: {pair!r} is not kind=url with a kind of {', '.join(kinds)}")
        sources[kind] = HttpDepartmentSource(kind, url, token=token, timeout=timeout)
    return sources
