"""The workflow table, who signs, and what makes an application complete."""
from datetime import date
from decimal import Decimal

import pytest

from app.applications.domain import (TRANSITIONS, Action, MemberFacts, ReviewPath, Status, TransitionNotAllowed,
                                     allowed_pairs, completeness_problems, next_status, required_signatures,
                                     review_path)

TODAY = date(2026, 11, 23)
ADULT, CHILD = "610324199001011230", "610324201006010034"


@pytest.mark.parametrize("current,action,role,expected", [
    (Status.DRAFT, Action.SUBMIT, "applicant", Status.SUBMITTED),
    (Status.SUBMITTED, Action.OPEN_AUTHORIZATION, "system", Status.AUTHORIZING),
    (Status.AUTHORIZING, Action.ALL_SIGNED, "system", Status.CHECKING),
    (Status.CHECKING, Action.CHECK_DONE, "verification_officer", Status.VILLAGE_REVIEW),
    (Status.VILLAGE_REVIEW, Action.APPROVE, "village_worker", Status.TOWNSHIP_CONFIRMATION),
    (Status.TOWNSHIP_CONFIRMATION, Action.APPROVE, "township_worker", Status.DISTRICT_FILING),
    (Status.DISTRICT_FILING, Action.APPROVE, "district_worker", Status.APPROVED),
    (Status.DISTRICT_FILING, Action.REJECT, "district_worker", Status.REJECTED),
    (Status.VILLAGE_REVIEW, Action.RETURN, "village_worker", Status.RETURNED),
    (Status.RETURNED, Action.RESUBMIT, "applicant", Status.RESUBMITTED),
    (Status.AUTHORIZING, Action.WITHDRAW, "applicant", Status.WITHDRAWN),
])
def test_listed_transitions_happen(current, action, role, expected):
    assert next_status(current, action, role) == expected


@pytest.mark.parametrize("current,action,role", [
    (Status.DRAFT, Action.APPROVE, "district_worker"),            # skipping the whole review
    (Status.VILLAGE_REVIEW, Action.APPROVE, "township_worker"),   # another level's step
    (Status.VILLAGE_REVIEW, Action.REJECT, "village_worker"),     # villages review, they do not refuse
    (Status.APPROVED, Action.WITHDRAW, "applicant"),              # decided cases are closed
    (Status.WITHDRAWN, Action.SUBMIT, "applicant"),
    (Status.SUBMITTED, Action.SUBMIT, "applicant"),               # no double submission
    (Status.DRAFT, Action.SUBMIT, "village_worker"),              # only the applicant submits
])
def test_anything_else_is_refused(current, action, role):
    with pytest.raises(TransitionNotAllowed):
        next_status(current, action, role)


def test_resume_goes_back_to_the_stage_that_returned_the_case():
    assert next_status(Status.RESUBMITTED, Action.RESUME, "system", resume_to=Status.TOWNSHIP_CONFIRMATION) \
        == Status.TOWNSHIP_CONFIRMATION
    with pytest.raises(TransitionNotAllowed):
        next_status(Status.RESUBMITTED, Action.RESUME, "system", resume_to=Status.APPROVED)
    with pytest.raises(TransitionNotAllowed):
        next_status(Status.RESUBMITTED, Action.RESUME, "system")  # missing target


def test_every_open_status_can_be_withdrawn_and_no_closed_one():
    withdrawable = {current for (current, action) in TRANSITIONS if action == Action.WITHDRAW}
    assert withdrawable == set(Status) - {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN, Status.REVOKED}


def test_the_database_table_lists_exactly_the_domain_pairs():
    pairs = allowed_pairs()
    assert ("draft", "submitted") in pairs and ("draft", "approved") not in pairs
    assert {("checking", "township_confirmation"), ("township_confirmation", "approved"),
            ("approved", "revoked")} <= pairs   # the fast paths and revocation
    assert len(pairs) == 29


def member(index, id_number=ADULT, phone="13800000001", relation="self", lives=True, capacity="full", guardian=None):
    return MemberFacts(index, f"成员{index}", id_number, phone, relation, lives, capacity, guardian)


@pytest.mark.parametrize("members,expected", [
    ([member(0)], [(0, 0)]),                                                       # alone
    ([member(0), member(1, CHILD, None, "child", guardian=0)], [(0, 0), (1, 0)]),  # minor: the guardian signs
    ([member(0), member(1, capacity="none", relation="spouse", guardian=0)], [(0, 0), (1, 0)]),
    ([member(0), member(1, relation="spouse", lives=False)], [(0, 0)]),            # not living together
])
def test_who_signs(members, expected):
    assert [(s.member_index, s.signer_index) for s in required_signatures(members, TODAY)] == expected


def problems(members, documents=("id_card", "hukou_book"), kind="dibao_rural", region=True):
    return completeness_problems(kind, members, set(documents), region_known=region, today=TODAY).by_field


def test_a_complete_application_has_no_problems():
    assert problems([member(0), member(1, CHILD, None, "child", guardian=0)]) == {}


@pytest.mark.parametrize("members,documents,region,field", [
    ([member(0, id_number=None)], ("id_card", "hukou_book"), True, "household.members.0.id_number"),
    ([member(0, phone=None)], ("id_card", "hukou_book"), True, "household.members.0.phone"),
    ([member(0), member(1, CHILD, None, "child")], ("id_card", "hukou_book"), True,
     "household.members.1.guardian_member_index"),
    ([member(0), member(1, CHILD, None, "child", guardian=1)], ("id_card", "hukou_book"), True,
     "household.members.1.guardian_member_index"),
    ([member(0)], ("id_card",), True, "documents"),
    ([member(0)], ("id_card", "hukou_book"), False, "region_code"),
    ([member(0, relation="spouse")], ("id_card", "hukou_book"), True, "household.members.0.relation"),
    ([], ("id_card", "hukou_book"), True, "household.members"),
])
def test_incomplete_applications_name_the_problem(members, documents, region, field):
    assert field in problems(members, documents, region=region)


def test_temporary_assistance_needs_only_the_id_card():
    assert problems([member(0)], ("id_card",), kind="temporary") == {}


@pytest.mark.parametrize("kind, amount, limit, consistency, simplified, path", [
    ("temporary", Decimal("400"), Decimal("500"), "inconsistent", False, ReviewPath.SMALL_TEMPORARY),
    ("temporary", Decimal("500"), Decimal("500"), None, False, ReviewPath.SMALL_TEMPORARY),    # at the limit
    ("temporary", Decimal("500.01"), Decimal("500"), None, False, ReviewPath.STANDARD),
    ("temporary", None, Decimal("500"), None, False, ReviewPath.STANDARD),                     # nothing asked
    ("temporary", Decimal("100"), None, None, False, ReviewPath.STANDARD),                     # no limit set
    ("dibao_rural", Decimal("100"), Decimal("500"), None, False, ReviewPath.STANDARD),
    ("dibao_rural", None, Decimal("500"), "consistent", True, ReviewPath.COMMITMENT),
    ("dibao_rural", None, Decimal("500"), "consistent", False, ReviewPath.STANDARD),           # region: off
    ("dibao_rural", None, Decimal("500"), "inconsistent", True, ReviewPath.STANDARD),
    ("dibao_rural", None, Decimal("500"), "not_checked", True, ReviewPath.STANDARD),           # nothing verified
])
def test_the_review_path_a_checked_case_takes(kind, amount, limit, consistency, simplified, path):
    assert review_path(kind, amount, small_limit=limit, consistency=consistency, simplified=simplified) == path
