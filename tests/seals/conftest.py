"""Seal fixtures: the register's offices (A and B), a family moved in, and impression images."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tests.registry.conftest import Office, _office


@pytest.fixture
def office(tenants: Any) -> Office:
    return _office(tenants.a, "sa")


@pytest.fixture
def office_b(tenants: Any) -> Office:
    return _office(tenants.b, "sb")


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (300, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(out, format=fmt)
    return out.getvalue()
