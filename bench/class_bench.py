"""(j) a class of a lecture hall: students following one teacher who plays.

One class of `students` over real WebSockets, opened from `procs` client processes so that
the client is not what runs out; the teacher's session (2, 16, 1) plays at `rate` frames a
second.  Measured per student: frames a second and the gaps between frames; for the server:
its CPU time (user + system from /proc) over the window, divided by the frames the students
read.  The cost to compare with is one play stream's CPU per frame, measured first in the
same server: a session playing at the same rate with no class.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import urllib.request

import orjson
from websockets.asyncio.client import connect

from bench.server import Server
from bench.stats import median, percentile, process_cpu_seconds

WARM_UP = 1.0
CONFIG = {"dataset": "xor", "hidden": 16, "alpha_A": 0.01, "alpha_B": 0.01}


def _runner():
    try:
        import uvloop

        return uvloop.run
    except ImportError:
        return asyncio.run


# ---------------------------------------------------------------- the students (client processes)


async def _student(url: str, ready: list, window, arrivals: list) -> None:
    """One student: the snapshot, then frames until the class ends (the server closes)."""
    async with connect(url, max_queue=None, open_timeout=60) as ws:
        first = await ws.recv()
        assert first.startswith('{"type":"snapshot"'), first[:80]
        ready.append(1)
        async for message in ws:
            now = time.monotonic()
            if window[0] and window[0] <= now < window[1] and message.startswith('{"type":"frame"'):
                arrivals.append(now)


async def _students(url: str, n: int, window, ready_count, done_queue) -> None:
    ready: list = []
    arrivals = [[] for _ in range(n)]
    tasks = []
    for i in range(n):  # a few at a time: a hall joins over seconds, not in one instant
        tasks.append(asyncio.create_task(_student(url, ready, window, arrivals[i])))
        if i % 20 == 19:
            await asyncio.sleep(0.05)
    while len(ready) < n:
        await asyncio.sleep(0.05)
    with ready_count.get_lock():
        ready_count.value += n
    await asyncio.gather(*tasks)
    done_queue.put(arrivals)


def _client_process(url: str, n: int, window, ready_count, done_queue) -> None:
    _runner()(_students(url, n, window, ready_count, done_queue))


# ---------------------------------------------------------------- the players (this process)


async def _play(url: str, rate: int, start: float, end: float) -> list[float]:
    arrivals = []
    async with connect(url, max_queue=None) as ws:
        await ws.send(orjson.dumps({"rate": rate, "steps_per_frame": 1}).decode())
        while (now := time.monotonic()) < end:
            message = await ws.recv()
            now = time.monotonic()
            if start <= now < end and message.startswith('{"type":"frame"'):
                arrivals.append(now)
    return arrivals


def _player_frame_cpu(server: Server, rate: int, seconds: float) -> dict:
    """One play stream, no class: the server's CPU per frame."""
    sid = server.new_session(**CONFIG)
    url = server.url.replace("http://", "ws://") + f"/api/sessions/{sid}/play"

    async def run():
        begin = time.monotonic()
        start, end = begin + WARM_UP, begin + WARM_UP + seconds
        task = asyncio.create_task(_play(url, rate, start, end))
        await asyncio.sleep(start - time.monotonic())
        cpu = process_cpu_seconds(server.pid)
        await asyncio.sleep(end - time.monotonic())
        cpu = process_cpu_seconds(server.pid) - cpu
        return cpu, await task

    cpu, arrivals = _runner()(run())
    return {"frames": len(arrivals), "cpu_s": cpu, "us_per_frame": 1e6 * cpu / max(1, len(arrivals))}


def class_hall(server: Server, students: int, procs: int, rate: int, seconds: float) -> dict:
    """One class of `students` following a teacher who plays at `rate` for `seconds`."""
    player = _player_frame_cpu(server, rate, seconds)
    sid = server.new_session(**CONFIG)
    made = server.post("/api/classes", {"session": sid})
    code = made["code"]
    ws = server.url.replace("http://", "ws://")
    student_url = f"{ws}/api/classes/{code}/student"
    ctx = multiprocessing.get_context("spawn")
    window = ctx.Array("d", [0.0, 0.0], lock=False)
    ready, done = ctx.Value("i", 0), ctx.Queue()
    shares = [students // procs + (1 if i < students % procs else 0) for i in range(procs)]
    args = (student_url, window, ready, done)
    workers = [ctx.Process(target=_client_process, args=(args[0], n, *args[1:])) for n in shares]
    for w in workers:
        w.start()
    try:
        deadline = time.monotonic() + 120
        while ready.value < students:
            if time.monotonic() > deadline or not all(w.is_alive() for w in workers):
                raise RuntimeError(f"only {ready.value} of {students} students joined")
            time.sleep(0.1)

        async def teach():
            begin = time.monotonic()
            start, end = begin + WARM_UP, begin + WARM_UP + seconds
            window[0], window[1] = start, end
            task = asyncio.create_task(_play(f"{ws}/api/sessions/{sid}/play", rate, start, end))
            await asyncio.sleep(start - time.monotonic())
            cpu = process_cpu_seconds(server.pid)
            await asyncio.sleep(end - time.monotonic())
            cpu = process_cpu_seconds(server.pid) - cpu
            return cpu, await task

        cpu, teacher_frames = _runner()(teach())
        _end(server, code, made["teacher_key"])  # every student's socket closes
        records = [r for _ in workers for r in done.get(timeout=60)]
    finally:
        for w in workers:
            w.join(timeout=10)
            if w.is_alive():
                w.terminate()
    per_student = [len(r) / seconds for r in records]
    gaps_ms = [(b - a) * 1e3 for r in records for a, b in zip(r, r[1:], strict=False)]
    student_frames = sum(len(r) for r in records)
    # What the students cost: the window's CPU less the teacher's own play stream.
    student_cpu = max(0.0, cpu - len(teacher_frames) * player["us_per_frame"] / 1e6)
    us_per_student_frame = 1e6 * student_cpu / max(1, student_frames)
    return {
        "students": students,
        "procs": procs,
        "rate": rate,
        "seconds": seconds,
        "teacher_frames": len(teacher_frames),
        "fps_median": median(per_student) if per_student else 0.0,
        "fps_min": min(per_student) if per_student else 0.0,
        "gap_p50_ms": percentile(gaps_ms, 50) if gaps_ms else float("nan"),
        "gap_p99_ms": percentile(gaps_ms, 99) if gaps_ms else float("nan"),
        "server_cpu": cpu / seconds,
        "player_us": player["us_per_frame"],
        "student_us": us_per_student_frame,
        "ratio": us_per_student_frame / player["us_per_frame"] if player["us_per_frame"] else float("nan"),
    }


def _end(server: Server, code: str, key: str) -> None:
    request = urllib.request.Request(
        f"{server.url}/api/classes/{code}", method="DELETE", headers={"X-Teacher-Key": key}
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


# ---------------------------------------------------------------- the report


def targets(r: dict | None) -> list[tuple[str, str, str, bool | None]]:
    if r is None:
        return []
    n = r["students"]
    return [
        (f"(j) frames per student per second, {n} following", f"{r['fps_median']:.1f}", "≥ 29",
         r["fps_median"] >= 29),
        ("(j) gap between a student's frames, p99", f"{r['gap_p99_ms']:.1f} ms", "≤ 70 ms",
         r["gap_p99_ms"] <= 70),
        ("(j) server CPU per student-frame / per player-frame", f"{r['ratio']:.2f}", "≤ 0.35",
         r["ratio"] <= 0.35),
    ]  # fmt: skip


def section(r: dict | None) -> str:
    lines = ["", "## (j) A class: students following one teacher who plays", ""]
    if r is None:
        return "\n".join(lines + ["Not measured."]) + "\n"
    lines += [
        f"One class of {r['students']} students over real WebSockets (Python `websockets`, from",
        f"{r['procs']} client processes), the teacher's (2,16,1) session playing at {r['rate']} frames/s;",
        f"measured over {r['seconds']:g} s after a 1 s warm-up. A player-frame's cost is one play stream's",
        "server CPU per frame, measured first on the same server with no class; a student-frame's is",
        "the window's server CPU less the teacher's frames at that cost, divided by the frames the",
        "students read. CPU is user + system time from `/proc/<pid>/stat`.",
        "",
        "| frames/s per student (median, min) | gap p50 | gap p99 | teacher's frames | server CPU |"
        " µs a player-frame | µs a student-frame | ratio |",
        "|---|---|---|---|---|---|---|---|",
        f"| {r['fps_median']:.1f}, {r['fps_min']:.1f} | {r['gap_p50_ms']:.1f} ms | {r['gap_p99_ms']:.1f} ms |"
        f" {r['teacher_frames']} | {r['server_cpu']:.0%} of a core | {r['player_us']:.0f} |"
        f" {r['student_us']:.1f} | {r['ratio']:.3f} |",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    from bench.server import running_server

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with running_server() as server:
        result = class_hall(server, n, 3, 30, 10.0)
    print(section(result))
    for row in targets(result):
        print(row)
