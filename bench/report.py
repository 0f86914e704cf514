"""BENCHMARKS.md: the targets as ratios from one run, then the measurements behind them."""

from __future__ import annotations

from bench.http_bench import SLICE_SECONDS
from bench.page_report import page_targets
from bench.stats import median

HEADLINE = (2, 16, 1)


def _size(size: tuple) -> str:
    return "(" + ",".join(map(str, size)) + ")"


def _yes(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**yes**" if ok else "**no**")


def targets(single, ff, http, play, redis=None, page=None) -> list[tuple[str, str, str, bool | None]]:
    """(what, measured, target, met) for every target, from this run's medians."""
    rows = []
    for r in single:
        if r["torch"] is not None:
            x = r["torch"] / r["core"]
            rows.append(
                (f"(a) step {_size(r['size'])}: PyTorch autograd / core", f"{x:.1f}×", "≥ 8×", x >= 8)
            )
    for r in single:
        x = r["core"] / r["minimal"]
        rows.append((f"(a) step {_size(r['size'])}: core / minimal loop", f"{x:.2f}×", "≤ 1.3×", x <= 1.3))
    for r in ff:
        x = r["minimal"] / r["core"]
        rows.append((f"(b) fast-forward {_size(r['size'])}: minimal / core", f"{x:.2f}×", "≥ 1.4×", x >= 1.4))
    if http is None:
        rows.append(("(c) step endpoint vs /healthz", "not measured (no wrk)", "≥ 0.65", None))
    else:
        x = http["step"]["rps"] / http["healthz"]["rps"]
        rows.append(("(c) step endpoint / `/healthz` throughput", f"{x:.2f}", "≥ 0.65", x >= 0.65))
        p99 = http["step"]["p99_ms"]
        rows.append(("(c) step endpoint p99 latency, 50 connections", f"{p99:.1f} ms", "≤ 25 ms", p99 <= 25))
        worst = max(http["p99_ratios"])
        rows.append(
            (
                "(c) step p99 / `/healthz` p99, worst round",
                f"{worst:.2f}",
                "≤ 2.5 in every round",
                worst <= 2.5,
            )
        )
    fps = median([p["fps_median"] for p in play])
    gap = median([p["gap_p99_ms"] for p in play])
    cpu = median([p["server_cpu"] for p in play])
    rows.append(("(d) frames per client per second", f"{fps:.1f}", "≥ 59", fps >= 59))
    rows.append(("(d) gap between frames, p99", f"{gap:.1f} ms", "≤ 25 ms", gap <= 25))
    rows.append(("(d) server CPU, share of one core", f"{cpu:.0%}", "< 50%", cpu < 0.5))
    size = median([p["bytes_median"] for p in play])
    rows.append(
        (
            f"(e) bytes per frame {_size(HEADLINE)}, 1 step per frame",
            f"{size:.0f} B",
            "≤ 2,500 B",
            size <= 2500,
        )
    )
    return rows + redis_targets(redis) + page_targets(page)


def redis_targets(redis) -> list[tuple[str, str, str, bool | None]]:
    """(g): RedisStore against MemoryStore, one worker each."""
    if redis is None:
        return [("(g) RedisStore / MemoryStore, one worker", "not measured", "", None)]
    memory, one = redis["memory"], redis["redis"]
    x, tail = one["rps"] / memory["rps"], one["p99_ms"] / memory["p99_ms"]
    return [
        ("(g) step throughput, RedisStore / MemoryStore, one worker", f"{x:.2f}", "≥ 0.5", x >= 0.5),
        ("(g) step p99, RedisStore / MemoryStore, one worker", f"{tail:.2f}", "≤ 2", tail <= 2),
    ]


def markdown(
    before, after, plan, single, ff, http, inside, play, sizes, smoke: bool, redis=None, page=None
) -> str:
    lines = _header(before, after, smoke) + _table(targets(single, ff, http, play, redis, page))
    lines += _details(plan, single, ff, http, inside, play, sizes)
    return "\n".join(lines) + "\n"


def redis_only(before, after, plan, redis, smoke: bool) -> str:
    """`python -m bench --only g`: the header, the targets of (g) and its section."""
    lines = _header(before, after, smoke) + _table(redis_targets(redis))
    return "\n".join(lines) + "\n" + redis_section(plan, redis)


def _header(before, after, smoke: bool) -> list[str]:
    lines = ["# Benchmarks", ""]
    if smoke:
        lines += ["**Smoke run: sizes and durations are tiny; these numbers mean nothing.**", ""]
    return lines + [
        f"Measured {before['date']}, commit {before['commit']}, "
        f"on {before['cpu']} ({before['cores']} cores), "
        f"Python {before['python']}, NumPy {before['numpy']} ({before['blas']}), PyTorch {before['torch']}. "
        f"Load average before and after the run: {before['load']} / {after['load']}.",
        "",
        "Rerun with `make bench` (about five minutes); it rewrites this file. The machine is shared",
        "and noisy, so each figure is the median over rounds in which the contenders take turns,",
        "and each target is a ratio within this one run.",
        "",
    ]


def _table(rows) -> list[str]:
    lines = ["| target | this run | wanted | met |", "|---|---|---|---|"]
    lines += [f"| {what} | {got} | {want} | {_yes(ok)} |" for what, got, want, ok in rows]
    missed = [what for what, _, _, ok in rows if ok is False]
    if missed:
        lines += ["", "Missed in this run: " + "; ".join(missed) + ". " + _why(missed)]
    return lines


def _why(missed: list[str]) -> str:
    """What is known about a missed target, from the measurements below."""
    notes = []
    if any(m.startswith("(a)") and "PyTorch" in m for m in missed):
        notes.append(
            "A traced step is about twenty NumPy calls of fixed cost each plus work that grows with"
            " the weights, so the margin over PyTorch narrows as the network grows (table (a))."
        )
    if any(m.startswith("(c)") for m in missed):
        notes.append(
            "The step request's CPU inside the app is split below into the step, its JSON answer and"
            " the request's handling; what is not inside the app is HTTP and the socket, where the"
            " step's answer is a few kilobytes and `/healthz`'s a few bytes."
        )
    if any(m.startswith("(d)") for m in missed):
        notes.append("See the rounds of (d): on this shared machine they vary with its load.")
    if any(m.startswith("(g)") for m in missed):
        notes.append(
            "Table (g) splits a step's server CPU between the app and Redis: with RedisStore the app"
            " also loads and saves the session over a socket each step."
        )
    return " ".join(notes)


def _details(plan, single, ff, http, inside, play, sizes) -> list[str]:
    lines = [
        "",
        "## (a) One SGD step with its trace, µs",
        "",
        f"relu / linear / half_squared with bias; median of {plan.single_rounds} rounds of "
        f"{plan.single_steps} steps. *core* is `app.model.step` (every trace array fresh); *minimal*",
        "is the straightforward NumPy step in `bench/core_bench.py` (no trace kept); *PyTorch* is the",
        "same step with autograd, float64, one thread.",
        "",
        "| size (n_s, n_x, n_y) | core | minimal NumPy | PyTorch autograd |",
        "|---|---|---|---|",
    ]
    for r in single:
        torch = "–" if r["torch"] is None else f"{r['torch']:.1f}"
        lines.append(f"| {_size(r['size'])} | {r['core']:.2f} | {r['minimal']:.2f} | {torch} |")
    lines += [
        "",
        f"## (b) Fast-forward, µs per step over {plan.ff_steps:,} steps",
        "",
        f"`app.model.run` (no per-step trace; the losses and the last trace) against the minimal loop"
        f" collecting its losses; median of {plan.ff_rounds} rounds. Both end on the same weights.",
        "",
        "| size | model.run | minimal loop | speed-up |",
        "|---|---|---|---|",
    ]
    for r in ff:
        lines.append(
            f"| {_size(r['size'])} | {r['core']:.2f} | {r['minimal']:.2f} | {r['minimal'] / r['core']:.2f}× |"
        )
    lines += ["", '## (c) HTTP: `POST /api/sessions/{id}/step` `{"n": 1}` against `GET /healthz`', ""]
    if http is None:
        lines.append("Not measured: wrk is not installed (`bash scripts/system-deps.sh wrk`).")
    else:
        lines += [
            f"wrk, 1 thread, {plan.http_connections} connections, against `python -m app` on 127.0.0.1",
            "(one process: uvloop, httptools, no access log); the step requests go round 50 sessions",
            f"of size (2,16,1). {plan.http_rounds} rounds of {plan.http_seconds} s each; within a round",
            f"the two take turns every {SLICE_SECONDS} s (h s s h h s ...), and a round's percentiles are",
            "those of all its answers, so that a slow spell of the machine falls on both alike.",
            "",
            "| endpoint | requests/s | p50 | p99 | requests/s of each run | failed answers |",
            "|---|---|---|---|---|---|",
        ]
        for name, label in (("healthz", "`/healthz`"), ("step", "step")):
            h = http[name]
            runs = ", ".join(f"{x:,.0f}" for x in h["rounds"])
            latency = f"{h['p50_ms']:.2f} ms | {h['p99_ms']:.2f} ms"
            lines.append(f"| {label} | {h['rps']:,.0f} | {latency} | {runs} | {h['failed']} |")
        ratio = http["step"]["rps"] / http["healthz"]["rps"]
        tails = ", ".join(f"{x:.2f}" for x in http["p99_ratios"])
        lines += [
            "",
            f"Throughput ratio step / healthz: **{ratio:.2f}**. Step p99 / healthz p99, each round: {tails}.",
        ]
    handling = inside["step"] - inside["take_steps"] - inside["encode"]
    lines += [
        "",
        "Where a request's CPU goes inside the app, in µs per request (requests handed straight to",
        "the ASGI app: no server, no socket):",
        "",
        "| `/healthz` | step | of which the step (`take_steps(1)`) | the JSON answer |"
        " the request's handling |",
        "|---|---|---|---|---|",
        f"| {inside['healthz']:.1f} | {inside['step']:.1f} | {inside['take_steps']:.1f} | "
        f"{inside['encode']:.1f} | {handling:.1f} |",
        "",
        "The request's handling is the session's lookup, the body read and parsed, and the budget's",
        "check. A JSON step is answered ahead of the middleware (`StepPath` in",
        "`app/api/routes/step.py`, which makes the door's checks itself), while `/healthz` goes",
        "through the middleware and FastAPI's request handling: so the step's handling costs less",
        "than all of `/healthz`. Outside the app, the HTTP parsing and the socket cost both about",
        "the same, except that the step's answer is a few kilobytes and `/healthz`'s a few bytes.",
    ]
    lines += [
        "",
        "## (d) Play mode: a lecture hall pressing Play",
        "",
        f"{plan.play_clients} WebSocket clients (Python, asyncio, `websockets`), each on its own",
        f"(2,16,1) session, asking for {plan.play_rate} frames/s of one step; measured over",
        f"{plan.play_seconds:g} s after a 1 s warm-up. Server CPU is user + system time of the server",
        "process from `/proc/<pid>/stat`, as a share of one core. One row per round, each against a",
        "fresh server. Players at one rate tick on a clock they share, so the server makes each",
        "tick's frames back to back (`app/api/routes/play.py`).",
        "",
        "| round | frames/s per client (median, min) | gap p50 | gap p99 | server CPU | client CPU |",
        "|---|---|---|---|---|---|",
    ]
    for i, p in enumerate(play, 1):
        lines.append(
            f"| {i} | {p['fps_median']:.1f}, {p['fps_min']:.1f} | {p['gap_p50_ms']:.1f} ms | "
            f"{p['gap_p99_ms']:.1f} ms | {p['server_cpu']:.0%} | {p['client_cpu']:.0%} |"
        )
    lines += [
        "",
        "## (e) Bytes per frame",
        "",
        "JSON text: the state, the compact trace (no grad_A, grad_B, A_before, B_before, which the page",
        "derives) and the new losses, numbers as float32 in their shortest form.",
        f"Live in (d): median {median([p['bytes_median'] for p in play]):.0f} B, "
        f"largest {max(p['bytes_max'] for p in play)} B. After 1,000 steps of training, per size:",
        "",
        "| size | 1 step per frame | 10 steps per frame |",
        "|---|---|---|",
    ]
    lines += [f"| {_size(r['size'])} | {r[1]:,} B | {r[10]:,} B |" for r in sizes]
    return lines


def heavy_section(heavy: dict) -> str:
    """(f): /healthz and a one-step call idle and under the heaviest call mix, side by side."""
    idle, busy = heavy["idle"], heavy["heavy"]
    lines = [
        "",
        "## (f) No call blocks others",
        "",
        "`/healthz` and a one-step call on a small session, one after the other from one client,",
        "first with the server idle, then while six processes of their own send the heaviest calls",
        "the budgets allow, one of each kind (SGD on a 77,000-weight network, SGD on a data set as",
        "large as a request may carry, Adam, TD, Monte Carlo on the shortest and on the longest",
        f"walk), retrying on 429. {heavy['heavy_calls']} heavy calls were answered meanwhile, each in",
        "one of the server's worker processes. Times in ms; the target is a p99 within 50 ms.",
        "",
        "| | /healthz p50 | /healthz p99 | one step p50 | one step p99 | samples |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in (("idle", idle), ("heaviest calls running", busy)):
        lines.append(
            f"| {name} | {r['healthz_p50']:.1f} | {r['healthz_p99']:.1f} | {r['step_p50']:.1f} | "
            f"{r['step_p99']:.1f} | {r['samples']} |"
        )
    return "\n".join(lines) + "\n"


def summary(rows) -> str:
    """One line per target, for the terminal."""
    return "\n".join(
        f"{'met ' if ok else 'MISS' if ok is False else 'n/a '} {what}: {got} (wanted {want})"
        for what, got, want, ok in rows
    )


# A learner holding S (Step): static/control/keys.js steps on every repeat of the key.
HOLDING_S = 30


def _pass(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def redis_section(plan, redis) -> str:
    """(g): the step endpoint on MemoryStore and on RedisStore, and a step's CPU in the app and in Redis."""
    from bench.http_bench import SESSIONS
    from bench.redis_bench import CONTENDERS

    lines = ["", "## (g) Sessions in Redis: the step endpoint on MemoryStore and on RedisStore", ""]
    if redis is None:
        lines.append(
            "Not measured: wrk or redis-server is missing (`bash scripts/system-deps.sh wrk redis-server`)."
        )
        return "\n".join(lines) + "\n"
    lines += [
        f"The step requests of (c): wrk, 1 thread, {plan.http_connections} connections stepping {SESSIONS}",
        f"sessions of size (2,16,1) in turn, {plan.redis_seconds} s a run, {plan.redis_rounds} rounds in",
        "which three servers take turns: MemoryStore on one worker, RedisStore on one worker, RedisStore",
        "with `WORKERS=2`; the two on Redis share one redis-server started by the benchmark on 127.0.0.1",
        "(no persistence). CPU is user + system time from `/proc/<pid>/stat` over each run, divided by",
        "the steps answered: the app's summed over its processes (with two workers, the supervisor and",
        "both workers), Redis's that of redis-server. `python -m bench --only g` runs this part alone.",
        "",
        "| server | requests/s | p50 | p99 | requests/s of each round | app CPU µs a step |"
        " Redis CPU µs a step | failed answers |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, (label, uses_redis, _) in CONTENDERS.items():
        r = redis[name]
        runs = ", ".join(f"{x:,.0f}" for x in r["rounds"])
        in_redis = f"{r['redis_us']:.1f}" if uses_redis else "–"
        lines.append(
            f"| {label} | {r['rps']:,.0f} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {runs} | "
            f"{r['app_us']:.1f} | {in_redis} | {r['failed']} |"
        )
    memory, one, two = redis["memory"], redis["redis"], redis["redis2"]
    x, tail = one["rps"] / memory["rps"], one["p99_ms"] / memory["p99_ms"]
    lines += [
        "",
        f"RedisStore / MemoryStore on one worker: throughput **{x:.2f}** (wanted ≥ 0.5: {_pass(x >= 0.5)}),"
        f" p99 **{tail:.2f}** (wanted ≤ 2: {_pass(tail <= 2)}). With `WORKERS=2`, RedisStore answers",
        f"{two['rps'] / one['rps']:.2f}× its throughput on one worker, on a machine whose cores wrk and",
        "redis-server share with the workers.",
        "",
        "### What a core serves: a projection",
        "",
        f"A learner holding S (Step) sends a step request at every repeat of the key, about {HOLDING_S} a",
        "second: the most one learner asks for. Assuming that server CPU is what runs out, and that the",
        "work spreads over the cores given to it, from the CPU per step above:",
        "",
        "| server | server CPU µs a step (app + Redis) | steps/s per core | learners holding S per core |",
        "|---|---|---|---|",
    ]
    for name, (label, _, _) in CONTENDERS.items():
        us = redis[name]["app_us"] + redis[name]["redis_us"]
        per_core = 1e6 / us
        lines.append(f"| {label} | {us:.1f} | {per_core:,.0f} | {per_core / HOLDING_S:,.0f} |")
    ceiling = 1e6 / one["redis_us"]
    lines += [
        "",
        f"Redis runs its commands on one thread: at {one['redis_us']:.1f} µs a step, one redis-server",
        f"answers at most about {ceiling:,.0f} steps/s, {ceiling / HOLDING_S:,.0f} learners holding S,",
        "however many workers and replicas share it.",
    ]
    return "\n".join(lines) + "\n"
