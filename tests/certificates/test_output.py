"""What the counter and API issue with (certificates.output): signed when the option is on, and
no unsigned copy when a municipality has no key."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.certificates.issuance import Requester, issue
from jichitai.certificates.output import SigningKeyMissing, renderer_for
from jichitai.certificates.render import render_certificate
from jichitai.certificates.signing import init_municipality
from jichitai.tenancy.context import activate

from .conftest import family, request
from .test_signing import CONSORTIUM, pdfsig, whole_and_valid

pytestmark = pytest.mark.django_db


def test_the_option_off_issues_with_the_plain_engine(settings: Any, office) -> None:
    settings.JICHITAI_CERTIFICATE_SIGNING = False
    assert renderer_for(office.municipality.code) is render_certificate


def test_the_option_on_signs_with_the_municipalitys_key(settings: Any, tmp_path, office) -> None:
    settings.JICHITAI_CERTIFICATE_SIGNING, settings.DATA_DIR, settings.PRODUCTION = True, tmp_path, True
    with pytest.raises(SigningKeyMissing, match="署名鍵がありません"):  # production: never an unsigned copy
        renderer_for(office.municipality.code)
    init_municipality(tmp_path, office.municipality.code, office.municipality.name, CONSORTIUM)
    with activate(office.ctx()):
        head, _, _ = family(office)
        issued = issue(request([head.pk], requester=Requester("self", person_id=head.pk)), staff=office.clerk,
                       renderer=renderer_for(office.municipality.code))
    report = pdfsig(issued.copies[0].content)
    assert whole_and_valid(report) and f"CN={office.municipality.name}" in report, report


def test_the_demo_makes_its_key_on_first_use(settings: Any, tmp_path, office) -> None:
    settings.JICHITAI_CERTIFICATE_SIGNING, settings.DATA_DIR, settings.PRODUCTION = True, tmp_path, False
    renderer_for(office.municipality.code)
    from jichitai.certificates.signing import key_paths

    assert key_paths(tmp_path, office.municipality.code).key.is_file()
