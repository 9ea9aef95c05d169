"""Certificate fixtures: the register's offices (A and B), a family, and issuing helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.certificates.issuance import CertificateRequest, Options, Requester, Station, issue
from jichitai.certificates.issuance.fake import fake_renderer
from tests.registry.conftest import Office, move_in_family, office, office_b, people  # noqa: F401

D = dt.date
STATION = Station(terminal="本庁1", printer="プリンタ001", place="本庁舎1階 市民課窓口")


def family(at: Office) -> tuple[Any, Any, Any]:
    move_in_family(at)
    head, wife, son = people()
    return head, wife, son


def request(
    subjects: list[int], kind: str = "juminhyo", requester: Requester | None = None, **options: Any
) -> Any:
    confirmed = options.pop("hold_confirmed", False)
    return CertificateRequest(
        kind=kind,
        subject_ids=tuple(subjects),
        requester=requester or Requester("self", person_id=subjects[0]),
        options=Options(**options),
        station=STATION,
        hold_confirmed=confirmed,
    )


def issue_for(at: Office, subjects: list[int], staff: Any = None, **kw: Any) -> Any:
    return issue(request(subjects, **kw), staff=staff or at.clerk, renderer=fake_renderer)


def officer(at: Office, name: str = "support-officer") -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    staff = Staff.objects.create(username=f"{name}-{at.municipality.code}")
    RoleGrant.objects.create(staff=staff, municipality=at.municipality, role="support_measure")
    RoleGrant.objects.create(staff=staff, municipality=at.municipality, role="clerk")
    return staff


def household_from(at: Office, previous: str) -> list[Any]:
    """髙橋 一郎 (世帯主) and 花子 (妻), moved in from ``previous`` (a 転入前住所 of any length)."""
    from tests.registry.conftest import apply, person_spec

    apply(
        at,
        "move_in",
        {
            "household": {"new": {"address_id": at.address.pk, "banchi": "1番地"}},
            "persons": [
                person_spec("p1", "髙橋", "一郎", "1970-05-01", "世帯主"),
                person_spec("p2", "髙橋", "花子", "1972-07-07", "妻", sex="2", given_kana="ハナコ"),
            ],
            "previous_address": previous,
        },
        D(2020, 4, 1),
    )
    return people()
