"""A check whose job was lost (the queue was down when the request committed) is run by the sweep."""
from app import jobs
from app.checks import services as checks
from app.checks.models import Check
from tests.factories import age


def test_a_check_whose_job_was_lost_is_run_by_the_sweep_after_two_minutes(db, officer, enrolled):
    application_id = enrolled()
    check_id = checks.request_check(application_id, "application", actor=officer).id
    db.info.pop("after_commit", None)          # the enqueue never happened: Redis was down
    db.commit()

    assert check_id not in checks.stalled_check_ids()   # its job may still be on its way
    age(Check, 119, "requested_at", id=check_id)
    assert check_id not in checks.stalled_check_ids()
    age(Check, 2, "requested_at", id=check_id)
    assert checks.stalled_check_ids() == [check_id]

    jobs.sweep_letters_and_checks.call_local()
    db.expire_all()
    assert db.get(Check, check_id).status == "done"
    assert checks.stalled_check_ids() == []

