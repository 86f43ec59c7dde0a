"""The commands the app sends to one database, recorded through pymongo's command monitoring.

One listener for every test that counts, reads or explains commands: registered at import, before any test's
client exists, so every client the tests and the app make reports to it.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from pymongo import monitoring

# What drivers send for themselves, not for the code under test.
IGNORED = {"hello", "ismaster", "isMaster", "endSessions", "ping", "buildInfo", "saslStart", "saslContinue"}


class CommandLog(monitoring.CommandListener):
    """Keep (name, command) of each command sent to one database while `database` is set."""

    def __init__(self):
        self.database, self.sent, self.lock = None, [], threading.Lock()

    def started(self, event):
        if self.database and event.database_name == self.database and event.command_name not in IGNORED:
            with self.lock:
                self.sent.append((event.command_name, event.command))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    @property
    def names(self) -> list[str]:
        """Return the names of the commands recorded, in order."""
        return [name for name, _ in self.sent]

    @property
    def targets(self) -> list[str]:
        """Return each command recorded as its name and the collection it names."""
        return [f"{name} {command.get(name)}" for name, command in self.sent]


LOG = CommandLog()
monitoring.register(LOG)


@contextmanager
def recording(database: str):
    """Record the commands sent to `database` inside the block; yield the log."""
    LOG.database, LOG.sent = database, []
    try:
        yield LOG
    finally:
        LOG.database = None


def count_commands(database: str, call):
    """Return (result, command names) of running `call` while recording the database's commands."""
    with recording(database) as log:
        result = call()
    return result, log.names
