"""The renderer the counter, the API and (next) the kiosk issue with: the real engine, signed
with the municipality's key when the consortium's option is on (docs/certificates.md "Signing")."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings

from . import signing
from .issuance import Renderer
from .render import RenderError, render_certificate


class SigningKeyMissing(RenderError):
    pass


def renderer_for(municipality_code: str) -> Renderer:
    """``render_certificate``, signed when ``JICHITAI_CERTIFICATE_SIGNING`` is on; a missing key
    stops issuance with a clear message rather than handing out an unsigned copy."""
    if not signing.enabled():
        return render_certificate
    paths = signing.key_paths(Path(settings.DATA_DIR), municipality_code)
    if not (paths.key.exists() and paths.cert.exists()) and not settings.PRODUCTION:
        _demo_keys(municipality_code)  # demo and tests make theirs on first use
    if not (paths.key.exists() and paths.cert.exists()):
        raise SigningKeyMissing(
            f"団体 {municipality_code} の署名鍵がありません。`jichitai certificates keys init` を実行してください"
            f" / no signing key for {municipality_code}: run `jichitai certificates keys init`"
        )
    signer = _signer(str(settings.DATA_DIR), municipality_code, paths.key.stat().st_mtime_ns)
    return signing.signed_renderer(render_certificate, signer)


@functools.lru_cache(maxsize=64)
def _signer(data_dir: str, code: str, key_mtime_ns: int) -> signing.FileSigner:
    # one key load per municipality (a replaced key file has a new mtime and loads again), not per copy
    return signing.municipality_signer(code, Path(data_dir))


def _demo_keys(code: str) -> None:
    from jichitai.tenancy.models import Municipality

    m = Municipality.objects.select_related("consortium").filter(code=code).first()
    if m is not None:
        signing.init_municipality(Path(settings.DATA_DIR), m.code, m.name, m.consortium.name)
