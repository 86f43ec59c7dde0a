"""A small HTTP load generator: keep-alive connections on threads, spread over a few processes.

Each connection sends one GET after another for a fixed time and records each answer's status and latency.
Threads share one process's interpreter, so the connections are spread over processes to keep the
generator from being the bottleneck on a small machine.
"""

from __future__ import annotations

import http.client
import multiprocessing
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

TIMEOUT = 300.0  # a very slow page must be measured, not dropped


@dataclass
class Run:
    """The answers of one load run."""

    seconds: float
    latencies: list[float] = field(default_factory=list)  # of the 200 answers
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # what the first non-200 answers and errors said

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Return the p-th percentile latency in seconds (nearest rank), 0 when nothing answered."""
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


def _cookie(headers: dict) -> str:
    raw = headers.get("Set-Cookie", "")
    return raw.split(";", 1)[0] if raw else ""


def drive(port: int, path: str, cookie: str, *, connections: int, duration: float, processes: int = 2) -> Run:
    """Keep `connections` keep-alive connections busy on one page for `duration` seconds."""
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
        mine, seen, failed = [], {}, []
        while time.perf_counter() < until:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                body = response.read()
                status = response.status
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
