"""Cost of authentication and of a write, as ratios to floors measured in the same run.

Usage: .venv/bin/python -m bench.bench_identity [N]   (DATABASE_URL picks the engine; SQLite by default)
Floors: GET /healthz (the no-op endpoint) and a raw `SELECT 1` through the same engine.
"""
import os
import random
import statistics
import sys
import tempfile
import time

os.environ.setdefault("JOB_BACKEND", "immediate")

from sqlalchemy import text  # noqa: E402

from bench.results import record  # noqa: E402
from app import create_app  # noqa: E402
from app.cli import upgrade_database  # noqa: E402
from app.db import session  # noqa: E402
from app.demo import load_regions  # noqa: E402
from app.identity.models import Account  # noqa: E402
from app.identity.services import issue_session  # noqa: E402


def timed(call, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, sorted(samples)[int(n * 0.95) - 1] * 1000


def main(n: int) -> None:
    instance = tempfile.mkdtemp(prefix="shjz-bench-")
    app = create_app({"APP_ENV": "test", "INSTANCE_PATH": instance, "SMS_BACKEND": "memory",
                      "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING",
                      "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance}/bench.db")})
    upgrade_database(app.extensions["db_engine"])
    client = app.test_client()
    with app.app_context():
        load_regions()
        from app.common.clock import utcnow
        account = Account(role="applicant", created_at=utcnow(), updated_at=utcnow())
        session.add(account)
        session.flush()
        token = issue_session(account, method="bench", policy=app.extensions["auth_policy"],
                              signer=app.extensions["tokens"]).access_token
        session.commit()
        raw = timed(lambda: session.execute(text("SELECT 1")).scalar(), n)
        session.remove()
    headers = {"Authorization": f"Bearer {token}"}
    base = random.randrange(10**7)  # a rerun on the same database must not hit the per-phone limit
    phones = iter(f"139{(base + i) % 10**8:08d}" for i in range(10**7))
    rows = [
        ("GET /healthz (floor)", timed(lambda: client.get("/healthz"), n)),
        ("raw SELECT 1 (floor)", raw),
        ("GET /api/v1/me (JWT + session + account)", timed(lambda: client.get("/api/v1/me", headers=headers), n)),
        ("POST /api/v1/auth/otp (code + outbox row + SMS job)",
         timed(lambda: client.post("/api/v1/auth/otp", json={"phone": next(phones)}), n)),
    ]
    floor = rows[0][1][0]
    engine = app.extensions["db_engine"].dialect.name
    print(f"engine={engine} n={n}")
    print(f"{'operation':55} {'median ms':>10} {'p95 ms':>8} {'÷ healthz':>10}")
    for name, (median, p95) in rows:
        print(f"{name:55} {median:10.3f} {p95:8.3f} {median / floor:10.1f}")
    for name, (median, _p95) in rows[2:]:
        record("identity", f"{name.split(' (')[0]}, median ({engine})", median, "ms", floor="GET /healthz",
               floor_value=floor)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
