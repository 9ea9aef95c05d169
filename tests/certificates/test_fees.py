"""手数料: per kind and copy, 公用 free, named 減免事由 chosen at the counter; recorded with the
issuance inside the one issuance path; configuration per municipality."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from jichitai.certificates import kinds
from jichitai.certificates.fees import settings as fee_settings
from jichitai.certificates.fees.charge import UNKNOWN_EXEMPTION
from jichitai.certificates.issuance import IssuanceRefused, Requester, issue
from jichitai.certificates.issuance.fake import fake_renderer
from jichitai.certificates.models import (
    FeeExemption,
    FeeRate,
    HistoryUndeletable,
    Issuance,
    IssuanceCounter,
    IssuanceFee,
)
from jichitai.tenancy.context import activate
from jichitai.web.certificates import form

from .conftest import family, issue_for, request

pytestmark = pytest.mark.django_db
OFFICIAL = Requester("official", name="〇〇税務署", purpose="国税徴収法第141条")


def _fee(history_id: int) -> IssuanceFee:
    return IssuanceFee.objects.get(issuance_id=history_id)


def test_fee_per_kind_and_copy_is_recorded_with_the_issuance(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        assert (
            fee_settings.set_rates({"juminhyo": "300", "joshu": "350"}, staff=office.approver) == []
        )
        two = issue_for(office, [head.pk], copies=2)
        fee = _fee(two.history_id)
        assert (fee.unit, fee.copies, fee.amount, fee.exemption, fee.rate_set) == (
            300,
            2,
            600,
            "",
            True,
        )
        # 個人票 for two persons: two certificates, two fees
        hh = Requester("household", person_id=head.pk)
        pair = issue_for(office, [head.pk, wife.pk], requester=hh, household_form=False)
        assert _fee(pair.history_id).amount == 600 and _fee(pair.history_id).copies == 2
        # a later change of the rate does not rewrite what was charged
        fee_settings.set_rates({"juminhyo": "400", "joshu": "350"}, staff=office.approver)
        assert _fee(two.history_id).amount == 600
        assert _fee(issue_for(office, [head.pk]).history_id).amount == 400


def test_official_requests_are_free_and_say_why(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        FeeRate.objects.create(kind="juminhyo", amount=300)
        issued = issue_for(office, [head.pk], requester=OFFICIAL, copies=3)
        fee = _fee(issued.history_id)
        assert (fee.amount, fee.unit, fee.copies) == (0, 300, 3)
        assert fee.exemption == "公用" and fee.exemption_basis == "国税徴収法第141条"


def test_a_named_exemption_chosen_at_the_counter_is_recorded(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        FeeRate.objects.create(kind="juminhyo", amount=300)
        assert fee_settings.add_exemption("生活保護", "手数料条例第5条第1号") == []
        welfare = FeeExemption.objects.get(label="生活保護")
        req = replace(request([head.pk]), fee_exemption=str(welfare.pk))
        issued = issue(req, staff=office.clerk, renderer=fake_renderer)
        fee = _fee(issued.history_id)
        assert (fee.amount, fee.exemption, fee.exemption_basis, fee.exemption_ref_id) == (
            0,
            "生活保護",
            "手数料条例第5条第1号",
            welfare.pk,
        )
        # the counter form carries the choice into the request
        values = {
            "kind": "juminhyo",
            "subject_ids": str(head.pk),
            "requester_kind": "self",
            "requester_person_id": str(head.pk),
            "fee_exemption": str(welfare.pk),
        }
        parsed, problems = form.to_request(values)
        assert problems == [] and parsed.fee_exemption == str(welfare.pk)
        assert (str(welfare.pk), "生活保護（手数料条例第5条第1号）") in form.choices()[
            "fee_exemptions"
        ]


def test_an_unknown_or_switched_off_exemption_refuses_and_takes_no_number(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        fee_settings.add_exemption("生活保護", "手数料条例第5条")
        welfare = FeeExemption.objects.get()
        assert fee_settings.set_exemption_active(welfare.pk, False)
        for chosen in (str(welfare.pk), "999999", "abc", "１"):
            with pytest.raises(IssuanceRefused) as exc:
                issue(
                    replace(request([head.pk]), fee_exemption=chosen),
                    staff=office.clerk,
                    renderer=fake_renderer,
                )
            assert exc.value.messages == [UNKNOWN_EXEMPTION]
        assert not Issuance.objects.exists() and not IssuanceCounter.objects.exists()
        assert form.choices()["fee_exemptions"] == []
        fee_settings.set_exemption_active(welfare.pk, True)
        issued = issue(
            replace(request([head.pk]), fee_exemption=str(welfare.pk)),
            staff=office.clerk,
            renderer=fake_renderer,
        )
        assert issued.copies[0].number.endswith("001")  # the refusals took no number


def test_a_kind_without_a_fee_costs_nothing_and_is_marked(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        fee = _fee(issue_for(office, [head.pk]).history_id)
        assert (fee.amount, fee.unit, fee.rate_set) == (0, 0, False)


def test_rates_follow_the_kind_registry(office, monkeypatch) -> None:
    """A kind registered by its own module gets a fee without any list to update."""
    extra = kinds.CertificateKind(code="test_kind", title="試験証明書", build=lambda *a, **k: [])
    kinds.load_all()
    monkeypatch.setitem(kinds._KINDS, "test_kind", extra)
    with activate(office.ctx()):
        values = {k.code: "200" for k in kinds.all_kinds()}
        assert fee_settings.set_rates(values, staff=office.approver) == []
        assert FeeRate.objects.get(kind="test_kind").amount == 200
        problems = fee_settings.set_rates({"test_kind": "-5"}, staff=office.approver)
        assert problems == ["試験証明書の手数料は0から100,000までの整数（円）で入力してください。"]
        assert FeeRate.objects.get(kind="test_kind").amount == 200  # all or nothing
        assert fee_settings.set_rates({"test_kind": ""}, staff=office.approver) == []
        assert not FeeRate.objects.exists()  # blank = not set


def test_exemption_labels_are_checked(office) -> None:
    with activate(office.ctx()):
        assert fee_settings.add_exemption("", "") == [
            fee_settings.LABEL_MESSAGE,
            fee_settings.BASIS_MESSAGE,
        ]
        assert fee_settings.add_exemption("生活保護", "条例") == []
        assert fee_settings.add_exemption("生活保護", "条例") == [fee_settings.DUPLICATE_MESSAGE]
        assert not fee_settings.set_exemption_active(999999, False)


@given(st.text(max_size=12))
def test_amount_parser_accepts_only_yen_in_range(text: str) -> None:
    value = fee_settings._amount(text)
    if value is not None:
        assert 0 <= value <= fee_settings.MAX_FEE
        cleaned = text.strip().replace(",", "").removesuffix("円")
        assert cleaned.isascii() and int(cleaned) == value


@pytest.mark.std("300#2")
def test_the_fee_is_kept_with_the_history(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        issued = issue_for(office, [head.pk])
        for attempt in (_fee(issued.history_id).delete, IssuanceFee.objects.all().delete):
            with pytest.raises(HistoryUndeletable), transaction.atomic():
                attempt()
        assert IssuanceFee.objects.count() == 1


def test_fees_are_per_municipality(office, office_b) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        FeeRate.objects.create(kind="juminhyo", amount=300)
        fee_settings.add_exemption("生活保護", "条例")
        welfare = FeeExemption.objects.get()
        assert _fee(issue_for(office, [head.pk]).history_id).amount == 300
    with activate(office_b.ctx(office_b.clerk)):
        assert not FeeRate.objects.exists() and not FeeExemption.objects.exists()
        assert not IssuanceFee.objects.exists()
        b_head, _, _ = family(office_b)
        assert _fee(issue_for(office_b, [b_head.pk]).history_id).amount == 0
        # A's 減免事由 is unknown here
        with pytest.raises(IssuanceRefused):
            issue(
                replace(request([b_head.pk]), fee_exemption=str(welfare.pk)),
                staff=office_b.clerk,
                renderer=fake_renderer,
            )


def test_rate_changes_are_logged_as_settings(office) -> None:
    from jichitai.audit.models import SystemAuditEntry

    logged = SystemAuditEntry.objects.filter(subject_type="certificates.feerate")
    with activate(office.ctx(office.approver)):
        fee_settings.set_rates({"juminhyo": "300"}, staff=office.approver)
        fee_settings.set_rates({"juminhyo": ""}, staff=office.approver)
    assert list(logged.values_list("action", flat=True).order_by("pk")) == ["created", "deleted"]
