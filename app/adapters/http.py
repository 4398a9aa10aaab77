"""One configured HTTP session for every adapter: timeouts and bounded retries."""
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def http_session(*, retries: int = 2, methods=("GET",), read_retries: int | None = None) -> requests.Session:
    """Retries idempotent calls on connection errors and 502/503/504, with backoff; `read_retries=0`
    gives up on a read that timed out (a server that hangs is not asked again within one request)."""
    retry = Retry(total=retries, read=read_retries, backoff_factor=0.2, status_forcelist=(502, 503, 504),
                  allowed_methods=frozenset(methods), raise_on_status=False)
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session
