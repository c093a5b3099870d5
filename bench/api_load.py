"""API load: 50 concurrent report requests against `policytrace serve` on 127.0.0.1.

    python bench/api_load.py [--requests 50] [--concurrency 50] [--format json] [--workers 1]

Starts the server itself (loopback only), warms it up, then measures in the same run:
  baseline   — the same requests one after another (sequential);
  concurrent — all of them at once (asyncio + httpx).
Prints requests/s, p50 and p95 latency, errors, and the concurrent/sequential ratios. Bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "policytrace", "serve", "--port", str(port), "--workers",
                             str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


async def one(client: httpx.AsyncClient, fmt: str) -> tuple[float, bool]:
    start = time.perf_counter()
    try:
        r = await client.post("/api/reports", data={"demo": "xinjiang-industry", "format": fmt})
        ok = r.status_code == 200 and len(r.content) > 0
    except httpx.HTTPError:
        ok = False
    return time.perf_counter() - start, ok


async def sequential(base: str, n: int, fmt: str) -> tuple[float, list[float], int]:
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        t0 = time.perf_counter()
        results = [await one(client, fmt) for _ in range(n)]
        return time.perf_counter() - t0, [r[0] for r in results], sum(not r[1] for r in results)


async def concurrent(base: str, n: int, concurrency: int, fmt: str) -> tuple[float, list[float], int]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
        gate = asyncio.Semaphore(concurrency)

        async def gated():
            async with gate:
                return await one(client, fmt)

        t0 = time.perf_counter()
        results = await asyncio.gather(*(gated() for _ in range(n)))
        return time.perf_counter() - t0, [r[0] for r in results], sum(not r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--format", default="json", choices=["json", "zh", "en", "html", "docx"])
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    n = min(args.requests, 500)  # bounded

    proc, base = start(args.workers)
    try:
        # warm-up: imports, fonts, first render, in every worker
        asyncio.run(concurrent(base, 4 * args.workers, 2 * args.workers, args.format))
        seq_time, seq_lat, seq_err = asyncio.run(sequential(base, n, args.format))
        con_time, con_lat, con_err = asyncio.run(concurrent(base, n, args.concurrency, args.format))
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    print(f"API load: {n} report requests (demo series, format={args.format}), server workers={args.workers}, "
          f"{os.cpu_count()} CPUs, 127.0.0.1")
    print(f"{'':12}{'req/s':>8}{'p50 s':>8}{'p95 s':>8}{'errors':>8}")
    for name, total, lat, err in (("sequential", seq_time, seq_lat, seq_err),
                                  (f"{args.concurrency} at once", con_time, con_lat, con_err)):
        print(f"{name:12}{n / total:8.2f}{statistics.median(lat):8.2f}{p95(lat):8.2f}{err:8d}")
    print(f"ratio concurrent/sequential: throughput x{seq_time / con_time:.2f}, "
          f"p95 latency x{p95(con_lat) / p95(seq_lat):.1f}")
    if seq_err or con_err:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
