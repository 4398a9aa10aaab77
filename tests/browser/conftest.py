"""Browser tests: the built pages in Debian's Chromium, driven by Playwright, against `make run` in
miniature — the app under gunicorn and the fake WeChat, SMS and timestamp servers, each in a process
of its own, on a fresh SQLite database with the demo data (`flask demo load`).

Without Chromium (or the built pages) these tests skip and say why; everything else still runs.
Screenshots go to test-artifacts/browser/ (BROWSER_ARTIFACTS overrides it)."""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import pyotp
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "test-artifacts" / "browser"))
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
         "user_agent": ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                        "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN")}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
# As the machine's probe found: without these, Chromium's background connections are refused here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Live:
    url: str
    fake_url: str
    logins: dict = field(default_factory=dict)   # username → (password, TOTP secret or None)

    def sms(self, phone: str) -> list[dict]:
        """What the fake SMS provider received for a phone, oldest first."""
        return requests.get(f"{self.fake_url}/fake-sms/messages", params={"phone": phone}).json()

    def sms_code(self, phone: str) -> str:
        """The newest one-time code sent to a phone (waits a little for the send)."""
        for _ in range(50):
            messages = self.sms(phone)
            if messages:
                return messages[-1]["params"]["code"]
            time.sleep(0.1)
        raise AssertionError(f"no SMS reached {phone}")

    def totp(self, username: str) -> str:
        return pyotp.TOTP(self.logins[username][1]).now()


def _wait_ready(url: str, process: subprocess.Popen, name: str) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer {url}")


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    if not (Path(os.environ.get("PAGES_DIR", ROOT / "static" / "pages")) / "index.html").is_file():
        pytest.skip("the pages are not built: make build-pages (make test does it)")
    instance = tmp_path_factory.mktemp("live")
    app_port, fake_port = free_port(), free_port()
    fake = f"http://127.0.0.1:{fake_port}"
    env = {key: value for key, value in os.environ.items() if key not in {"TEST_DATABASE_URL", "REDIS_URL"}}
    env.update({
        "FLASK_APP": "wsgi.py", "INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance}/app.db",
        "DEMO_MODE": "1", "JOB_BACKEND": "immediate", "PUBLIC_BASE_URL": f"http://127.0.0.1:{app_port}",
        "WECHAT_API_BASE": fake, "TSA_URL": f"{fake}/tsa/",
        "WECHAT_OAUTH_AUTHORIZE_URL": f"{fake}/connect/oauth2/authorize",
        "SMS_BACKEND": "http", "SMS_HTTP_URL": f"{fake}/fake-sms/sms/send", "SMS_HTTP_TOKEN": "demo-sms-token",
        "RATELIMIT_ENABLED": "0",
    })
    bin_dir = Path(sys.executable).parent
    run = dict(cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    subprocess.run([bin_dir / "flask", "db", "upgrade"], **run)
    loaded = subprocess.run([bin_dir / "flask", "demo", "load"], **run).stdout
    logins = {m["user"]: (m["password"], m["totp"]) for m in (
        re.match(r"\s+\S+\s+(?P<user>\S+)\s+(?P<password>Demo-\S+)(?:\s+TOTP secret (?P<totp>[A-Z2-7]+))?", line)
        for line in loaded.splitlines()) if m}
    logs = open(instance / "servers.log", "w")
    processes = [subprocess.Popen([sys.executable, "-m", "app.devservers", "--port", str(fake_port)],
                                  cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT)]
    try:
        _wait_ready(f"{fake}/fake-sms/messages", processes[0], "the fake servers")
        processes.append(subprocess.Popen(
            [bin_dir / "gunicorn", "--workers", "1", "--threads", "8", "--bind", f"127.0.0.1:{app_port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT))
        _wait_ready(f"http://127.0.0.1:{app_port}/readyz", processes[1], "the app")
        yield Live(url=f"http://127.0.0.1:{app_port}", fake_url=fake, logins=logins)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        logs.close()


# Per module, not per session: Playwright's sync API keeps an event loop running in this thread while
# it is open, and the seal (pyHanko) calls asyncio.run() in the tests that come after these.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: sudo apt-get install chromium (or set CHROMIUM) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (make install)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live):
    """A new phone (390×844, touch) with nothing stored: each test's people start logged out."""
    context = browser.new_context(base_url=live.url, **PHONE)
    yield context
    context.close()


@pytest.fixture
def desktop(browser, live):
    context = browser.new_context(base_url=live.url, **DESKTOP)
    yield context
    context.close()


@pytest.fixture
def shot(request):
    """shot(page, "step name") saves a full-page screenshot under the test's own folder."""
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    counter = iter(range(1, 1000))

    def take(page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
