"""Run the longest test files first, so that no worker is left alone on a long file at the end of the run.

With `--dist loadfile` each file runs whole on one worker, in the order given (scripts/test passes
`--no-loadscope-reorder`: xdist would otherwise put the files with most tests first, and a browser journey is one
long test). Longest first keeps the workers' finishing times within about the shortest files of one another.
The seconds come from tests/file_durations.txt (one worker's time per file, setup and teardown included); a file
not listed counts `UNLISTED_SECONDS_PER_TEST` a test. Refresh the table after a large change (on a quiet machine):

    scripts/test --write-file-durations=tests/file_durations.txt
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

TABLE = Path(__file__).resolve().parent / "file_durations.txt"
UNLISTED_SECONDS_PER_TEST = 0.1
HEADER = "# Seconds each test file takes on one worker, longest first: generated, see tests/file_order.py.\n"


def read_table(path: Path = TABLE) -> dict[str, float]:
    """Return {file path from the project root: seconds} from the table ("seconds path" a line, # comments)."""
    if not path.exists():
        return {}
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            seconds, name = line.split(maxsplit=1)
            table[name.strip()] = float(seconds)
    return table


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Order the files longest first; a file's own tests keep their order."""
    table = read_table()
    counts = Counter(item.nodeid.split("::", 1)[0] for item in items)

    def longest_first(item) -> tuple[float, str]:
        name = item.nodeid.split("::", 1)[0]
        return -table.get(name, counts[name] * UNLISTED_SECONDS_PER_TEST), name

    items.sort(key=longest_first)


def pytest_addoption(parser):
    """Offer --write-file-durations, which writes the table from this run."""
    parser.addoption("--write-file-durations", metavar="PATH",
                     help="write each test file's seconds on its worker to PATH (the table tests/file_order.py reads)")


_seconds: Counter = Counter()


def pytest_runtest_logreport(report):
    """Add each phase of each test (setup, call, teardown) to its file's seconds."""
    _seconds[report.nodeid.split("::", 1)[0]] += report.duration


def pytest_sessionfinish(session):
    """Write the table when asked (by the process that ran or gathered every test: the xdist controller)."""
    path = session.config.getoption("--write-file-durations")
    if path and not hasattr(session.config, "workerinput"):
        lines = [f"{seconds:.1f} {name}" for name, seconds in _seconds.most_common()]
        Path(path).write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
