"""Two caseworkers decide the same case at the same moment, on a database with real commits."""
import json
import threading

from sqlalchemy import func, select

from app.applications.models import Application
from app.applications.services import household_of
from app.common.clock import utcnow
from app.db import session
from app.review.models import Decision
from tests.factories import QINGLONG, StaffFactory, make_applicant, make_application, tokens_for


def test_two_racing_decisions_leave_exactly_one(fresh_app):
    with fresh_app.app_context():
        application = make_application(make_applicant("13900000101"))
        # As if submitted, signed and checked: the step this test is about.
        application.snapshot = json.dumps({"members": household_of(application)}, ensure_ascii=False)
        application.commitment_sha256, application.submitted_at = "0" * 64, utcnow()
        application.status = "village_review"
        session.commit()
        application_id, version = application.id, application.version
        workers = [StaffFactory(fresh_app)("village_worker", QINGLONG) for _ in range(2)]
        headers = [{"Authorization": f"Bearer {tokens_for(fresh_app, worker).access_token}",
                    "If-Match": f'"v{version}"'} for worker in workers]
    bodies = [{"step": "village_review", "outcome": "approve"},
              {"step": "village_review", "outcome": "return", "reason": "材料不全，请补充", "items": ["户口簿"]}]
    start, answers = threading.Barrier(2), [None, None]

    def decide(i):
        client = fresh_app.test_client()
        start.wait()
        answers[i] = client.post(f"/api/v1/staff/cases/{application_id}/decisions", json=bodies[i],
                                 headers=headers[i]).status_code

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 412]
    with fresh_app.app_context():
        assert session.scalar(select(func.count()).select_from(Decision)) == 1
        winner = session.scalar(select(Decision))
        assert session.get(Application, application_id).status == {"approve": "township_confirmation",
                                                                   "return": "returned"}[winner.outcome]
