"""The bench's servers: a throw-away database, the app and the bare page under gunicorn, their workers' memory."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import mongoengine
import pymongo

from bench.load import get
from storage.embedded import EmbeddedMongo, answers, free_port

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
GUNICORN = ["--workers", str(WORKERS), "--threads", "4", "--worker-class", "gthread"]


def app_environment(uri: str, db_name: str, instance: Path) -> dict:
    """Return the app's environment here: production settings, this database, no scheduler, no second factor."""
    return {**os.environ, "PATHWAY_ENV": "production", "PATHWAY_MONGODB_URI": uri, "PATHWAY_MONGODB_DB": db_name,
            "PATHWAY_INSTANCE_PATH": str(instance), "PATHWAY_SECRET_KEY": secrets.token_hex(32),
            "PATHWAY_MFA_REQUIRED_ROLES": "none", "PATHWAY_SCHEDULER_ENABLED": "false", "PATHWAY_DEMO": "false",
            "PATHWAY_SIGN_IN_RATE_LIMIT": "1000 per minute", "BENCH_MONGODB_URI": uri, "BENCH_MONGODB_DB": db_name}


@contextmanager
def database(keep: bool):
    """Yield (uri, database name, folder) on a temporary bundled mongod, or a throw-away database of MONGODB_URI."""
    folder = Path(tempfile.mkdtemp(prefix="pathway-bench-pages-"))
    uri = os.environ.get("MONGODB_URI", "")
    # The app's own layout (instance/mongodb), so a kept folder opens with PATHWAY_INSTANCE_PATH=<folder>/instance.
    server = None if uri else EmbeddedMongo(folder / "instance" / "mongodb", cache_gb=1.0, ephemeral=False)
    uri = uri or server.start()
    db_name = f"bench_{uuid.uuid4().hex[:8]}" if os.environ.get("MONGODB_URI") else "pathway"
    try:
        yield uri, db_name, folder
    finally:
        if not keep and server is None:
            pymongo.MongoClient(uri).drop_database(db_name)
        mongoengine.disconnect()
        if server is not None:
            server.stop()
        if keep:
            print(f"\nKept: database {db_name!r} in {folder} (PATHWAY_INSTANCE_PATH={folder / 'instance'})")
        else:
            subprocess.run(["rm", "-rf", str(folder)], check=False)


@contextmanager
def gunicorn(target: str, env: dict, log: Path, connections: int):
    """Run `target` under gunicorn with the bench's settings; yield (port, master process)."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", *GUNICORN, *shares(connections),
                                    "--bind", f"127.0.0.1:{port}", target], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 180
        while not answers(port, timeout=0.2) or not _ready(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {target} did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def shares(connections: int) -> list[str]:
    """Return gunicorn's setting that lets each worker hold only its share of the load's keep-alive connections.

    A gthread worker accepts every connection it can while it is free, so the 16 kept-alive connections opened at
    once could all land on one worker, which then serves them on one core (its GIL) while the other idles: the same
    page measured twice gave 540 and 1,030 requests/s. Capped at its share, each worker holds half of them.
    """
    return ["--worker-connections", str(-(-connections // WORKERS))]


def _ready(port: int) -> bool:
    try:
        return get(port, "/healthz")[0] in (200, 404)
    except OSError:
        return False


def worker_rss(master: subprocess.Popen) -> list[float]:
    """Return the resident memory (MB) of each gunicorn worker of a master process."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes
