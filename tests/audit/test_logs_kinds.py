"""[1370]#1 ログの取得: 端末名 on every entry, エラーログ・通信ログ, バッチ処理ログ, 設定変更ログ."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from jichitai.audit.models import AuditEntry, SystemAuditEntry
from jichitai.tenancy.context import activate

from .conftest import ctx


def _fail_db(request: HttpRequest) -> HttpResponse:
    raise OperationalError("could not connect to server: secret-host-9")


def _fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom with 住民 data 山田太郎")


urlpatterns = [path("db/", _fail_db), path("fail/", _fail)]


def _entries(municipality: Any, **filters: Any) -> list[AuditEntry]:
    with activate(ctx(municipality)):
        return list(AuditEntry.objects.filter(**filters).order_by("seq"))


@pytest.mark.std("1370#1")
@pytest.mark.django_db
def test_every_entry_of_a_unit_at_a_terminal_names_the_terminal(tenants: Any) -> None:
    from jichitai.audit.recording import record, record_read
    from jichitai.registry import workstation

    with activate(ctx(tenants.a, purpose="test")):
        workstation.use(workstation.Workstation(1, 2, "P01", "T-07", "本庁1階", "窓口7番"))
        record_read("person", [11, 12], screen="住民照会")
        record("operation", "registry.export", detail={"rows": 0})
    with activate(ctx(tenants.a, purpose="test")):  # a new unit (CLI, batch): no terminal
        record_read("person", [13], screen="住民照会")
    with activate(ctx(tenants.b, purpose="test")):  # another municipality's unit: none either
        record_read("person", [11], screen="住民照会")
    a = _entries(tenants.a)
    assert [(e.subject_id, e.detail.get("input_terminal"), e.detail.get("input_terminal_name"))
            for e in a] == [("11", "T-07", "窓口7番"), ("12", "T-07", "窓口7番"), ("", "T-07", "窓口7番"),
                            ("13", None, None)]
    assert a[0].detail["input_place"] == "P01"
    assert "input_terminal" not in _entries(tenants.b)[0].detail


def _login(client: Any, tenants: Any) -> None:
    from tests.web.test_request_atomicity import _login as login

    login(client, tenants)


@pytest.mark.std("1370#1")
@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_database_communication_error_is_a_communication_entry_and_a_plain_500(client: Any,
                                                                                   tenants: Any) -> None:
    _login(client, tenants)
    client.raise_request_exception = False
    response = client.get("/db/")
    assert response.status_code == 500
    assert b"secret-host-9" not in response.content and b"OperationalError" not in response.content
    (entry,) = _entries(tenants.a, category="error")
    assert entry.action == "communication" and entry.username == "atomic" and entry.screen == "/db/"
    assert entry.detail["error"] == "OperationalError"
    assert _entries(tenants.b, category="error") == []


@pytest.mark.std("1370#1")
@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_error_before_a_municipality_is_chosen_goes_to_the_consortium_chain(client: Any,
                                                                              tenants: Any) -> None:
    client.raise_request_exception = False
    response = client.get("/fail/")
    assert response.status_code == 500 and "山田太郎" not in response.content.decode()
    (entry,) = SystemAuditEntry.objects.filter(category="error")
    assert entry.action == "exception" and entry.detail["path"] == "/fail/"
    assert entry.detail["error"] == "RuntimeError" and entry.remote_addr == "127.0.0.1"


def _cli(*argv: str) -> int:
    from jichitai.cli.registry import main

    return main(list(argv))


@pytest.mark.std("1370#1")
@pytest.mark.django_db
def test_each_changing_cli_run_logs_its_start_end_and_rows(tenants: Any, capsys: Any) -> None:
    code = tenants.a.code
    assert _cli("places", "--municipality", code, "add-place", "P1", "本庁", "main_office") == 0
    assert _cli("places", "--municipality", code, "add-place", "P1", "本庁", "main_office") == 1
    assert _cli("places", "--municipality", code, "list") == 0  # a lookup: no batch entries
    assert _cli("export", "--municipality", code) == 0
    batch = _entries(tenants.a, action__startswith="batch_")
    rows = [(e.action, e.detail["batch"], e.detail.get("outcome"), e.detail.get("rows")) for e in batch]
    assert rows == [
        ("batch_started", "registry.places.add-place", None, None),
        ("batch_finished", "registry.places.add-place", "ok", 1),
        ("batch_started", "registry.places.add-place", None, None),
        ("batch_finished", "registry.places.add-place", "failed", 1),
        ("batch_started", "registry.export", None, None),
        ("batch_finished", "registry.export", "ok", 0),
    ]
    assert batch[0].detail["run"] == batch[1].detail["run"] != batch[2].detail["run"]
    assert batch[0].detail["args"]["code"] == "P1" and batch[3].severity == "warning"
    assert batch[3].detail["error"] == "RegistryError"
    assert _entries(tenants.b, action__startswith="batch_") == []


@pytest.mark.std("1370#1")
@pytest.mark.django_db
def test_a_municipal_setting_change_is_a_settings_entry(tenants: Any) -> None:
    from jichitai.tenancy.models import MunicipalSetting

    with activate(ctx(tenants.a, purpose="test")):
        MunicipalSetting.objects.create(key="audit.retention_years", value=10)
    (entry,) = SystemAuditEntry.objects.filter(category="settings", subject_type="tenancy.municipalsetting")
    assert entry.action == "created" and entry.municipality_code == tenants.a.code
    assert json.loads(entry.detail_json)["fields"]["value"] == 10


@pytest.mark.std("1370#1")
@pytest.mark.django_db
def test_seal_and_anchor_runs_log_their_start_and_end(tenants: Any, tmp_path: Any, capsys: Any) -> None:
    from jichitai.audit.recording import record
    from jichitai.cli.audit import main

    with activate(ctx(tenants.a, purpose="test")):
        record("operation", "step")
    assert main(["seal"]) == 0
    assert main(["anchor", "--out", str(tmp_path / "a.jsonl")]) == 0
    runs = [(e.action, e.detail["batch"], e.detail.get("outcome"), e.detail.get("rows"))
            for e in SystemAuditEntry.objects.filter(chain_key=0, action__startswith="batch_").order_by("seq")]
    assert runs[:2] == [("batch_started", "audit.seal", None, None), ("batch_finished", "audit.seal", "ok", 3)]  # three chains looked at
    assert runs[2][:2] == ("batch_started", "audit.anchor") and runs[3][:3] == ("batch_finished", "audit.anchor", "ok")
    assert runs[3][3] >= 2  # the municipality chain, the consortium chain it was sealed in, the installation's
