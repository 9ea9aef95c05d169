"""The register's one read layer: person summaries and details, households, addresses, history,
search, the event lists, and the 支援措置 decision that masks them.

Web, API, export and (next) certificates read persons and households only through here, so that
masking, hidden addresses, alerts and read logging exist once.
"""

from __future__ import annotations

from .access import MASK, need_to_know, protected_in, screen_persons
from .addresses import HIDDEN, address_choices, address_line, household_address, town_names
from .history import as_of, history, household_as_of, replay_all
from .households import HouseholdDetail, household_detail
from .persons import (
    MASKED,
    AsOfView,
    PersonDetail,
    PersonSummary,
    person_detail,
    summaries,
    summarize,
)
from .queue import (
    EventPage,
    QueueItem,
    approval_queue,
    echo,
    event_page,
    mask_events,
    protected_per_event,
)
from .search import PAGE_SIZE, SearchPage, SearchQuery, search

__all__ = [
    "HIDDEN", "MASK", "MASKED", "AsOfView", "approval_queue", "EventPage", "HouseholdDetail", "PAGE_SIZE", "PersonDetail",
    "PersonSummary", "QueueItem", "SearchPage", "SearchQuery", "address_choices", "address_line", "as_of",
    "echo", "event_page", "history", "household_address", "household_as_of", "household_detail",
    "mask_events", "need_to_know", "person_detail", "protected_in", "protected_per_event", "replay_all",
    "screen_persons", "search", "summaries", "summarize", "town_names",
]
