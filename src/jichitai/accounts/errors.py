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


class AccountLocked(LoginRefused):
    def __init__(self, until: datetime | None) -> None:
        self.until = until
        when = timezone.localtime(until).strftime("%H時%M分") if until is not None else "しばらく"
        super().__init__(
            "アカウントがロックされています。連続して認証に失敗したため、"
            f"{when}まで利用できません。急ぎの場合は管理者に連絡してください。"
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
