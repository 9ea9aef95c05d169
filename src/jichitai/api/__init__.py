"""HTTP API (django-ninja, OpenAPI): a thin entry point over the register's domain functions.

It authenticates with the web UI's staff session (OTP-verified, with a TenantContext), checks the
roles declared in ``permissions.ENDPOINT_ROLES``, calls one domain function and presents the
result. It must never hold a register rule, query another municipality, or show a 個人番号 or a
provisional event to anyone the register would not show it to.
"""
