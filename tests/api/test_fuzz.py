"""Schemathesis in-process against /api/openapi.json: every operation, valid and invalid data
(`--mode all`), as every role and as nobody; then chains of calls along the document's links, as every
role with a token; zero server errors, zero schema violations.

The fast profile runs in `make test`; SCHEMATHESIS_EXAMPLES raises the count per operation,
SCHEMATHESIS_SCENARIOS and SCHEMATHESIS_STEPS the chains per role and their length. With FUZZ_SUMMARY
set (`make fuzz`), the calls made are counted there as JSON, for bench/fuzz_report.py.
"""
import json
import os
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation.modes import GenerationMode

from app.applications.models import Application
from app.identity.models import Account
from app.web.access import ANY_USER, access_rule
from app.web.hooks import RULE_PARAMETER
from tests.api.authorizations.conftest import all_confirmed, household, signing, worker  # noqa: F401
from tests.api.checks.conftest import officer, standards  # noqa: F401
from tests.api.review.conftest import checked_case, levels  # noqa: F401
from tests.factories import BAOJI, DUANJIA, FUFENG, QINGLONG, tokens_for

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))
SCENARIOS = int(os.environ.get("SCHEMATHESIS_SCENARIOS", "3"))
STEPS = int(os.environ.get("SCHEMATHESIS_STEPS", "6"))
SUMMARY = os.environ.get("FUZZ_SUMMARY")
ROLES = {
    None: None,
    "applicant": None,
    "village_worker": QINGLONG,
    "township_worker": DUANJIA,
    "district_worker": FUFENG,
    "verification_officer": FUFENG,
    "admin": BAOJI,
    "auditor": BAOJI,
}


calls: Counter = Counter()   # (phase, role, "METHOD /path", status) → calls


@pytest.fixture(scope="module", autouse=True)
def summary():
    started = time.monotonic()
    yield
    if SUMMARY:
        rows = [{"phase": phase, "role": role, "operation": label, "status": status, "calls": n}
                for (phase, role, label, status), n in calls.items()]
        settings_used = {"examples": EXAMPLES, "scenarios": SCENARIOS, "steps": STEPS}
        with open(SUMMARY, "w", encoding="utf-8") as out:
            json.dump({"seconds": time.monotonic() - started, "settings": settings_used, "calls": rows}, out)


@pytest.fixture
def accounts(staff, applicant):
    made = {role: staff(role, region) for role, region in ROLES.items() if region}
    made["applicant"] = applicant("13800138000")
    return made


class Sessions:
    """One session per role, begun again once a call may have ended it (a fuzzed logout, any 401), so
    the rest of the run is not left without a valid token."""

    def __init__(self, app, accounts):
        self.app, self.accounts, self.tokens = app, accounts, {}

    def token(self, role) -> str:
        if role not in self.tokens:
            self.tokens[role] = tokens_for(self.app, self.accounts[role]).access_token
        return self.tokens[role]

    def headers(self, role) -> dict:
        return {"Authorization": f"Bearer {self.token(role)}"} if role else {}

    def answered(self, role, case, response) -> None:
        if response.status_code == 401 or case.operation.path.endswith("/auth/logout"):
            self.tokens.pop(role, None)


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors_and_responses_match_the_schema(app, accounts, mode):
    sessions = Sessions(app, accounts)
    ops = operations(app)
    assert len(ops) >= 15
    for operation in ops:
        # Public operations ignore tokens: one caller is enough there.
        callers = [None] if operation.definition.raw.get("security") == [] else list(ROLES)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            for role in callers:
                # A case whose point is a missing or malformed token is sent as generated.
                headers = {} if operation.schema.is_security_param_negated(case) else sessions.headers(role)
                # Valid-looking data may still fail rules JSON Schema cannot say (ID check digits,
                # password strength), so only the acceptance check is left out.
                response = case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
                sessions.answered(role, case, response)
                calls[mode.value, role, operation.label, response.status_code] += 1

        try:
            run()
        except Unsatisfiable:
            # An operation with nothing to get wrong (no body, no query) has no negative cases.
            assert mode == GenerationMode.NEGATIVE, operation.label


def operations_open_to(app) -> dict[str, list[str]]:
    """role → the labels ("GET /api/v1/me") of the operations it may call; public ones left out."""
    labels = {role: [] for role in ROLES if role}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            path = RULE_PARAMETER.sub(r"{\1}", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                allowed = access_rule(rule.endpoint, method)
                for role in labels:
                    if allowed == ANY_USER or (isinstance(allowed, frozenset) and role in allowed):
                        labels[role].append(f"{method} {path}")
    return labels


def test_chains_of_linked_calls_give_no_server_errors_and_match_the_schema(app, db, accounts, checked_case):
    # A case past its check (signed, confirmed, checked) gives the lists ids to follow; its applicant
    # is the applicant here.
    owner = db.get(Account, db.get(Application, checked_case).applicant_account_id)
    sessions = Sessions(app, {**accounts, "applicant": owner})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.as_state_machine()  # every link of the document leads to an operation it has
    caller = {}

    # Auth schemathesis knows of: it leaves out the token where a step's point is a missing or bad one.
    @schema.auth(refresh_interval=None)
    class Bearer:
        def get(self, case, context):
            return sessions.token(caller["role"])

        def set(self, case, token, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    # Each role walks the operations it may call: the refusals of the rest are the test above's.
    for role, labels in operations_open_to(app).items():
        caller["role"] = role

        class Chains(schema.include(name=labels).as_state_machine()):
            def setup(self):
                # Each chain starts from the same data (like each test), so the same choices replay alike.
                db.commit()
                self.scenario = db.get_bind().begin_nested()

            def teardown(self):
                db.rollback()
                self.scenario.rollback()
                db.expire_all()
                sessions.tokens.clear()

            def after_call(self, response, case):
                super().after_call(response, case)
                sessions.answered(caller["role"], case, response)
                calls["chains", caller["role"], case.operation.label, response.status_code] += 1

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                case.validate_response(response, additional_checks=additional_checks,
                                       excluded_checks=[positive_data_acceptance], recorder=self.recorder)

        # Generation only, as schemathesis runs chains itself: a replay to shrink a failure would not meet
        # the same server (clocks, PostgreSQL sequences), and would report that instead of the failure.
        Chains.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=STEPS, phases=[Phase.generate],
                                     deadline=None, derandomize=True, database=None,
                                     suppress_health_check=list(HealthCheck)))
