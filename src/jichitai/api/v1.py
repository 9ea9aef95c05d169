"""Version 1 of the API, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import certificates, errors, events, links, reads, records  # noqa: F401 - they declare the endpoints
from .routing import router


class Utf8JSONRenderer(JSONRenderer):
    """Japanese as UTF-8, not \\u escapes: readable for people, and byte-searchable by the
    isolation tests (an escaped leak of another municipality's name would go unnoticed)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="jichitai-cloud API",
    version="1",
    urls_namespace="api",
    description=(
        "住民基本台帳 API。職員のログインセッション（二要素認証済み・団体選択済み）で認証します。"
        "各操作に必要な役割は `x-required-roles` に記載。書き込みには `Idempotency-Key` ヘッダーが必須です。"
        " See docs/api.md."
    ),
)
api.add_router("/", router)
errors.install(api)
