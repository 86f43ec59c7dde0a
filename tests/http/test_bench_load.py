"""The bench's load driver: wrk's answers counted by status, so a redirect (a lost session) is never a success."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import drive_python, drive_wrk


class Pages(BaseHTTPRequestHandler):
    """200 with a body on /ok, a redirect to the sign-in page elsewhere; keep-alive, as the app's server."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the name http.server calls
        body = b"x" * 2000 if self.path == "/ok" else b"Redirecting to /sign-in"
        self.send_response(200 if self.path == "/ok" else 302)
        if self.path != "/ok":
            self.send_header("Location", "/sign-in")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (scripts/setup.sh --dev installs it)")
def test_wrk_counts_every_status_and_gives_the_percentiles(port):
    run = drive_wrk(port, "/ok", "session=x", connections=2, duration=1, threads=2)
    assert run.generator == "wrk" and run.ok > 10 and set(run.statuses) == {200} and run.rate > 10
    assert 0 < run.percentile(50) <= run.percentile(99) < 5
    moved = drive_wrk(port, "/moved", "", connections=2, duration=1, threads=2)
    assert moved.ok == 0 and moved.statuses.get(302, 0) > 10 and moved.rate == 0
    assert moved.failures and moved.failures[0].startswith("302: Redirecting to /sign-in")


def test_the_python_generator_counts_the_same_way(port):
    run = drive_python(port, "/ok", "", connections=2, duration=0.5, processes=1)
    assert run.generator == "python" and run.ok > 10 and set(run.statuses) == {200}
    moved = drive_python(port, "/moved", "", connections=2, duration=0.5, processes=1)
    assert moved.ok == 0 and moved.statuses.get(302, 0) > 10
