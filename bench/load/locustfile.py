"""Locust users of the load test: counter clerks (窓口) and approvers (決裁者) on the web screens.

Started by ``bench/load/run.py`` (never on its own): ``LOAD_WORLD`` names the JSON file with one
logged-in session per simulated user, ``LOAD_SAMPLES`` the file this writes when Locust quits:
every request's action name, response time and outcome, plus counters of what the users did.

- **Clerk** (窓口), one counter visit after another, ``think`` seconds (10–30) before every step
  as a person reads and types: search by kanji surname or by kana (``/registry/?name=`` /
  ``?kana=``), open a person from the results, open their household, open the 転居 or 出生 form
  of that household and submit it (CSRF token and ``idempotency_key`` from the form, as a
  browser sends them), then the page the redirect leads to. A form shown again with a duplicate
  warning is confirmed (「重複でないことを確認しました」) and sent again, as a clerk would.
- **Approver** (決裁者): opens 決裁待ち一覧, takes the oldest entry of its own group (係) of clerks
  (looking at up to three pages), reads it for ``think`` seconds, approves it (POST) and sees the
  queue again with the outcome; a refusal message is counted, not an HTTP error.

Every non-200 answer to a GET and every non-302 answer to a form POST is an error. Nothing here
reads or writes the database: only HTTP, like a browser. Behind the proxy (``scheme`` https in
the world file) each user also plays nginx: ``X-Forwarded-Proto: https``, its own
``X-Forwarded-For`` address, ``Origin`` on POSTs, and ``Secure`` cookies returned over the plain
HTTP leg.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
from jichitai.synthetic.names import (  # noqa: E402
    GIVEN_NAMES_FEMALE,
    GIVEN_NAMES_MALE,
    SURNAME_VARIANTS,
    SURNAMES,
)

WORLD = json.loads(Path(os.environ["LOAD_WORLD"]).read_text(encoding="utf-8"))
SAMPLES_FILE = Path(os.environ["LOAD_SAMPLES"])
THINK_MIN, THINK_MAX = WORLD["think"]
TODAY = WORLD["today"]
SCHEME = WORLD.get("scheme", "http")
EVENT_KINDS = (("move_within", 0.5), ("birth", 0.5))

SESSIONS: dict[str, deque[dict[str, Any]]] = {
    role: deque(u for u in WORLD["users"] if u["role"] == role) for role in ("clerk", "approver")}
SAMPLES: list[tuple[str, float, bool, float]] = []  # action, ms, ok, seconds since start
COUNTS: Counter[str] = Counter()
FAILURES: Counter[str] = Counter()
REFUSALS: Counter[str] = Counter()
WINDOW: dict[str, float] = {}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON_LINK = re.compile(r'href="/registry/persons/(\d+)/"')
HOUSEHOLD_LINK = re.compile(r'href="/registry/households/(\d+)/"')
IDEMPOTENCY = re.compile(r'name="idempotency_key" value="([^"]+)"')
MEMBER = re.compile(r'name="person_ids" value="(\d+)"')
ADDRESS_SELECT = re.compile(r'<select[^>]*name="address_id"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
FIELD_ERROR = re.compile(r'class="field-error"[^>]*>([^<]+)')
QUEUE_ITEM = re.compile(r'<article class="queue-item" aria-labelledby="ev-(\d+)">(.*?)</article>', re.S)
ENTERED_BY = re.compile(r'<dd class="entered-by">([^<]*)</dd>')
PAGES = re.compile(r"（(\d+) / (\d+) ページ）")


# ---------------------------------------------------------------------------------------------
# Recording


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, response_length: int,
            exception: BaseException | None = None, **_kw: Any) -> None:
    sent = time.time() - response_time / 1000.0 - WINDOW.get("start", time.time())
    SAMPLES.append((name, float(response_time), exception is None, round(sent, 3)))
    if exception is not None:
        FAILURES[f"{name}: {str(exception)[:160]}"] += 1


@events.test_start.add_listener
def _started(**_kw: Any) -> None:
    WINDOW["start"] = time.time()


@events.test_stop.add_listener
def _stopped(**_kw: Any) -> None:
    WINDOW["stop"] = time.time()


@events.quitting.add_listener
def _write(**_kw: Any) -> None:
    WINDOW.setdefault("stop", time.time())
    data = {"samples": SAMPLES, "counts": dict(COUNTS), "failures": dict(FAILURES),
            "refusals": dict(REFUSALS), "window": WINDOW}
    SAMPLES_FILE.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Users


class Staff(HttpUser):
    """A logged-in staff member: its own session cookie, HTTP helpers that check the answer."""

    abstract = True
    role = ""
    network_timeout = 120.0
    connection_timeout = 30.0
    number = 0

    def wait_time(self) -> float:
        return random.uniform(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        self.me = SESSIONS[self.role].popleft()
        Staff.number += 1
        n = Staff.number
        host = urlsplit(self.host).netloc
        self.origin = f"{SCHEME}://{host}"
        # stored as the server's own Set-Cookie would be: host-only, path /
        self.client.cookies.set(WORLD["session_cookie"], self.me["session"],
                                domain=urlsplit(self.host).hostname or "", path="/")
        if SCHEME == "https":
            self.client.headers.update({"X-Forwarded-Proto": "https",
                                        "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"})
        gevent.sleep(random.uniform(0, THINK_MAX))  # staff do not all start in the same second

    def think(self) -> None:
        gevent.sleep(random.uniform(THINK_MIN, THINK_MAX))

    def _secure_cookies_go_back(self) -> None:
        """Browser (HTTPS to nginx) and nginx (HTTP to gunicorn) in one: the ``Secure`` cookies
        the application sets are sent back over the plain-HTTP leg. (requests copies the jar
        for every request, so a cookie policy on the jar would not be used.)"""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str, params: dict[str, str] | None = None) -> str | None:
        self._secure_cookies_go_back()
        with self.client.get(path, params=params, name=name, allow_redirects=False,
                             catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code} {r.headers.get('Location', '')}")
                return None
            r.success()
            return r.text

    def post(self, path: str, data: dict[str, Any], name: str,
             refusal_ok: bool = False) -> tuple[int, str, str]:
        """POST a form; 302 is success, 200 is left to the caller (a form shown again); with
        ``refusal_ok`` so is a 400 that shows the register's reason in Japanese."""
        self._secure_cookies_go_back()
        headers = {"Origin": self.origin, "Referer": self.origin + path}
        with self.client.post(path, data=data, name=name, headers=headers, allow_redirects=False,
                              catch_response=True) as r:
            found = FIELD_ERROR.search(r.text or "")
            if r.status_code in (200, 302) or (refusal_ok and r.status_code == 400 and found):
                r.success()
            else:
                r.failure(f"HTTP {r.status_code} {found.group(1).strip() if found else ''}")
            return r.status_code, r.headers.get("Location", ""), r.text or ""


def _surname() -> tuple[str, str]:
    word, kana, _n = random.choices(SURNAMES, [n for _w, _k, n in SURNAMES])[0]
    variants = SURNAME_VARIANTS.get(word)
    if variants and random.random() < 0.2:
        word = random.choice(variants)[0]
    return word, kana


class Clerk(Staff):
    """窓口: search, person, household, then a 転居 or 出生 through its form."""

    role = "clerk"
    fixed_count = sum(1 for u in WORLD["users"] if u["role"] == "clerk")

    @task
    def counter_visit(self) -> None:
        word, kana = _surname()
        if random.random() < 0.5:
            page = self.get("/registry/", "search_kanji", {"name": word})
        else:
            page = self.get("/registry/", "search_kana", {"kana": kana})
        ids = PERSON_LINK.findall(page or "")
        if not ids:
            COUNTS["search_without_hits" if page is not None else "visit_aborted"] += 1
            return
        self.think()
        page = self.get(f"/registry/persons/{random.choice(ids)}/", "person")
        household = HOUSEHOLD_LINK.search(page or "")
        if household is None:
            COUNTS["visit_aborted"] += 1
            return
        hid = household.group(1)
        self.think()
        if self.get(f"/registry/households/{hid}/", "household") is None:
            COUNTS["visit_aborted"] += 1
            return
        self.think()
        kind = random.choices([k for k, _ in EVENT_KINDS], [w for _, w in EVENT_KINDS])[0]
        self.enter_event(kind, hid, word, kana)

    def enter_event(self, kind: str, hid: str, word: str, kana: str, first: bool = True) -> None:
        form = self.get(f"/registry/events/new/{kind}/", "event_form", {"household": hid})
        if form is None:
            COUNTS["visit_aborted"] += 1
            return
        data = self.form_data(kind, hid, form, word, kana)
        if data is None:
            COUNTS["visit_aborted"] += 1
            return
        self.think()  # filling in the form
        path = f"/registry/events/new/{kind}/"
        status, location, page = self.post(path, data, f"submit_{kind}", refusal_ok=first)
        if status == 400 and first:
            # another clerk's 異動 changed the household since the form was read (a birth
            # approved into it): the register says why, the clerk reads the form again
            reason = FIELD_ERROR.search(page)
            COUNTS["entry_refused_then_entered_again"] += 1
            REFUSALS["入力時: " + (reason.group(1).strip()[:160] if reason else "(no message)")] += 1
            self.enter_event(kind, hid, word, kana, first=False)
            return
        if status == 200:  # a duplicate warning: the clerk checks and confirms
            COUNTS["duplicates_confirmed"] += 1
            gevent.sleep(random.uniform(THINK_MIN, THINK_MAX) / 3)
            status, location, _page = self.post(path, data | {"confirm_duplicates": "1"},
                                                f"submit_{kind}")
        if status == 302:
            COUNTS[f"submitted_{kind}"] += 1
            self.get(location, "event_menu")

    def form_data(self, kind: str, hid: str, form: str, word: str, kana: str) -> dict[str, Any] | None:
        csrf, key = CSRF.search(form), IDEMPOTENCY.search(form)
        if csrf is None or key is None:
            return None
        data: dict[str, Any] = {"csrfmiddlewaretoken": csrf.group(1), "idempotency_key": key.group(1),
                                "household": hid, "effective_date": TODAY, "reported_date": TODAY}
        if kind == "move_within":
            members = MEMBER.findall(form)
            select = ADDRESS_SELECT.search(form)
            addresses = OPTION.findall(select.group(1)) if select else []
            if not members or not addresses:
                return None
            return data | {"person_ids": members, "address_id": random.choice(addresses),
                           "banchi": f"{random.randint(1, 30)}番{random.randint(1, 20)}号",
                           "katagaki": ""}
        sex = random.choice("12")
        given, given_kana = random.choice((GIVEN_NAMES_MALE if sex == "1" else GIVEN_NAMES_FEMALE)[-1])
        return data | {"person-family_name": word, "person-family_name_kana": kana,
                       "person-given_name": given, "person-given_name_kana": given_kana,
                       "person-sex": sex, "person-relationship": "子"}


class Approver(Staff):
    """決裁者: the oldest entry of its own group, read, approved; the outcome seen on the queue."""

    role = "approver"
    fixed_count = sum(1 for u in WORLD["users"] if u["role"] == "approver")

    def on_start(self) -> None:
        super().on_start()
        self.tag = f"窓口 G{self.me['group']:02d}-"
        self.queue: str | None = None  # the queue page last seen (after an approval)

    @task
    def approve_one(self) -> None:
        found = self.pick(self.queue) if self.queue else None
        self.queue = None
        pages = 1
        page_no = 1
        while found is None and page_no <= min(pages, 3):
            page = self.get("/registry/approvals/", "approvals",
                            {"page": str(page_no)} if page_no > 1 else None)
            if page is None:
                return
            counted = PAGES.search(page)
            pages = int(counted.group(2)) if counted else 1
            found = self.pick(page)
            page_no += 1
        if found is None:
            COUNTS["queue_without_own_entries"] += 1
            return
        eid, csrf = found
        self.think()  # reading the entry
        status, location, _page = self.post(f"/registry/approvals/{eid}/approve/",
                                            {"csrfmiddlewaretoken": csrf}, "approve")
        if status != 302:
            return
        page = self.get(location, "approvals")
        if page is None:
            return
        if f"受付番号 {eid}（" in page and "を決裁しました" in page:
            COUNTS["approved"] += 1
        else:
            reason = re.search(rf"受付番号 {eid}（[^）]*）: ([^<]+)", page)
            COUNTS["approve_refused"] += 1
            REFUSALS["決裁時: " + (reason.group(1).strip()[:160] if reason else "(no message)")] += 1
        self.queue = page

    def pick(self, page: str) -> tuple[str, str] | None:
        """(event id, CSRF token) of the oldest approvable entry of this approver's group."""
        csrf = CSRF.search(page)
        if csrf is None:
            return None
        for eid, body in QUEUE_ITEM.findall(page):
            who = ENTERED_BY.search(body)
            if who and who.group(1).startswith(self.tag) and f"/registry/approvals/{eid}/approve/" in body:
                return eid, csrf.group(1)
        return None
