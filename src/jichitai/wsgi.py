"""WSGI entry point (gunicorn loads it once in each worker)."""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jichitai.settings")
application = get_wsgi_application()


def _prepare_worker() -> None:
    """The certificate engine set up before the first request, not during it (``jichitai serve``
    has already refused to start when it cannot be)."""
    from jichitai.certificates.render import RenderError, prepare_worker

    try:
        prepare_worker()
    except RenderError:
        logging.getLogger("jichitai.certificates").exception("証明書の印刷準備に失敗しました")


_prepare_worker()
