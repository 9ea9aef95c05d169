"""Why a login step was refused: one type per reason, each with the Japanese text staff see."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


class LoginRefused(Exception):
    """A step of the login flow was refused. ``message`` is shown to the staff member as is."""

    message = "ログインできませんでした。"

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class InvalidCredentials(LoginRefused):
    message = "ユーザー名またはパスワードが正しくありません。"


class WrongPassword(LoginRefused):
    """Re-authentication of a logged-in staff member: the user name is not in question."""

    message = "パスワードが正しくありません。"


class ClientThrottled(LoginRefused):
    """Too many failed passwords from this client for this user name (django-axes). The same text
    whether the user name exists or not: it tells nothing about the account."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(
            "ログインに続けて失敗したため、この端末からのログインを一時的に制限しています。"
            f"{minutes}分ほど待ってから、もう一度お試しください。"
        )


class AccountLocked(LoginRefused):
    """The account's SECOND FACTOR is locked after consecutive wrong codes. Only shown to someone
    who has just given the right password (or is at the second-factor step)."""

    def __init__(self, until: datetime | None) -> None:
        self.until = until
        when = timezone.localtime(until).strftime("%H時%M分") if until is not None else "しばらく"
        super().__init__(
            "二要素認証に続けて失敗したため、このアカウントは一時的にロックされています。"
            f"{when}以降にもう一度お試しください。急ぎの場合は管理者に連絡してください。"
        )


class NoSecondFactor(LoginRefused):
    message = "二要素認証の登録がありません。管理者に連絡してください。"


class SecondFactorRequired(LoginRefused):
    message = "二要素認証が完了していません。ユーザー名とパスワードから入力し直してください。"


class SecondFactorRejected(LoginRefused):
    message = "確認コードが正しくないか、すでに使用されたコードです。"


class SecurityKeyRejected(SecondFactorRejected):
    message = "セキュリティキーによる認証に失敗しました。もう一度お試しください。"


class NoMunicipality(LoginRefused):
    message = "利用できる団体がありません（役割が付与されていません）。管理者に連絡してください。"


class MunicipalityNotAllowed(LoginRefused):
    message = "選択された団体で業務を行う権限がありません。"


class SessionEnded(LoginRefused):
    """The rights behind a running session are gone: it is logged out at its next request.

    ``reason`` is stored in the fresh session (and in the audit detail); the login page shows the
    message of the matching subclass.
    """

    reason = "ended"
    message = "利用権限が変更されたため、ログアウトしました。再度ログインしてください。"

    @staticmethod
    def for_reason(reason: str) -> SessionEnded:
        for cls in SessionEnded.__subclasses__():
            if cls.reason == reason:
                return cls()
        return SessionEnded()


class StaffInactive(SessionEnded):
    reason = "staff_inactive"
    message = "職員アカウントが無効になったため、ログアウトしました。管理者に連絡してください。"


class RoleRevoked(SessionEnded):
    reason = "role_revoked"
    message = "選択中の団体での役割が取り消されたため、ログアウトしました。再度ログインしてください。"


class MunicipalityInactive(SessionEnded):
    reason = "municipality_inactive"
    message = "選択中の団体が利用停止になったため、ログアウトしました。再度ログインしてください。"


class DelegationEnded(SessionEnded):
    reason = "delegation_ended"
    message = "代行の期間が終了したか代行が取り消されたため、ログアウトしました。再度ログインしてください。"
