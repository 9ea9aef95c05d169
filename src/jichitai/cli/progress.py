"""Progress of long CLI steps: a ``rich`` progress bar on a terminal, plain lines otherwise.

When stdout is not a terminal (``make demo > log``, tests capturing the output) a live bar would
print either nothing or control characters, so each step prints a start line, a line at each
tenth of the way (at most one a second: quick steps stay two lines) and a closing line with the
count and the time taken.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Advance = Callable[[int, int], None]  # (done, total): the importer's and the seeder's progress
PLAIN_INTERVAL_S = 1.0


class Steps:
    """Counted steps shown one under the other; use as a context manager around all of them."""

    def __init__(self, file: IO[str] | None = None, *, live: bool | None = None) -> None:
        self.console = Console(file=file or sys.stdout, highlight=False)
        if live is None:
            live = self.console.is_terminal and not self.console.is_dumb_terminal
        self._progress = Progress(
            SpinnerColumn(finished_text="[green]✓[/]"),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
        ) if live else None

    def __enter__(self) -> Steps:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def note(self, text: str) -> None:
        """A line between the steps, e.g. why one was skipped."""
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.console.file, flush=True)

    @contextmanager
    def step(self, label: str, total: int, unit: str = "", *, rate: bool = False) -> Iterator[Advance]:
        """One counted step; the yielded ``advance(done, total)`` may also change the total.
        ``rate``: the count also shows the pace (per second)."""
        state = {"done": 0, "total": total}
        start = time.perf_counter()
        if rate:
            unit = _Paced(unit, start)  # type: ignore[assignment]
        if self._progress is not None:
            task = self._progress.add_task(label, total=max(total, 1), count=_count(0, total, unit))
            yield self._live(task, unit, state)
            n = state["total"]
            self._progress.update(task, total=max(n, 1), completed=max(n, 1),
                                  count=_count(n, n, unit))
        else:
            self.note(f"▸ {label}: {_count(0, total, unit)}")
            yield self._plain(unit, state)
            seconds = time.perf_counter() - start
            self.note(f"✓ {label}: {_count(state['total'], state['total'], unit)}"
                      f"（{seconds:.1f} 秒 / s）")

    def _live(self, task: TaskID, unit: str, state: dict[str, int]) -> Advance:
        progress = self._progress
        assert progress is not None

        def advance(done: int, total: int) -> None:
            state["done"], state["total"] = done, total
            progress.update(task, completed=done, total=max(total, 1),
                            count=_count(done, total, unit))

        return advance

    def _plain(self, unit: str, state: dict[str, int]) -> Advance:
        shown = {"tenth": 0, "at": time.perf_counter()}

        def advance(done: int, total: int) -> None:
            state["done"], state["total"] = done, total
            tenth = done * 10 // max(total, 1)
            now = time.perf_counter()
            # the closing line reports the end
            if shown["tenth"] < tenth < 10 and now - shown["at"] >= PLAIN_INTERVAL_S:
                shown["tenth"], shown["at"] = tenth, now
                self.note(f"    {_count(done, total, unit)}（{done * 100 // max(total, 1)}%）")

        return advance


class _Paced(str):
    """A unit whose count also says how many per second so far."""

    start: float

    def __new__(cls, unit: str, start: float) -> _Paced:
        made = super().__new__(cls, unit)
        made.start = start
        return made


def _count(done: int, total: int, unit: str) -> str:
    text = f"{done:,}/{total:,}{unit}"
    if isinstance(unit, _Paced):
        seconds = time.perf_counter() - unit.start
        text += f"（{done / seconds:,.0f}{unit}/秒）" if seconds > 0 else ""
    return text
