"""Session keys that carry the login state between requests.

The three municipality keys are the contract with ``jichitai.web.middleware`` (which builds the
TenantContext from them). accounts may not import web (layering), so the names are repeated here
and ``tests/web/test_session_contract.py`` asserts that both sides agree.
"""

from __future__ import annotations

SESSION_MUNICIPALITY = "jichitai_municipality_id"
SESSION_ACTING = "jichitai_acting_municipality_id"
SESSION_GRANT = "jichitai_grant_id"
MUNICIPALITY_KEYS = (SESSION_MUNICIPALITY, SESSION_ACTING, SESSION_GRANT)

#: Password accepted, second factor pending: ``{"staff_id": int, "since": float}``.
#: The staff member is NOT authenticated (``request.user`` stays anonymous) until the second
#: factor succeeds, so no view can be reached with the password alone.
PENDING = "jichitai_pending_login"
#: Where to go after login (validated before use).
NEXT = "jichitai_next"
#: Single-use WebAuthn challenges (base64url), one per ceremony.
WEBAUTHN_AUTH_CHALLENGE = "jichitai_webauthn_auth_challenge"
WEBAUTHN_REG_CHALLENGE = "jichitai_webauthn_reg_challenge"
#: Set by the idle-timeout middleware in the fresh session after it logged the staff member out.
TIMED_OUT = "jichitai_timed_out"
LAST_SEEN = "jichitai_last_seen"
#: Set when the staff member last proved password + second factor (login or re-authentication);
#: adding or removing a second factor needs it to be younger than JICHITAI_REAUTH_SECONDS.
REAUTHENTICATED_AT = "jichitai_reauthenticated_at"
#: Set in the fresh session after a session was ended because its rights are gone (the reason code
#: of :class:`jichitai.accounts.errors.SessionEnded`), so the login page can say why.
SESSION_ENDED = "jichitai_session_ended"
