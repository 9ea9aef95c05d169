"""Audit events as frozen values, and the catalogue of known event types (監査イベント一覧).

An :class:`AuditEvent` is what a caller wants logged; :mod:`jichitai.audit.chain` turns it into a
chained entry. The catalogue gives each (category, action) a Japanese title and a message template
(the idea of Open Forms' logging adapter); docs/audit.md is the same catalogue as a document.
Unknown actions are accepted (an app may log a new action before it is catalogued) and shown by
their name; a test keeps docs/audit.md and :data:`CATALOGUE` in step.

This module must never touch the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Category, Severity

_ACTION_RE = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")


class InvalidAuditEvent(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One thing to log in the current municipality's chain (context supplies who/for whom/why)."""

    category: str
    action: str
    subject_type: str = ""
    subject_id: str = ""
    screen: str = ""
    function: str = ""
    my_number_shown: bool = False
    severity: str = Severity.INFO
    detail: Mapping[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None

    def __post_init__(self) -> None:
        if self.category not in Category.values:
            raise InvalidAuditEvent(f"unknown audit category: {self.category!r}")
        if not _ACTION_RE.match(self.action):
            raise InvalidAuditEvent(f"audit action must match {_ACTION_RE.pattern}: {self.action!r}")
        if self.severity not in Severity.values:
            raise InvalidAuditEvent(f"unknown severity: {self.severity!r}")
        if self.idempotency_key is not None and not (0 < len(self.idempotency_key) <= 128):
            raise InvalidAuditEvent("idempotency_key must be 1..128 characters")
        if self.category == Category.READ and self.action == "view" and not self.subject_id:
            raise InvalidAuditEvent("a read/view event names its subject (subject_type, subject_id)")


@dataclass(frozen=True, slots=True)
class EventType:
    category: str
    action: str
    title: str
    template: str
    description: str = ""

    def render(self, values: Mapping[str, Any]) -> str:
        return self.template.format_map(_Blank(values))


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _t(category: str, action: str, title: str, template: str, description: str = "") -> EventType:
    return EventType(category, action, title, template, description)


#: (category, action) -> EventType. Placeholders: {username} {subject_type} {subject_id}
#: {screen} {function} {municipality_code} and any key of the entry's detail.
CATALOGUE: dict[tuple[str, str], EventType] = {
    (e.category, e.action): e
    for e in [
        # 閲覧 (reads of a resident's data; one entry per person fetched)
        _t("read", "view", "住民情報の閲覧",
           "{username} が {subject_type} {subject_id} を閲覧（{screen} {function}）",
           "Logged by AuditedReadQuerySet/load_for_read when objects are loaded."),
        _t("read", "view_summary", "住民情報の一覧取得（対象特定なし）",
           "{username} が {subject_type} を {rows} 件取得（{screen}）",
           "values_list() rows that carry no primary key."),
        _t("read", "audit_search", "監査ログの検索",
           "{username} が監査ログを検索（{count} 件）", "Auditors are audited."),
        _t("read", "search", "住民検索の実行",
           "{username} が住民検索を実行（{total} 件該当、{screen}）",
           "One per search executed ([1370]): detail.items, detail.identifiers (never a 個人番号)."),
        _t("read", "euc", "データ抽出（EUC）",
           "{username} がEUCで抽出（{source}、{rows} 件該当、{screen}）",
           "[1370]#1 ⑨, [1360]: detail.criteria, items, analysis, rows, scanned, truncated, protected_excluded."),
        _t("read", "audit_report", "監査ログの分析",
           "{username} が監査ログの分析「{title}」を実行（{count} 件）", "[1370]#4: auditors are audited."),
        # 操作
        _t("operation", "audit_verify", "監査ログの検証",
           "監査ログ検証: {chains} 連鎖 {entries} 件、検出 {findings} 件"),
        _t("operation", "audit_anchor", "監査ログ先頭ハッシュの記録",
           "監査ログの先頭ハッシュを {chains} 連鎖分記録"),
        _t("operation", "audit_seal", "監査ログ先頭の封印",
           "団体監査ログの先頭を封印: 封印 {sealed} 件、変更なし {unchanged} 件、拒否 {refused} 件"),
        _t("operation", "audit_chain_sealed", "団体監査ログ先頭の封印",
           "{municipality_code} の監査ログ先頭（連番 {seq}）を協議会監査ログに封印",
           "One per municipality and seal run, in its consortium chain: detail.chain/seq/hash."),
        _t("operation", "batch_started", "バッチ処理の開始",
           "{username} がバッチ処理 {batch} を開始", "[1370]#1 ⑥⑦: recording.batch_run (CLI)."),
        _t("operation", "batch_finished", "バッチ処理の終了",
           "バッチ処理 {batch} が終了（{outcome}、{rows} 件）", "detail.rows, detail.outcome ok/failed."),
        _t("operation", "retention_report", "保存期間経過ログの確認",
           "保存期間を過ぎたログ {expired} 件を確認（保存期間 {years} 年）", "[1370]#2: jichitai audit retention."),
        _t("operation", "audit_archive", "保存期間経過ログのアーカイブ",
           "保存期間を過ぎたログ {entries} 件をアーカイブ（保存期間 {years} 年）",
           "[1370]#2: jichitai audit retention --archive (audit/archive.py)."),
        # 印刷
        _t("print", "printed", "印刷", "{username} が {subject_type} {subject_id} を印刷（{screen}）"),
        _t("print", "certificates.issue", "帳票発行（証明書の交付）",
           "{username} が {title} を{copies}部（{pages}枚）印刷（{terminal}）",
           "[1370]#1 ②帳票発行・印刷ログ: one per issuance (certificates.issuance.service)."),
        _t("print", "certificates.notice.print", "通知書の印刷", "{username} が通知書 {documents}通（{pages}枚）を印刷"),
        _t("print", "screen.print", "画面ハードコピー", "{username} が画面 {screen} を印刷",
           "[1370]#1 ⑧: the 「画面の印刷」 button (web/screen_print.py)."),
        _t("print", "euc.pdf", "EUC の PDF 出力", "{username} が EUC 抽出結果（{rows}件、{pages}枚）を PDF で保存",
           "[1360]#5: certificates.euc_output."),
        # エラー
        _t("error", "exception", "システムエラー", "{screen} でエラー: {error}"),
        _t("error", "communication", "通信エラー", "{screen} でデータベースとの通信エラー: {error}",
           "[1370]#1 通信ログ: OperationalError/InterfaceError of the database connection."),
        _t("error", "web_server", "Web サーバの通信エラー", "Web サーバ {server} でエラー: {message}",
           "[1370]#1 通信ログ: nginx's error log, installation chain (jichitai audit weblog)."),
        # 警告
        _t("alert", "support_measure_access", "支援措置対象者へのアクセス",
           "{username} が支援措置対象者 {subject_id} にアクセス（{screen}）",
           "Raised by the register (jyuki [440]); severity warning or critical."),
        # 設定変更 (consortium chain)
        _t("settings", "created", "設定の作成", "{username} が {subject_type} {subject_id} を作成"),
        _t("settings", "updated", "設定の変更", "{username} が {subject_type} {subject_id} を変更"),
        _t("settings", "deleted", "設定の削除", "{username} が {subject_type} {subject_id} を削除"),
        # 職員管理 ([1380]): accounts.signals.admin_event
        _t("settings", "staff.staff_created", "職員の登録", "{username} が職員 {subject_id} を登録"),
        _t("settings", "staff.staff_updated", "職員情報の変更", "{username} が職員 {subject_id} の情報を変更"),
        _t("settings", "staff.staff_deactivated", "職員の無効化", "{username} が職員 {subject_id} を無効化"),
        _t("settings", "staff.staff_activated", "職員の有効化", "{username} が職員 {subject_id} を有効化"),
        _t("settings", "staff.role_granted", "役割の付与", "{username} が職員 {subject_id} に {role} を付与"),
        _t("settings", "staff.role_period_changed", "役割期間の変更", "{username} が職員 {subject_id} の {role} の期間を変更"),
        _t("settings", "staff.role_revoked", "役割の取消", "{username} が職員 {subject_id} の {role} を取消"),
        _t("settings", "staff.department_role_granted", "所属部署への役割の付与",
           "{username} が所属部署 {department} に {role} を付与"),
        _t("settings", "staff.department_role_period_changed", "所属部署の役割期間の変更",
           "{username} が所属部署 {department} の {role} の期間を変更"),
        _t("settings", "staff.department_role_revoked", "所属部署の役割の取消",
           "{username} が所属部署 {department} の {role} を取消"),
        _t("settings", "staff.password_reset", "パスワードの初期化", "{username} が職員 {subject_id} のパスワードを初期化"),
        _t("settings", "staff.second_factor_reset", "二要素認証の初期化", "{username} が職員 {subject_id} の二要素認証を初期化"),
        _t("settings", "staff.display_rights_changed", "表示権限の変更", "{username} が職員 {subject_id} の表示権限を変更"),
        _t("settings", "staff.operation_rights_changed", "操作権限の個別制限の変更",
           "{username} が職員 {subject_id} の操作権限の個別制限を変更"),
        _t("settings", "staff.own_password_changed", "パスワードの変更（本人）", "{username} がパスワードを変更"),
        # 認証 (consortium chain; event names from jichitai.accounts.signals.AuthEvent)
        _t("auth", "login_password_ok", "パスワード認証成功", "{username} のパスワード認証に成功"),
        _t("auth", "login_password_failed", "パスワード認証失敗", "{username} のパスワード認証に失敗"),
        _t("auth", "login_refused_locked", "ロック中のログイン拒否", "{username} はロック中のため拒否"),
        _t("auth", "second_factor_ok", "二要素認証成功", "{username} の二要素認証に成功"),
        _t("auth", "second_factor_failed", "二要素認証失敗", "{username} の二要素認証に失敗"),
        _t("auth", "second_factor_missing", "二要素未登録", "{username} は二要素が未登録のため拒否"),
        _t("auth", "locked", "アカウントロック", "{username} をロック"),
        _t("auth", "municipality_selected", "団体の選択", "{username} が団体 {municipality_code} を選択"),
        _t("auth", "municipality_refused", "団体選択の拒否", "{username} の団体 {municipality_code} 選択を拒否"),
        _t("auth", "device_registered", "認証器の登録", "{username} が認証器を登録"),
        _t("auth", "device_removed", "認証器の削除", "{username} の認証器を削除"),
        _t("auth", "logout", "ログアウト", "{username} がログアウト"),
        _t("auth", "timeout", "タイムアウト", "{username} のセッションが無操作で終了"),
        _t("auth", "session_login", "セッション開始（Django）", "{username} のセッションを開始",
           "Django's user_logged_in: also catches logins outside the login screen."),
        _t("auth", "credentials_rejected", "資格情報の拒否（Django）", "{username} の資格情報を拒否",
           "Django's user_login_failed."),
    ]
}


def describe(category: str, action: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """(title, message) in Japanese for one entry; unknown actions fall back to their name."""
    et = CATALOGUE.get((category, action))
    if et is None:
        return action, f"{values.get('username', '')} {action} {values.get('subject_id', '')}".strip()
    return et.title, et.render(values)
