from __future__ import annotations

import pytest

from jichitai.importer import export_records, import_records
from jichitai.importer.records import full_person

from .registers import RegisterBuilder, synthetic_specs
import datetime as dt

pytestmark = pytest.mark.django_db


def test_smoke(office, admin):
    b = RegisterBuilder()
    specs = synthetic_specs(1, 2)
    specs[0][0]["relationship"] = "世帯主"
    no = b.move_in(specs[0], dt.date(2016, 1, 1), 0, "1番地")
    b.move_within(no, dt.date(2017, 1, 1), 1, "2番地")
    recs = b.records()
    res = import_records(recs, municipality=office.municipality, staff=admin)
    print(res)
    assert res.ok, res.problems
    out = list(export_records(municipality=office.municipality, staff=admin))
    assert len(out) == len(recs)
    for a, e in zip(recs, out):
        assert a.atena_no == e.atena_no
        for x, y in zip(a.history, e.history):
            fx = full_person(x.person); fx["my_number"] = ""
            assert fx == dict(y.person)
            assert dict(x.household) == dict(y.household)
