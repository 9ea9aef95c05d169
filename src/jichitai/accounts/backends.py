"""Password check for staff (the first factor).

Lockout counting lives in :mod:`jichitai.accounts.auth`; this backend only makes sure that *any*
caller of ``django.contrib.auth.authenticate`` (login flow, API, admin) refuses a locked or
inactive account, even with the right password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        is_locked = getattr(user, "is_locked", None)
        return not (callable(is_locked) and is_locked())
