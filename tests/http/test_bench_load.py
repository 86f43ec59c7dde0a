"""The bench's load generators keep the session cookie a response sets, as a browser does, and no other cookie."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import drive_python, drive_wrk, kept_cookie


class _Renewing(BaseHTTPRequestHandler):
    """Answer every request, renewing the session cookie on the first and setting another cookie on the rest."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the bench's load runs
    received: list[str] = []
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 - the standard library's name
        with self.lock:
            self.received.append(self.headers.get("Cookie", ""))
            first = len(self.received) == 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.send_header("Set-Cookie", "session=renewed; HttpOnly; Path=/" if first else "lang=cy; Path=/")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def renewing_server():
    _Renewing.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Renewing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Renewing.received
    server.shutdown()
    server.server_close()


def test_the_next_cookie_is_the_session_cookie_a_response_set():
    assert kept_cookie("session=old", "session=new; HttpOnly; Path=/") == "session=new"
    assert kept_cookie("session=old", "lang=cy; Path=/") == "session=old"  # another cookie: not the session's
    assert kept_cookie("session=old", None) == "session=old"
    assert kept_cookie("", "session=new") == ""  # a page loaded signed out stays signed out


@pytest.mark.parametrize("generator", ["wrk", "python"])
def test_the_load_sends_the_renewed_session_cookie(renewing_server, generator):
    if generator == "wrk" and shutil.which("wrk") is None:
        pytest.fail("wrk is not installed: scripts/setup.sh --dev installs it")
    port, received = renewing_server
    drive = drive_wrk if generator == "wrk" else drive_python
    run = drive(port, "/", "session=old", connections=1, duration=1, **({"threads": 1} if generator == "wrk" else
                                                                          {"processes": 1}))
    assert run.ok > 3
    assert received[0] == "session=old"
    assert set(received[1:]) == {"session=renewed"}  # kept after the first answer; the other cookie left out
