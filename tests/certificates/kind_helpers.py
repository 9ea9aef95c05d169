"""Helpers of the kind tests (印鑑登録証明書, 課税・所得・非課税証明書): a refusal that must take no
number, the API call, the counter form's values and a PDF's images."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client

from jichitai.certificates.issuance import IssuanceRefused, issue
from jichitai.certificates.issuance.fake import fake_renderer
from jichitai.certificates.models import Issuance

API = "/api/v1/certificates"


def refused(at: Any, req: Any, staff: Any = None) -> IssuanceRefused:
    before = Issuance.objects.count()
    with pytest.raises(IssuanceRefused) as exc:
        issue(req, staff=staff or at.clerk, renderer=fake_renderer)
    assert Issuance.objects.count() == before  # nothing recorded, no number taken
    return exc.value


def api_post(client: Client, body: dict[str, Any], key: str) -> Any:
    return client.post(API, body, content_type="application/json", headers={"Idempotency-Key": key})


def self_request(kind: str, person_id: int, **params: str) -> tuple[QueryDict, dict[str, Any]]:
    """The counter form's values and the API body of a 本人 request with ``params``."""
    values = QueryDict(mutable=True)
    values.update(
        {
            "kind": kind,
            "subject_ids": str(person_id),
            "requester_kind": "self",
            "requester_person_id": str(person_id),
            **params,
        }
    )
    body = {
        "kind": kind,
        "subject_ids": [person_id],
        "requester": {"kind": "self", "person_id": person_id},
    }
    return values, body


def images(pdf: bytes) -> list[list[str]]:
    """``pdfimages -list`` rows (type, width, height, …, x-ppi, y-ppi, …) of the PDF's images."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True)
    lines = out.stdout.decode().splitlines()[2:]  # header and rule
    return [line.split() for line in lines if line.strip()]
