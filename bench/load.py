"""Drive a page with keep-alive connections: wrk when it is installed, else a small generator of our own.

Each connection sends one GET after another for a fixed time; every answer's status is counted and its latency
recorded. wrk (C, one event loop a thread) is what the figures should be read from: the Python generator shares
the server's cores and its threads share an interpreter, so an answer can wait for the interpreter before its time
is taken, which lengthens the measured tail of a busy page. It is kept for machines without wrk (Debian: apt-get
install wrk), spread over processes to keep it from being the bottleneck.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

TIMEOUT = 300.0  # a very slow page must be measured, not dropped


@dataclass
class Run:
    """The answers of one load run."""

    seconds: float
    latencies: list[float] = field(default_factory=list)  # of the 200 answers
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # what the first non-200 answers and errors said
    percentiles: dict[float, float] = field(default_factory=dict)  # given by wrk, which keeps no latency list
    generator: str = "python"

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Return the p-th percentile latency in seconds (nearest rank), 0 when nothing answered."""
        if p in self.percentiles:
            return self.percentiles[p]
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes, dict]:
    """Send one GET to 127.0.0.1:port; return (status, body, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def timed_get(port: int, path: str, cookie: str = "") -> tuple[int, float, int]:
    """Return (status, seconds, body bytes) of one GET on a fresh connection."""
    started = time.perf_counter()
    status, body, _ = get(port, path, cookie)
    return status, time.perf_counter() - started, len(body)


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the real form (with its CSRF token); return the session cookie to send."""
    status, body, headers = get(port, "/sign-in")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    cookie = _cookie(headers)
    if status != 200 or token is None:
        raise RuntimeError(f"The sign-in page answered {status}")
    form = urllib.parse.urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": password})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("POST", "/sign-in", body=form, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        signed = _cookie(dict(response.getheaders()))
    finally:
        conn.close()
    if response.status != 302 or not signed:
        raise RuntimeError(f"Signing in as {email} answered {response.status}")
    return signed


def kept_cookie(sent: str, set_cookie: str | None) -> str:
    """Return the cookie to send next: the one a response set in place of the one sent, as a browser keeps it."""
    given = (set_cookie or "").split(";", 1)[0]
    name = sent.split("=", 1)[0]
    return given if sent and given.startswith(name + "=") else sent


def _cookie(headers: dict) -> str:
    raw = headers.get("Set-Cookie", "")
    return raw.split(";", 1)[0] if raw else ""


def drive(port: int, path: str, cookie: str, *, connections: int, duration: float, processes: int = 2) -> Run:
    """Keep `connections` keep-alive connections busy on one page for `duration` seconds (wrk when installed)."""
    if shutil.which("wrk"):
        return drive_wrk(port, path, cookie, connections=connections, duration=duration, threads=processes)
    return drive_python(port, path, cookie, connections=connections, duration=duration, processes=processes)


# wrk's own summary counts a redirect (an expired session's 302 to the sign-in page) as a success: each thread
# counts the statuses itself, and the summary prints them with the percentiles the bench reports, as JSON.
# Each thread also keeps the session cookie a response sets, as a browser does: sent unchanged, a cookie whose
# "last seen" time has aged makes the app sign a new one into every response, which no browser would cost it. The
# request is made again only then, so the load costs wrk no more than its fixed request.
WRK_SCRIPT = """
local threads = {}
local request_text
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} ; failures = {} ; request_text = wrk.format() end
function request() return request_text end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local set = headers["Set-Cookie"]
  local sent = wrk.headers["Cookie"]
  if set and sent then
    local name = string.match(sent, "^([^=]+)=")
    local given = string.match(set, "^([^;]+)")
    if name and given and string.sub(given, 1, #name + 1) == name .. "=" and given ~= sent then
      wrk.headers["Cookie"] = given
      request_text = wrk.format()
    end
  end
  if status ~= 200 and #failures < 5 then
    table.insert(failures, status .. ": " .. string.sub(body or "", 1, 200))
  end
end
local function quoted(text)
  return '"' .. string.gsub(text, '[%c"\\\\]', function(c) return string.format("\\\\u%04x", string.byte(c)) end) .. '"'
end
function done(summary, latency, requests)
  local counts, failed = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + count end
    for _, text in ipairs(thread:get("failures")) do table.insert(failed, quoted(text)) end
  end
  local parts = {}
  for status, count in pairs(counts) do table.insert(parts, '"' .. status .. '": ' .. count) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('PATHWAY {"seconds": %f, "p50": %f, "p99": %f, "errors": %d, "statuses": {%s}, ' ..
    '"failures": [%s]}\\n', summary.duration / 1e6, latency:percentile(50) / 1e6, latency:percentile(99) / 1e6,
    errors, table.concat(parts, ", "), table.concat(failed, ", ")))
end
"""


def drive_wrk(port: int, path: str, cookie: str, *, connections: int, duration: float, threads: int = 2) -> Run:
    """Drive the page with wrk: `connections` keep-alive connections on `threads` threads for `duration` s."""
    threads = max(1, min(threads, connections))
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "count.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
                   f"--timeout={int(TIMEOUT)}s", "-s", str(script), f"http://127.0.0.1:{port}{path}"]
        if cookie:
            command[1:1] = ["-H", f"Cookie: {cookie}"]
        output = subprocess.run(command, capture_output=True, text=True, errors="replace", check=True).stdout
    line = next((x for x in output.splitlines() if x.startswith("PATHWAY ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{output[-2000:]}")
    found = json.loads(line.removeprefix("PATHWAY "))
    statuses = {int(k): v for k, v in found["statuses"].items()}
    if found["errors"]:
        statuses[0] = statuses.get(0, 0) + found["errors"]
    return Run(seconds=found["seconds"], statuses=statuses, failures=found["failures"],
               percentiles={50: found["p50"], 99: found["p99"]}, generator="wrk")


def drive_python(port: int, path: str, cookie: str, *, connections: int, duration: float,
                 processes: int = 2) -> Run:
    """Drive the page with the Python generator: connections on threads, spread over `processes` processes."""
    processes = max(1, min(processes, connections))
    shares = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    context = multiprocessing.get_context("spawn")  # no copy of the caller's database client and threads
    with context.Pool(processes) as pool:
        # Every process starts at the same moment, once all have started up.
        start_at = time.time() + 2.0
        parts = pool.starmap(_process, [(port, path, cookie, share, duration, start_at) for share in shares])
    run = Run(seconds=max(p[0] for p in parts))
    for _seconds, latencies, statuses, failures in parts:
        run.latencies += latencies
        for status, count in statuses.items():
            run.statuses[status] = run.statuses.get(status, 0) + count
        run.failures += failures[: max(0, 5 - len(run.failures))]
    return run


def _process(port, path, cookie, connections, duration, start_at):
    """Run `connections` threads in this process; return (seconds, latencies, statuses, failures)."""
    latencies, statuses, failures = [], {}, []
    lock = threading.Lock()
    time.sleep(max(0.0, start_at - time.time()))
    start = time.perf_counter()
    until = start + duration

    def connection():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        mine, seen, failed, sent = [], {}, [], cookie
        while time.perf_counter() < until:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": sent})
                response = conn.getresponse()
                body = response.read()
                status = response.status
                sent = kept_cookie(sent, response.getheader("Set-Cookie"))
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
                status, body = 0, repr(exc).encode()
            spent = time.perf_counter() - began
            seen[status] = seen.get(status, 0) + 1
            if status == 200:
                mine.append(spent)
            elif len(failed) < 5:
                failed.append(f"{status}: {body[:200].decode(errors='replace')}")
        conn.close()
        with lock:
            latencies.extend(mine)
            for key, count in seen.items():
                statuses[key] = statuses.get(key, 0) + count
            failures.extend(failed)

    threads = [threading.Thread(target=connection) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies, statuses, failures


def median_time(port: int, path: str, cookie: str, times: int = 5,
                max_seconds: float = float("inf")) -> tuple[float, int, list[int]]:
    """Return the median seconds of `times` sequential requests (one if over max_seconds), size, statuses."""
    results = [timed_get(port, path, cookie)]
    if results[0][1] <= max_seconds:
        results += [timed_get(port, path, cookie) for _ in range(times - 1)]
    return statistics.median(r[1] for r in results), results[-1][2], [r[0] for r in results]
