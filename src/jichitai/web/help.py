"""オンラインヘルプ ([1400]#2): one help page per main screen, linked from the screen's header.

The manual itself is docs/manual.md ([1400]#1); these pages are its on-screen part. A screen finds
its page by its URL name (:func:`topic_for`); a screen without its own page links the home help.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

# topic -> title; the body is templates/web/help/<topic>.html
TOPICS: dict[str, str] = {
    "home": "ホーム・ログイン・団体の切替",
    "search": "住民検索",
    "person": "住民照会",
    "household": "世帯照会",
    "events": "異動入力（仮登録）",
    "approvals": "決裁待ち一覧（決裁・却下）",
    "support": "支援措置管理",
    "staff": "職員管理（団体管理者・協議会管理者）",
    "audit": "監査ログの検索と分析",
    "devices": "二要素認証の管理・パスワードの変更",
    "euc": "EUC（データの抽出・分析・加工・出力）",
}
# (namespace, url name) or namespace -> topic
_BY_ROUTE: dict[str, str] = {
    "registry:search": "search", "registry:person": "person", "registry:person_my_number": "person",
    "registry:household": "household", "registry:event_menu": "events", "registry:event_form": "events",
    "registry:koseki_intake": "events",
    "registry:csv_intake": "events",
    "registry:approvals": "approvals", "registry:support": "support", "staff": "staff", "audit": "audit",
    "accounts:devices": "devices", "accounts:password_change": "devices", "accounts:totp_add": "devices",
    "accounts:security_key_add": "devices", "registry:euc": "euc", "registry:euc_run": "euc",
}


def topic_for(match: Any) -> str:
    if match is None:
        return "home"
    name = f"{match.namespace}:{match.url_name}"
    if match.namespace == "web" and match.url_name == "help":
        return str(match.kwargs.get("topic", "home"))
    return _BY_ROUTE.get(name) or _BY_ROUTE.get(match.namespace) or "home"


def help_view(request: HttpRequest, topic: str) -> HttpResponse:
    """ヘルプ: no resident data, readable before a municipality is chosen."""
    if topic not in TOPICS:
        raise Http404("ヘルプのページが見つかりません。")
    return render(request, "web/help/page.html", {
        "topic": topic, "title": TOPICS[topic], "body": f"web/help/{topic}.html",
        "topics": TOPICS.items(),
    })
