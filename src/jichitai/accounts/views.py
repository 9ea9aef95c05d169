"""Login flow pages: password → second factor → municipality → home; second-factor enrollment
behind a recent re-authentication.

Thin entry points over :mod:`jichitai.accounts.auth`, :mod:`.factors` and :mod:`.selection`:
they keep the step state in the session and turn typed refusals into Japanese pages. The staff
member is *not* logged in (``request.user`` stays anonymous) until the second factor succeeds.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import session as keys
from .auth import check_password, reauthenticate, verify_second_factor
from .decorators import (
    is_fully_authenticated,
    mark_reauthenticated,
    reauthentication_required,
    recently_reauthenticated,
    verified_required,
)
from .errors import (
    AccountLocked,
    ClientThrottled,
    LoginRefused,
    MunicipalityNotAllowed,
    NoMunicipality,
    SecondFactorRequired,
    SessionEnded,
)
from .factors import REGISTRY, EnrollmentRejected, SecurityKeyFactor, TotpFactor, enrolled_factors
from .models import Staff, WebAuthnCredential
from .selection import MunicipalityChoice, choices_for, resolve_choice
from .signals import AuthEvent, emit

#: How long the password step stays valid while the second factor is pending.
PENDING_MAX_SECONDS = 300
BACKEND = "jichitai.accounts.backends.StaffBackend"

TOTP: TotpFactor = REGISTRY["totp"]  # type: ignore[assignment]
SECURITY_KEY: SecurityKeyFactor = REGISTRY["webauthn"]  # type: ignore[assignment]


# ------------------------------------------------------------------------------------ helpers


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _after_selection_url(request: HttpRequest) -> str:
    return _safe_next(request, request.session.pop(keys.NEXT, None)) or reverse("web:home")


def _pending_staff(request: HttpRequest) -> Staff | None:
    data = request.session.get(keys.PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("since", 0)) > PENDING_MAX_SECONDS:
        request.session.pop(keys.PENDING, None)
        return None
    return Staff.objects.filter(pk=data.get("staff_id"), is_active=True).first()


def _refuse_to_login(request: HttpRequest, refusal: LoginRefused) -> HttpResponse:
    request.session.pop(keys.PENDING, None)
    messages.error(request, refusal.message)
    return redirect("accounts:login")


def _status(error: LoginRefused | None) -> int:
    """200, 429 for a throttled client (the same as django-axes' own answer), else 401."""
    if error is None:
        return 200
    return 429 if isinstance(error, ClientThrottled) else 401


def _second_factor_proof(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    """(kind, proof) from a second-factor form; a WebAuthn challenge is used once."""
    kind = request.POST.get("factor", "totp")
    if kind == SECURITY_KEY.kind:
        return kind, {
            "credential": request.POST.get("credential", ""),
            "challenge": request.session.pop(keys.WEBAUTHN_AUTH_CHALLENGE, None),
        }
    return kind, {"token": request.POST.get("token", "")}


def _second_factor_forms(request: HttpRequest, staff: Staff) -> dict[str, Any]:
    """What the second-factor forms need: which factors, and a fresh WebAuthn challenge."""
    kinds = {f.kind for f in enrolled_factors(staff)}
    webauthn_options = None
    if SECURITY_KEY.kind in kinds:
        ceremony = SECURITY_KEY.authentication_options(staff)
        request.session[keys.WEBAUTHN_AUTH_CHALLENGE] = ceremony.challenge
        webauthn_options = ceremony.options
    return {
        "has_totp": TOTP.kind in kinds,
        "has_security_key": webauthn_options is not None,
        "webauthn_options": webauthn_options,
    }


def _apply_choice(request: HttpRequest, staff: Staff, choice: MunicipalityChoice) -> None:
    """A new selection: new session key, all three municipality keys written anew."""
    previous = request.session.get(keys.SESSION_MUNICIPALITY)
    request.session.cycle_key()
    for key in keys.MUNICIPALITY_KEYS:
        request.session.pop(key, None)
    request.session[keys.SESSION_ACTING] = choice.acting_municipality_id
    request.session[keys.SESSION_MUNICIPALITY] = choice.municipality_id
    if choice.grant_id is not None:
        request.session[keys.SESSION_GRANT] = choice.grant_id
    emit(
        AuthEvent.MUNICIPALITY_SELECTED, staff=staff, municipality_id=choice.municipality_id,
        request=request, acting_municipality_id=choice.acting_municipality_id,
        grant_id=choice.grant_id, previous_municipality_id=previous,
    )


def _refuse_no_municipality(request: HttpRequest, staff: Staff) -> HttpResponse:
    emit(AuthEvent.MUNICIPALITY_REFUSED, staff=staff, request=request, reason="no_role")
    auth_logout(request)
    messages.error(request, NoMunicipality.message)
    return redirect("accounts:login")


def _complete_login(request: HttpRequest, staff: Staff, device: Device) -> HttpResponse:
    next_url = request.session.get(keys.NEXT)
    request.session.pop(keys.PENDING, None)
    auth_login(request, staff, backend=BACKEND)  # rotates the session key
    otp_login(request, device)
    request.session[keys.LAST_SEEN] = time.time()
    mark_reauthenticated(request)  # both factors were proved just now
    if next_url:
        request.session[keys.NEXT] = next_url
    choices = choices_for(staff)
    if not choices:
        return _refuse_no_municipality(request, staff)
    if len(choices) == 1:
        _apply_choice(request, staff, choices[0])
        return HttpResponseRedirect(_after_selection_url(request))
    return redirect("accounts:choose_municipality")


# ------------------------------------------------------------------------------ login steps


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """ログイン: user name and password (first factor)."""
    if request.session.pop(keys.TIMED_OUT, False):
        messages.info(request, "一定時間操作がなかったため、ログアウトしました。再度ログインしてください。")
    ended = request.session.pop(keys.SESSION_ENDED, None)
    if ended:
        messages.warning(request, SessionEnded.for_reason(str(ended)).message)
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    if request.method == "GET" and is_fully_authenticated(request.user):
        return HttpResponseRedirect(next_url or reverse("web:home"))
    error: LoginRefused | None = None
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "")
        password = request.POST.get("password", "")
        if request.user.is_authenticated:
            auth_logout(request)
        try:
            if not username.strip() or not password:
                raise LoginRefused("ユーザー名とパスワードを入力してください。")
            staff = check_password(username, password, request=request)
        except LoginRefused as refusal:
            error = refusal
        else:
            request.session.cycle_key()
            request.session[keys.PENDING] = {"staff_id": staff.pk, "since": time.time()}
            if next_url:
                request.session[keys.NEXT] = next_url
            return redirect("accounts:second_factor")
    return render(
        request,
        "accounts/login.html",
        {"error": error and error.message, "username": username, "next": next_url or ""},
        status=_status(error),
    )


@require_http_methods(["GET", "POST"])
def second_factor_view(request: HttpRequest) -> HttpResponse:
    """二要素認証: a TOTP code or a security key, whichever the staff member has enrolled."""
    staff = _pending_staff(request)
    if staff is None:
        if is_fully_authenticated(request.user):
            return redirect("web:home")
        return _refuse_to_login(request, SecondFactorRequired())
    error = None
    if request.method == "POST":
        kind, proof = _second_factor_proof(request)
        try:
            device = verify_second_factor(staff, kind, proof, request=request)
        except AccountLocked as refusal:
            return _refuse_to_login(request, refusal)
        except LoginRefused as refusal:
            error = refusal.message
        else:
            return _complete_login(request, staff, device)
    return render(
        request,
        "accounts/second_factor.html",
        {"staff": staff, "error": error, **_second_factor_forms(request, staff)},
        status=200 if error is None else 401,
    )


@verified_required
@require_http_methods(["GET", "POST"])
def choose_municipality_view(request: HttpRequest) -> HttpResponse:
    """団体の選択 (and switching: a new selection at a new session key)."""
    staff: Staff = request.user  # type: ignore[assignment]
    next_url = _safe_next(request, request.GET.get("next"))
    if next_url:
        request.session[keys.NEXT] = next_url
    choices = choices_for(staff)
    if not choices:
        return _refuse_no_municipality(request, staff)
    error = None
    if request.method == "POST":
        key = request.POST.get("choice", "")
        try:
            choice = resolve_choice(staff, key)
        except NoMunicipality:
            return _refuse_no_municipality(request, staff)
        except MunicipalityNotAllowed as refusal:
            emit(
                AuthEvent.MUNICIPALITY_REFUSED, staff=staff, request=request,
                reason="not_allowed", requested=key[:40],
            )
            error = refusal.message
        else:
            _apply_choice(request, staff, choice)
            return HttpResponseRedirect(_after_selection_url(request))
    ctx = getattr(request, "tenant_context", None)
    current_key = None
    if ctx is not None:
        current_key = f"g{ctx.grant_id}" if ctx.grant_id else f"m{ctx.municipality_id}"
    return render(
        request,
        "accounts/choose_municipality.html",
        {"choices": choices, "error": error, "current_key": current_key},
        status=200 if error is None else 403,
    )


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """ログアウト (POST; GET shows a confirmation button)."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/logout.html")
    if request.user.is_authenticated:
        emit(
            AuthEvent.LOGOUT, staff=request.user,
            municipality_id=request.session.get(keys.SESSION_MUNICIPALITY), request=request,
        )
    auth_logout(request)
    messages.info(request, "ログアウトしました。")
    return redirect("accounts:login")


# ------------------------------------------------------------------------------- enrollment


def _reauth_minutes() -> int:
    return max(1, int(settings.JICHITAI_REAUTH_SECONDS) // 60)


def _devices_context(request: HttpRequest, staff: Staff) -> dict[str, Any]:
    return {
        "totp_devices": list(TOTP.devices(staff).order_by("pk")),
        "security_keys": list(SECURITY_KEY.devices(staff).order_by("pk")),
        "can_change": recently_reauthenticated(request),
    }


@verified_required
@require_http_methods(["GET", "POST"])
def devices_view(request: HttpRequest) -> HttpResponse:
    """二要素認証の管理: the staff member's own devices, and the re-authentication (再認証:
    password + a current second factor) that adding or removing one needs."""
    staff: Staff = request.user  # type: ignore[assignment]
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    error: LoginRefused | None = None
    if request.method == "POST":
        kind, proof = _second_factor_proof(request)
        try:
            reauthenticate(staff, request.POST.get("password", ""), kind, proof, request=request)
        except AccountLocked as refusal:  # wrong codes in a running session: end it
            emit(AuthEvent.LOGOUT, staff=staff, request=request, reason="second_factor_locked",
                 municipality_id=request.session.get(keys.SESSION_MUNICIPALITY))
            auth_logout(request)
            messages.error(request, refusal.message)
            return redirect("accounts:login")
        except LoginRefused as refusal:
            error = refusal
        else:
            mark_reauthenticated(request)
            messages.success(
                request, f"本人確認が完了しました。{_reauth_minutes()}分間、認証手段の追加・削除ができます。"
            )
            return HttpResponseRedirect(next_url or reverse("accounts:devices"))
    context = _devices_context(request, staff)
    if not context["can_change"]:
        context.update(_second_factor_forms(request, staff))
    context.update(error=error and error.message, next=next_url or "",
                   reauth_minutes=_reauth_minutes())
    return render(request, "accounts/devices.html", context, status=_status(error))


@reauthentication_required
@require_http_methods(["GET", "POST"])
def totp_add_view(request: HttpRequest) -> HttpResponse:
    """認証アプリの追加: show secret, URI and QR; confirm with one valid code."""
    staff: Staff = request.user  # type: ignore[assignment]
    error = None
    device: TOTPDevice | None = None
    if request.method == "POST":
        try:
            device_id = int(request.POST.get("device_id", "0"))
        except ValueError:
            device_id = 0
        try:
            device = TOTP.confirm_enrollment(staff, device_id, request.POST.get("token", ""))
        except EnrollmentRejected as refusal:
            messages.error(request, refusal.message)
            return redirect("accounts:totp_add")
        except LoginRefused as refusal:
            error = refusal.message
            device = TOTPDevice.objects.filter(pk=device_id, user=staff, confirmed=False).first()
        else:
            emit(AuthEvent.DEVICE_REGISTERED, staff=staff, request=request,
                 factor=TOTP.kind, device=device.persistent_id)
            messages.success(request, "認証アプリを登録しました。")
            return redirect("accounts:devices")
    if device is None:
        name = (request.POST.get("name") or "認証アプリ")[:64]
        device = TOTP.start_enrollment(staff, name=name)
    return render(
        request,
        "accounts/totp_add.html",
        {"provisioning": TOTP.provisioning(device), "error": error},
        status=200 if error is None else 400,
    )


@reauthentication_required
@require_http_methods(["GET", "POST"])
def security_key_add_view(request: HttpRequest) -> HttpResponse:
    """セキュリティキーの追加 (WebAuthn registration)."""
    staff: Staff = request.user  # type: ignore[assignment]
    error = None
    if request.method == "POST":
        challenge = request.session.pop(keys.WEBAUTHN_REG_CHALLENGE, None)
        try:
            if not challenge:
                raise EnrollmentRejected("登録手続きの有効期限が切れました。最初からやり直してください。")
            cred = SECURITY_KEY.complete_registration(
                staff, request.POST.get("credential", ""), challenge,
                request.POST.get("name", "").strip() or "セキュリティキー",
            )
        except LoginRefused as refusal:
            error = refusal.message
        else:
            emit(AuthEvent.DEVICE_REGISTERED, staff=staff, request=request,
                 factor=SECURITY_KEY.kind, device=cred.persistent_id)
            messages.success(request, "セキュリティキーを登録しました。")
            return redirect("accounts:devices")
    ceremony = SECURITY_KEY.registration_options(staff)
    request.session[keys.WEBAUTHN_REG_CHALLENGE] = ceremony.challenge
    return render(
        request,
        "accounts/security_key_add.html",
        {"webauthn_options": ceremony.options, "error": error},
        status=200 if error is None else 400,
    )


@reauthentication_required
@require_POST
def device_remove_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Remove one of one's own devices, never the last one (that would lock oneself out)."""
    staff: Staff = request.user  # type: ignore[assignment]
    model = {TOTP.kind: TOTPDevice, SECURITY_KEY.kind: WebAuthnCredential}.get(kind)
    device = model.objects.filter(pk=pk, user=staff).first() if model is not None else None
    if device is None:
        messages.error(request, "指定された認証手段が見つかりません。")
    else:
        remaining = sum(f.devices(staff).exclude(pk=pk).count() if f.kind == kind
                        else f.devices(staff).count() for f in REGISTRY.values())
        if device.confirmed and remaining == 0:
            messages.error(request, "最後の二要素認証は削除できません。先に別の認証手段を登録してください。")
        else:
            persistent_id = device.persistent_id
            device.delete()
            emit(AuthEvent.DEVICE_REMOVED, staff=staff, request=request,
                 factor=kind, device=persistent_id)
            messages.success(request, "認証手段を削除しました。")
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_device_list.html", _devices_context(request, staff))
    return redirect("accounts:devices")


# ------------------------------------------------------------------------ own password ([1380]#3)


@require_http_methods(["GET", "POST"])
@verified_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    """パスワードの変更 by the staff member; required after an administrator's reset."""
    from .administration import AdminError, change_own_password

    staff: Staff = request.user  # type: ignore[assignment]
    ctx: dict[str, Any] = {"required": staff.must_change_password}
    if request.method == "POST":
        try:
            change_own_password(staff, current=request.POST.get("current", ""),
                                new=request.POST.get("new", ""), again=request.POST.get("again", ""))
        except AdminError as exc:
            ctx["error"] = exc
            return render(request, "accounts/password_change.html", ctx, status=400)
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, staff)  # the password changed: keep this session
        messages.success(request, "パスワードを変更しました。")
        return redirect("web:home")
    return render(request, "accounts/password_change.html", ctx)
