"""Run independent units of work side by side, so their commits' waits for the journal overlap."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

Outcome = tuple[object, object, BaseException | None]  # item, result, error


def each_in_threads(items: Iterable, work: Callable, *, workers: int) -> Iterator[Outcome]:
    """Yield (item, result, error) for every item as `work(item)` finishes, at most `workers` at once.

    Items are read lazily (a database cursor stays a cursor); an error is handed back, not raised, so the caller
    decides what one failure means for the rest. Stopping early waits for the units already running.
    """
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pathway-unit") as pool:
        running: dict[Future, object] = {}
        for item in items:
            running[pool.submit(work, item)] = item
            if len(running) >= workers:
                yield from _finished(running)
        while running:
            yield from _finished(running)


def _finished(running: dict) -> Iterator[Outcome]:
    done, _ = wait(list(running), return_when=FIRST_COMPLETED)
    for future in done:
        item = running.pop(future)
        error = future.exception()
        yield item, (None if error else future.result()), error
