"""(j) a lesson in a lecture hall: students following a teacher's stops and a two-round question.

One class of `students` over real WebSockets from `procs` client processes.  The teacher opens the
built-in lesson `slides` and then sends, `per_second` times a second, a `goto` (the next stop) and
a `view` (the next phase) in turn; every student notes when each `stop` and each `view` arrives.
The latency of a message is its arrival less the moment the teacher sent it (one clock:
CLOCK_MONOTONIC is the machine's, shared by its processes); the i-th `stop` a student reads
answers the i-th `goto`, as one socket keeps their order.  Then a question in two rounds: every
student answers, the teacher opens round 2, every student answers again, the teacher reveals.
And the report a teacher downloads, built for `students` answers to 20 such questions.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time

from websockets.asyncio.client import connect

from app.classroom.shown import PHASES
from bench.class_bench import _end, _runner
from bench.server import Server
from bench.stats import median, percentile


async def _student(url: str, ready: list, seen: list) -> None:
    async with connect(url, max_queue=None, open_timeout=60) as ws:
        await ws.recv()  # the snapshot
        ready.append(1)
        async for message in ws:
            now = time.monotonic()
            kind = json.loads(message)["type"]
            if kind in ("stop", "view"):
                seen.append((kind, now))
            elif kind in ("quiz", "revote"):
                await ws.send(json.dumps({"type": "answer", "value": 0.5}))


async def _students(url: str, n: int, ready_count, done_queue) -> None:
    ready: list = []
    seen = [[] for _ in range(n)]
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(_student(url, ready, seen[i])))
        if i % 20 == 19:
            await asyncio.sleep(0.05)
    while len(ready) < n:
        await asyncio.sleep(0.05)
    with ready_count.get_lock():
        ready_count.value += n
    await asyncio.gather(*tasks, return_exceptions=True)
    done_queue.put(seen)


def _client_process(url: str, n: int, ready_count, done_queue) -> None:
    _runner()(_students(url, n, ready_count, done_queue))


async def _teach(url: str, key: str, messages: int, per_second: float) -> dict:
    sent = {"stop": [], "view": []}
    async with connect(url, max_queue=None) as ws:

        async def command(body: dict) -> None:
            await ws.send(json.dumps(body))
            while True:
                got = json.loads(await ws.recv())
                if got["type"] in ("done", "error"):
                    assert got["type"] == "done", got
                    return

        await ws.send(json.dumps({"type": "hello", "key": key}))
        await command({"type": "lesson", "name": "slides"})
        for k in range(messages):
            kind = "stop" if k % 2 == 0 else "view"
            if kind == "stop":
                body = {"type": "goto", "stop": (k // 2) % 8}
            else:
                body = {"type": "view", "phase": PHASES[(k // 2) % 11]}
            sent[kind].append(time.monotonic())
            await command(body)
            await asyncio.sleep(1 / per_second)
        began = time.monotonic()
        await command({"type": "quiz", "target": "y_hat", "index": [0]})
        await asyncio.sleep(1.0)
        await command({"type": "revote"})
        await asyncio.sleep(1.0)
        await command({"type": "reveal"})
        sent["question_s"] = time.monotonic() - began
    return sent


def lesson_hall(server: Server, students: int, procs: int, messages: int = 80, per_second: float = 8) -> dict:
    sid = server.new_session(dataset="xor", hidden=4)
    made = server.post("/api/classes", {"session": sid})
    server.post(f"/api/sessions/{sid}/step", {"n": 1})  # a question is about a step the class has seen
    code, key = made["code"], made["teacher_key"]
    ws = server.url.replace("http://", "ws://")
    ctx = multiprocessing.get_context("spawn")
    ready, done = ctx.Value("i", 0), ctx.Queue()
    shares = [students // procs + (1 if i < students % procs else 0) for i in range(procs)]
    url = f"{ws}/api/classes/{code}/student"
    workers = [ctx.Process(target=_client_process, args=(url, n, ready, done)) for n in shares]
    for w in workers:
        w.start()
    try:
        deadline = time.monotonic() + 120
        while ready.value < students:
            if time.monotonic() > deadline or not all(w.is_alive() for w in workers):
                raise RuntimeError(f"only {ready.value} of {students} students joined")
            time.sleep(0.1)
        sent = _runner()(_teach(f"{ws}/api/classes/{code}/teacher", key, messages, per_second))
        time.sleep(1.0)
        _end(server, code, key)
        records = [r for _ in workers for r in done.get(timeout=60)]
    finally:
        for w in workers:
            w.join(timeout=10)
            if w.is_alive():
                w.terminate()
    latency = {"stop": [], "view": []}
    for seen in records:
        for kind in latency:
            arrivals = [t for k, t in seen if k == kind]
            latency[kind] += [(a - s) * 1e3 for s, a in zip(sent[kind], arrivals, strict=False)]
    out = {"students": students, "procs": procs, "messages": messages, "question_s": sent["question_s"]}
    for kind, values in latency.items():
        out[f"{kind}_n"] = len(values)
        out[f"{kind}_p50_ms"] = median(values) if values else float("nan")
        out[f"{kind}_p99_ms"] = percentile(values, 99) if values else float("nan")
    out["ratio"] = out["stop_p99_ms"] / out["view_p99_ms"] if out["view_p99_ms"] else float("nan")
    return out | report_build(students)


FRAME_MS = 1000 / 60  # a frame at 60 frames a second
HALF_FRAME_MS = FRAME_MS / 2


def report_build(students: int, questions: int = 20, repeats: int = 7) -> dict:
    """Builds the report of `questions` two-round questions that every one of `students` answered
    twice (answers scattered around the true value and its likely mistakes), as the reveal and
    `GET /report` do: each entry with its rounds' histograms and mistakes counted, then the JSON
    and the CSV.  Median over `repeats` builds, in ms, against a 60 Hz frame."""
    import numpy as np
    import orjson

    from app.classroom import report
    from app.classroom.mistakes import mistakes
    from app.model.backprop import step
    from app.model.net import Net, with_bias

    rng = np.random.default_rng(0)
    net = Net(f_A="relu", f_B="sigmoid", alpha_A=0.5, alpha_B=0.5)
    states = []
    for n in range(questions):
        s, A, B = with_bias(rng.normal(size=2), True), rng.normal(size=(3, 4)), rng.normal(size=(5, 2))
        trace = step(s, rng.uniform(0.1, 0.9, size=2), A, B, net)
        target, index = (("delta_A", [n % 4]), ("B", [n % 5, n % 2]), ("A", [n % 3, n % 4]))[n % 3]
        found = mistakes(trace, net, "sgd", target, index)
        truth = float(np.asarray(trace[target])[tuple(index)])
        near = [truth] + [m["value"] for m in found]
        answers = [
            [float(rng.choice(near) * rng.normal(1, 0.003)) for _ in range(students)] for _ in range(2)
        ]
        quiz = {"target": target, "index": index, "revealed": True, "value": truth, "round": 2}
        state = {"quiz": quiz, "truth": truth, "rounds": [answers[0]], "question": {"n": n + 1, "step": n,
                 "stop": None, "mistakes": found}}  # fmt: skip
        states.append((state, answers[1]))
    built, served = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        entries = [report.entry(state, last) for state, last in states]  # each at its reveal
        middle = time.perf_counter()
        orjson.dumps({"code": "BENCH1", "questions": entries})  # GET /report, then ?format=csv
        report.as_csv(entries)
        built.append((time.perf_counter() - start) * 1e3)
        served.append((time.perf_counter() - middle) * 1e3)
    return {
        "report_questions": questions, "report_answers": students,
        "report_ms": median(built), "report_served_ms": median(served),
    }  # fmt: skip


def targets(r: dict | None) -> list[tuple[str, str, str, bool | None]]:
    if r is None:
        return []
    served = r["report_served_ms"]
    return [
        (f"(j) a lesson's goto → stop p99 / view → view p99, {r['students']} following", f"{r['ratio']:.2f}",
         "≤ 1.5", r["ratio"] <= 1.5),
        (f"(j) the report of {r['report_answers']} answers × {r['report_questions']} questions, served",
         f"{r['report_served_ms']:.2f} ms", f"≤ {HALF_FRAME_MS:.1f} ms (½ frame)", served <= HALF_FRAME_MS),
    ]  # fmt: skip


def section(r: dict | None) -> str:
    lines = ["", "## (j) A lesson: students following the teacher's stops and a two-round question", ""]
    if r is None:
        return "\n".join(lines + ["Not measured."]) + "\n"
    lines += [
        f"One class of {r['students']} students over real WebSockets (from {r['procs']} client",
        f"processes); the teacher opens `slides` and sends {r['messages']} messages, a `goto` and a",
        "`view` in turn; each latency is a student's arrival less the teacher's send. Then a question",
        "in two rounds, every student answering both.",
        "",
        "| goto → stop p50, p99 | view → view p50, p99 | p99 ratio | messages read | two-round question |",
        "|---|---|---|---|---|",
        f"| {r['stop_p50_ms']:.1f}, {r['stop_p99_ms']:.1f} ms | {r['view_p50_ms']:.1f},"
        f" {r['view_p99_ms']:.1f} ms | {r['ratio']:.2f} | {r['stop_n'] + r['view_n']} |"
        f" {r['question_s']:.1f} s |",
        "",
        f"The report of {r['report_questions']} two-round questions each answered twice by all"
        f" {r['report_answers']} (in-process, median of 7). A question's entry is built at its reveal"
        f" (histograms, right answers, likely mistakes counted):"
        f" {r['report_ms'] / r['report_questions']:.2f} ms each, {r['report_ms']:.1f} ms for all;"
        f" `GET /report` then makes the JSON and the CSV of the kept entries in"
        f" {r['report_served_ms']:.2f} ms;"
        f" a 60 Hz frame is {FRAME_MS:.1f} ms.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    from bench.server import running_server

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with running_server() as server:
        result = lesson_hall(server, n, 3)
    print(section(result))
    for row in targets(result):
        print(row)
