"""Make ``{% load registry_tags %}`` available to the template engine.

Django discovers ``templatetags`` only in installed apps, and ``jichitai.web.registry`` is a package
of the installed ``jichitai.web`` app, not an app of its own. Until it is listed in INSTALLED_APPS
(or in TEMPLATES["OPTIONS"]["libraries"]), this registers the library by name when the register's
URLs are loaded — before any of its templates can be rendered.
"""

from __future__ import annotations

LIBRARY = "registry_tags"
MODULE = "jichitai.web.registry.templatetags.registry_tags"


def register_template_library() -> None:
    from importlib import import_module

    from django.template import engines
    from django.template.backends.django import DjangoTemplates

    library = import_module(MODULE).register
    for backend in engines.all():
        if isinstance(backend, DjangoTemplates):
            backend.engine.template_libraries.setdefault(LIBRARY, library)
