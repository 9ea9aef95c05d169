"""Password check for staff (the first factor): Django's ModelBackend, nothing more.

``authenticate()`` answers only "is this the password of an active staff member". It runs after
django-axes' backend (settings.AUTHENTICATION_BACKENDS), which refuses a throttled client first.
The second-factor lock (``Staff.locked_until``) is deliberately NOT checked here: the login flow
(:func:`jichitai.accounts.auth.check_password`) tells a locked account only to someone who gave the
right password, and a lock must not end sessions that already proved both factors (``get_user``
uses the same check). Nobody is logged in by a password alone: ``login()`` is called only after the
second factor (accounts/views.py), and tenant pages require ``user.is_verified()``.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """The staff directory's password backend (inactive staff are refused by ModelBackend)."""
