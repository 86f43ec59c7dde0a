"""The bundled mongod: start, reuse by a second process, persistence, clean stop, no orphans."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pymongo
import pytest

from errors import ConfigurationError
from storage.embedded import EmbeddedMongo, find_mongod

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child still answers kill(0); read its state.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_data_survives_a_restart_and_a_second_instance_reuses_the_server(tmp_path):
    first = EmbeddedMongo(tmp_path / "db")
    uri = first.start()
    pymongo.MongoClient(uri).pathway.things.insert_one({"name": "kept"})
    second = EmbeddedMongo(tmp_path / "db")
    assert second.start() == uri and not second.owned  # joined, did not start another
    first.stop()
    third = EmbeddedMongo(tmp_path / "db")
    third.start()
    assert third.owned
    assert pymongo.MongoClient(third.uri).pathway.things.find_one()["name"] == "kept"
    third.stop()


def test_missing_binary_gives_a_paragraph_saying_what_to_do(tmp_path):
    with pytest.raises(ConfigurationError) as caught:
        find_mongod(str(tmp_path / "nope"))
    assert "does not exist" in caught.value.message


def test_no_binary_anywhere_says_to_install_or_set_mongodb_uri(monkeypatch):
    import storage.embedded as embedded

    monkeypatch.setattr(embedded.importlib_util, "find_spec", lambda name: None)
    monkeypatch.setattr(embedded.shutil, "which", lambda name: None)
    with pytest.raises(ConfigurationError) as caught:
        embedded.find_mongod()
    assert "MONGODB_URI" in caught.value.message and "pip install -r requirements.txt" in caught.value.message


def _start_app(tmp_path, *extra_env):
    env = dict(os.environ, PATHWAY_INSTANCE_PATH=str(tmp_path / "instance"), PATHWAY_SCHEDULER_ENABLED="false",
               PATHWAY_PORT="0")
    env.pop("MONGODB_URI", None)
    return subprocess.Popen([sys.executable, "app.py", "--port", "0"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for_state(tmp_path, timeout=60) -> dict:
    state_file = tmp_path / "instance" / "mongodb" / "server.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if state_file.exists():
            try:
                return json.loads(state_file.read_text())
            except ValueError:
                pass
        time.sleep(0.2)
    raise AssertionError("the app did not start its mongod")


def _wait_for_stop_handlers(pid: int, timeout=60) -> None:
    """Wait until the app catches SIGTERM: it installs its handlers that stop mongod (SIGINT, then SIGTERM)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text()
        caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16)
        if caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.05)
    raise AssertionError("the app did not install its signal handlers")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_app_leaves_no_orphan_mongod(tmp_path, sig):
    process = _start_app(tmp_path)
    try:
        state = _wait_for_state(tmp_path)
        assert _alive(state["pid"])
        _wait_for_stop_handlers(process.pid)
        process.send_signal(sig)
        process.wait(30)
        # It stops on the signal wherever it lands, even during its start (not later, on a failed read).
        assert process.returncode == 128 + sig, process.stdout.read()[-3000:]
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 20
    while _alive(state["pid"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(state["pid"]), "mongod outlived the app"


def test_killing_the_app_outright_still_stops_mongod(tmp_path):
    process = _start_app(tmp_path)
    state = _wait_for_state(tmp_path)
    process.kill()
    process.wait(10)
    deadline = time.monotonic() + 20
    while _alive(state["pid"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(state["pid"]), "mongod outlived a SIGKILLed app"


def test_the_tests_server_runs_no_ttl_monitor_and_the_apps_does(mongo_uri, tmp_path):
    # The tests' clock is fixed while the monitor reads the real one: it must not expire their documents mid-test.
    with pymongo.MongoClient(mongo_uri) as client:
        assert client.admin.command("getParameter", ttlMonitorEnabled=1)["ttlMonitorEnabled"] is False
    server = EmbeddedMongo(tmp_path / "app", ephemeral=True)
    try:
        with pymongo.MongoClient(server.start()) as client:
            assert client.admin.command("getParameter", ttlMonitorEnabled=1)["ttlMonitorEnabled"] is True
    finally:
        server.stop()
