"""One factory per tenant model, used by the generated isolation suite (tests/test_isolation.py).

Each factory runs under an active TenantContext and creates one row carrying ``marker`` somewhere
visible. A tenant model without a factory here makes the isolation suite fail: add one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

_SEQ = itertools.count(1)


def _municipal_setting(marker: str) -> Any:
    from jichitai.tenancy.models import MunicipalSetting

    return MunicipalSetting.objects.create(key=f"k-{marker}", value={"marker": marker})


def _disaster_declaration(marker: str) -> Any:
    import datetime as dt

    from django.utils import timezone

    from jichitai.tenancy.models import DisasterDeclaration

    now = timezone.now()
    return DisasterDeclaration.objects.create(
        kind="earthquake", legal_basis="agreement", purpose=marker, starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1), declared_by=_staff(marker))


def _audit_entry(marker: str) -> Any:
    from jichitai.audit.recording import record

    return record("operation", "isolation.test", detail={"marker": marker})


def _audit_head(marker: str) -> Any:
    from jichitai.audit.models import AuditChainHead

    _audit_entry(marker)
    return AuditChainHead.objects.get()


def _address(marker: str) -> Any:
    from jichitai.registry.models import AddressEntry

    return AddressEntry.objects.create(town_code=f"t{next(_SEQ)}", name=marker)


def _household(marker: str) -> Any:
    from jichitai.registry.models import Household

    return Household.objects.create(
        household_no=f"h-{marker}", address=_address(marker + "-h"), banchi=marker
    )


def _person(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.models import Person

    return Person.objects.create(
        atena_no=f"a-{marker}", household=_household(marker + "-p"), relationship="世帯主",
        family_name=marker, given_name="", name_key=marker, kana_key=marker,
        birth_date=dt.date(1980, 1, 1), sex="1", resident_type="japanese", status="resident",
    )


def _staff(marker: str) -> Any:
    from jichitai.accounts.models import Staff

    return Staff.objects.get_or_create(username=f"factory-{marker}")[0]


def _event(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.models import RegistryEvent

    return RegistryEvent.objects.create(
        kind="move_in", status="provisional", effective_date=dt.date(2024, 1, 1),
        entered_by=_staff(marker), request={"marker": marker},
    )


def _fact(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.models import EventFact

    return EventFact.objects.create(
        event=_event(marker + "-f"), entity="person", entity_id=1, field="family_name",
        before=None, after=marker, effective_date=dt.date(2024, 1, 1), approval_seq=1,
    )


def _support(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.models import SupportMeasure

    return SupportMeasure.objects.create(
        person=_person(marker + "-s"), start_date=dt.date(2024, 1, 1), end_date=dt.date(2025, 1, 1),
        against=[{"name": marker}], reason=marker, created_by=_staff(marker),
    )


def _counter(marker: str) -> Any:
    from jichitai.registry.models import Counter

    return Counter.objects.create(name=marker[:30])


def _search_history(marker: str) -> Any:
    from jichitai.registry.search_history import SearchHistory

    return SearchHistory.objects.create(staff=_staff(marker), params={"name": marker}, summary=marker)


def _place(marker: str) -> Any:
    from jichitai.registry.records_models import InputPlace

    return InputPlace.objects.create(code=f"P{next(_SEQ)}", name=marker, kind="branch")


def _terminal(marker: str) -> Any:
    from jichitai.registry.records_models import InputTerminal

    return InputTerminal.objects.create(place=_place(marker + "-t"), code=f"T{next(_SEQ)}", name=marker)


def _event_entry(marker: str) -> Any:
    from jichitai.registry.records_models import EventEntry

    t = _terminal(marker + "-e")
    return EventEntry.objects.create(event=_event(marker + "-e"), place=t.place, terminal=t)


def _remark(marker: str) -> Any:
    from jichitai.registry.records_models import EventRemark

    return EventRemark.objects.create(event=_event(marker + "-r"), person=_person(marker + "-r"), text=marker,
                                      created_by=_staff(marker))


def _note(marker: str) -> Any:
    from jichitai.registry.records_models import PersonNote

    return PersonNote.objects.create(person=_person(marker + "-n"), kind="memo", created_by=_staff(marker))


def _note_revision(marker: str) -> Any:
    from jichitai.registry.records_models import NoteRevision

    return NoteRevision.objects.create(note=_note(marker + "-v"), action="create", text=marker, staff=_staff(marker))


def _reissue(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.records_models import Reissue

    return Reissue.objects.create(person=_person(marker + "-k"), reissued_on=dt.date(2024, 1, 1), last_history_no=1,
                                  reason=marker, created_by=_staff(marker))


def _dictionary(marker: str) -> Any:
    from jichitai.registry.address_models import AddressDictionary

    return AddressDictionary.objects.create(code=f"{13000000000 + next(_SEQ)}", pref_name="東京都", pref_kana="ト",
                                            city_name=marker, city_kana="ヒ")


def _lot(marker: str) -> Any:
    from jichitai.registry.address_models import AddressLot

    return AddressLot.objects.create(address=_address(marker + "-l"), kind="chiban", text=marker)


def _katagaki(marker: str) -> Any:
    from jichitai.registry.address_models import Katagaki

    return Katagaki.objects.create(address=_address(marker + "-k"), banchi="1", name=marker)


def _country(marker: str) -> Any:
    from jichitai.registry.address_models import CountryName

    return CountryName.objects.create(code=f"{next(_SEQ) % 1000:03d}", name=marker[:60])


def _hold(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.holds_models import Hold

    return Hold.objects.create(person=_person(marker + "-h"), process="entry", level="error",
                               start_date=dt.date(2024, 1, 1), reason=marker, created_by=_staff(marker))


def _hold_change(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.link_models import HoldChange

    hold = _hold(marker + "-c")
    return HoldChange.objects.create(action="set", source="hold", hold=hold, person=hold.person, process=marker[:10],
                                     level="error", start_date=dt.date(2024, 1, 1))


def _inspection_copy(marker: str) -> Any:
    from jichitai.registry.inspection_models import InspectionCopy

    return InspectionCopy.objects.create(rows=1, order="address", sha256=marker[:64], admitted=[])


def _inspection_copy_entry(marker: str) -> Any:
    from jichitai.registry.inspection_models import InspectionCopyEntry

    return InspectionCopyEntry.objects.create(copy=_inspection_copy(marker), person=_person(marker + "-i"), line=1)


def _ex_officio_record(marker: str) -> Any:
    from jichitai.registry.ex_officio_models import ExOfficioRecord

    return ExOfficioRecord.objects.create(event=_event(marker + "-x"), basis="koseki_notice", matter=marker)


def _resident_code_stock(marker: str) -> Any:
    from jichitai.registry.resident_code_models import ResidentCodeStock

    return ResidentCodeStock.objects.create(code=f"{next(_SEQ):011d}", source=marker[:100])


def _immigration_notice(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.immigration_models import ImmigrationNotice

    day = dt.date(2024, 1, 1)
    return ImmigrationNotice.objects.create(number=f"n-{next(_SEQ)}", notified_on=day, action="修正", reason=marker[:100],
                                            effective_date=day, card="AA00000001BB", birth_date=day, sex="1")


def _archived(marker: str) -> Any:
    import datetime as dt

    from jichitai.registry.archive_models import ArchivedRecord

    return ArchivedRecord.objects.create(
        person_id=next(_SEQ), atena_no=f"a-{marker}", family_name=marker, name_key=marker, kana_key=marker,
        birth_date=dt.date(1950, 1, 1), sex="1", resident_type="japanese", status="dead",
        removed_on=dt.date(2015, 1, 1), record={"marker": marker}, keep_until=dt.date(2165, 1, 1))


def _schedule(marker: str) -> Any:
    import datetime as dt

    from jichitai.jobs.models import Schedule

    return Schedule.objects.create(job_name="registry.removed_archive", kind="daily", at_time=dt.time(2, 0),
                                   params={"marker": marker}, created_by=_staff(marker))


def _run(marker: str) -> Any:
    from jichitai.jobs.models import Run

    return Run.objects.create(job_name="registry.removed_archive", trigger="manual", params={"marker": marker},
                              message=marker)


def _run_file(marker: str) -> Any:
    from jichitai.jobs.models import RunFile

    return RunFile.objects.create(run=_run(marker), name=f"{marker}.csv", content=marker.encode(), size=3)


def _issuance(marker: str) -> Any:
    import datetime as dt

    from jichitai.certificates.models import Issuance

    return Issuance.objects.create(request_id=f"r-{marker}-{next(_SEQ)}", place=marker, staff=_staff(marker),
                                   kind="juminhyo", subject_ids=[], requester_kind="self", copies=1, pages=1,
                                   keep_until=dt.date(2100, 1, 1))


def _issuance_subject(marker: str) -> Any:
    from jichitai.certificates.models import IssuanceSubject

    return IssuanceSubject.objects.create(issuance=_issuance(marker), person_id=next(_SEQ))


def _print_log(marker: str) -> Any:
    from jichitai.certificates.models import PrintLog

    return PrintLog.objects.create(issuance=_issuance(marker), number=marker, copy_no=1, pages=1, sha256="0" * 64)


def _notice_print(marker: str) -> Any:
    from jichitai.certificates.models import NoticePrint

    return NoticePrint.objects.create(staff=_staff(marker), kind="receipt_notice", title=marker, person_ids=[],
                                      pages=1, sha256="0" * 64)


def _issuance_counter(marker: str) -> Any:
    import datetime as dt

    from jichitai.certificates.models import IssuanceCounter

    return IssuanceCounter.objects.create(day=dt.date(2000, 1, 1) + dt.timedelta(days=next(_SEQ)))


def _fee_rate(marker: str) -> Any:
    from jichitai.certificates.models import FeeRate

    return FeeRate.objects.create(kind=f"k{next(_SEQ)}", amount=300)


def _fee_exemption(marker: str) -> Any:
    from jichitai.certificates.models import FeeExemption

    return FeeExemption.objects.create(label=f"{marker}{next(_SEQ)}"[:50], basis=marker[:200])


def _issuance_fee(marker: str) -> Any:
    from jichitai.certificates.models import IssuanceFee

    return IssuanceFee.objects.create(issuance=_issuance(marker), unit=300, copies=1, amount=300)


def _move_out_certificate(marker: str) -> Any:
    import datetime as dt

    from jichitai.certificates.models import MoveOutCertificate

    return MoveOutCertificate.objects.create(
        person_id=next(_SEQ), event_id=next(_SEQ), kind="tenshutsu", printed={"marker": marker},
        first_request_id=f"r-{marker}", first_number=marker, first_issued_on=dt.date(2026, 1, 1))


def _authority(marker: str) -> Any:
    import datetime as dt

    from jichitai.certificates.models import Authority

    return Authority.objects.create(role="deputy", title="長職務代理者", name=marker, valid_from=dt.date(2026, 1, 1))


def _official_seal(marker: str) -> Any:
    from jichitai.certificates.models import OfficialSeal

    return OfficialSeal.objects.create(kind="certificate", image=marker.encode(), image_sha256=marker[:64],
                                       width_px=200, height_px=200, width_mm=20, height_mm=20)


def _issuer_choice(marker: str) -> Any:
    from jichitai.certificates.models import IssuerChoice

    return IssuerChoice.objects.create(kind=f"k{next(_SEQ)}", fixed_text=marker)


def _overflow_entry(marker: str) -> Any:
    from jichitai.certificates.models import OverflowEntry

    return OverflowEntry.objects.create(kind="overflow", staff=_staff(marker), certificate_kind="juminhyo",
                                        item="転入前住所", text=marker)


def _assessment(marker: str) -> Any:
    from jichitai.tax.models import Assessment

    return Assessment.objects.create(person=_person(marker + "-tax"), fiscal_year=2025, status="exempt",
                                     source="entered", reason=marker, **dict.fromkeys(
                                         ("total_income", "income_levy", "per_capita_levy"), 0))


def _seal_registration(marker: str) -> Any:
    from jichitai.seals.models import SealRegistration

    seq = f"seal{next(_SEQ)}"  # short: household_no holds 20; the marker is in the name
    return SealRegistration.objects.create(
        person=_person(seq), registered_name=marker, image=b"png", image_sha256="0" * 64,
        image_type="image/png", width_px=200, height_px=200, impression_width_mm=15,
        impression_height_mm=15, registered_by=_staff(marker + seq),
    )


def _seal_card(marker: str) -> Any:
    from jichitai.seals.models import SealCard

    return SealCard.objects.create(registration=_seal_registration(marker), number=f"{next(_SEQ):08d}")


def _seal_event(marker: str) -> Any:
    from jichitai.seals.models import SealEvent

    return SealEvent.objects.create(registration=_seal_registration(marker), kind="register", reason=marker)


def _migration_run(marker: str) -> Any:
    from jichitai.registry.models import MigrationRun

    return MigrationRun.objects.create(direction="import", run_key=marker, sha256=f"{next(_SEQ):064d}",
                                       staff=_staff(marker), detail={"marker": marker})


def _euc_batch(marker: str) -> Any:
    from jichitai.registry.models import EucBatch

    return EucBatch.objects.create(staff=_staff(marker), spec={"source": "persons", "where": marker},
                                   file_name=f"{marker}.csv", content=marker.encode())


FACTORIES: dict[str, Callable[[str], Any]] = {
    "certificates.Issuance": _issuance,
    "certificates.IssuanceSubject": _issuance_subject,
    "certificates.PrintLog": _print_log,
    "certificates.NoticePrint": _notice_print,
    "certificates.IssuanceCounter": _issuance_counter,
    "certificates.FeeRate": _fee_rate,
    "certificates.FeeExemption": _fee_exemption,
    "certificates.IssuanceFee": _issuance_fee,
    "certificates.MoveOutCertificate": _move_out_certificate,
    "certificates.Authority": _authority,
    "certificates.OfficialSeal": _official_seal,
    "certificates.IssuerChoice": _issuer_choice,
    "certificates.OverflowEntry": _overflow_entry,
    "tax.Assessment": _assessment,
    "seals.SealRegistration": _seal_registration,
    "seals.SealCard": _seal_card,
    "seals.SealEvent": _seal_event,
    "registry.ExOfficioRecord": _ex_officio_record,
    "registry.ArchivedRecord": _archived,
    "jobs.Schedule": _schedule,
    "jobs.Run": _run,
    "jobs.RunFile": _run_file,
    "registry.CountryName": _country,
    "registry.InputPlace": _place,
    "registry.InputTerminal": _terminal,
    "registry.EventEntry": _event_entry,
    "registry.EventRemark": _remark,
    "registry.PersonNote": _note,
    "registry.NoteRevision": _note_revision,
    "registry.Reissue": _reissue,
    "registry.AddressDictionary": _dictionary,
    "registry.AddressLot": _lot,
    "registry.Katagaki": _katagaki,
    "tenancy.MunicipalSetting": _municipal_setting,
    "tenancy.DisasterDeclaration": _disaster_declaration,
    "audit.AuditEntry": _audit_entry,
    "audit.AuditChainHead": _audit_head,
    "registry.AddressEntry": _address,
    "registry.Household": _household,
    "registry.Person": _person,
    "registry.RegistryEvent": _event,
    "registry.EventFact": _fact,
    "registry.SupportMeasure": _support,
    "registry.Counter": _counter,
    "registry.SearchHistory": _search_history,
    "registry.Hold": _hold,
    "registry.HoldChange": _hold_change,
    "registry.InspectionCopy": _inspection_copy,
    "registry.InspectionCopyEntry": _inspection_copy_entry,
    "registry.ResidentCodeStock": _resident_code_stock,
    "registry.ImmigrationNotice": _immigration_notice,
    "registry.MigrationRun": _migration_run,
    "registry.EucBatch": _euc_batch,
}
