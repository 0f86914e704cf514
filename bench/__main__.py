"""`python -m bench`: measure (a)-(k) in one run and write BENCHMARKS.md.

    python -m bench                   # the full run, about five minutes
    python -m bench --smoke --out -   # seconds: checks that every part still runs, times mean nothing
    python -m bench --only g          # (g) sessions in Redis alone, to stdout, about two minutes

A benchmark never fails on a timing: targets missed are reported, not raised.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import (
    class_bench,
    control_bench,
    core_bench,
    heavy_bench,
    http_bench,
    lesson_bench,
    page_bench,
    page_report,
    play_bench,
    redis_bench,
    report,
)
from bench.server import running_server
from bench.stats import REPORT, machine


@dataclass(frozen=True)
class Plan:
    single_rounds: int = 9
    single_steps: int = 3000
    ff_rounds: int = 5
    ff_steps: int = 100_000
    http_rounds: int = 3
    http_seconds: int = 10
    http_connections: int = 50
    play_rounds: int = 3
    play_clients: int = 100
    play_rate: int = 60
    play_seconds: float = 10.0
    heavy_seconds: float = 8.0
    redis_rounds: int = 3
    redis_seconds: int = 10
    page_rounds: int = 3
    page_seconds: float = 10.0
    class_students: int = 300
    class_procs: int = 3
    class_rate: int = 30
    class_seconds: float = 10.0
    control_rounds: int = 3
    control_episodes: int = 50


SMOKE = Plan(1, 50, 1, 500, 1, 1, 10, 1, 5, 60, 1.0, 1.0, 1, 1, 1, 1.0, 6, 2, 30, 1.0, 1, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check that everything runs")
    parser.add_argument("--out", help="where to write the report ('-': stdout; default BENCHMARKS.md)")
    parser.add_argument("--only", choices=["g"], help="run one part alone (to stdout): g, sessions in Redis")
    args = parser.parse_args(argv)
    # one part alone never replaces the whole report unless asked to
    args.out = args.out or ("-" if args.only else REPORT)
    plan = SMOKE if args.smoke else Plan()

    before = machine()
    if args.only == "g":
        redis = _redis(plan)
        text = report.redis_only(before, machine(), plan, redis, smoke=args.smoke)
        return _write(text, args.out, report.redis_targets(redis))
    print("(a) one step with its trace ...", flush=True)
    single = core_bench.single_step(plan.single_rounds, plan.single_steps)
    print("(b) fast-forward ...", flush=True)
    ff = core_bench.fast_forward(plan.ff_rounds, plan.ff_steps)
    http = None
    print("(c) where a step request's time goes, inside the app ...", flush=True)
    inside = http_bench.in_process(plan.single_rounds, plan.single_steps // 3)
    if http_bench.wrk_available():
        print("(c) HTTP step endpoint under wrk ...", flush=True)
        with running_server() as server:
            http = http_bench.step_vs_healthz(
                server, plan.http_rounds, plan.http_seconds, plan.http_connections
            )
    else:
        print("(c) skipped: wrk is not installed (bash scripts/system-deps.sh wrk)", flush=True)
    print("(d) play mode for a lecture hall ...", flush=True)
    play = []
    for _ in range(plan.play_rounds):
        with running_server() as server:
            play.append(play_bench.lecture_hall(server, plan.play_clients, plan.play_rate, plan.play_seconds))
    print("(e) bytes per frame ...", flush=True)
    sizes = play_bench.frame_bytes(core_bench.SIZES)
    print("(f) health and one step while the heaviest calls run ...", flush=True)
    with running_server() as server:
        heavy = heavy_bench.heavy_mix(server, plan.heavy_seconds)
    redis = _redis(plan)
    page = _page(plan)
    print(f"(j) a class of {plan.class_students} following a teacher who plays ...", flush=True)
    with running_server() as server:
        klass = class_bench.class_hall(
            server, plan.class_students, plan.class_procs, plan.class_rate, plan.class_seconds
        )
    print(f"(j) a lesson: {plan.class_students} following its stops and a two-round question", flush=True)
    with running_server() as server:
        lesson = lesson_bench.lesson_hall(server, plan.class_students, plan.class_procs)
    print(
        f"(k) control mode: {plan.control_episodes} episodes of Mountain Car, served and in a NumPy loop",
        flush=True,
    )
    control = control_bench.fast_enough(plan.control_rounds, plan.control_episodes)
    after = machine()

    text = report.markdown(
        before, after, plan, single, ff, http, inside, play, sizes, args.smoke, redis, page
    )
    text += (
        report.heavy_section(heavy) + report.redis_section(plan, redis) + page_report.page_section(plan, page)
    )
    text += class_bench.section(klass) + lesson_bench.section(lesson) + control_bench.section(control)
    rows = (
        report.targets(single, ff, http, play, redis, page)
        + class_bench.targets(klass)
        + lesson_bench.targets(lesson)
        + control_bench.targets(control)
    )
    return _write(text, args.out, rows)


def _redis(plan: Plan) -> dict | None:
    missing = redis_bench.missing()
    if missing:
        print(f"(g) skipped: {missing}", flush=True)
        return None
    print("(g) sessions in Redis: MemoryStore, RedisStore, RedisStore on two workers ...", flush=True)
    return redis_bench.memory_vs_redis(plan.redis_rounds, plan.redis_seconds, plan.http_connections)


def _page(plan: Plan) -> dict | None:
    missing = page_bench.available()
    if missing:
        print(f"(h), (i) skipped: {missing}", flush=True)
        return None
    print("(h), (i) the page in headless Chromium: loading, and playing at 60 frames/s ...", flush=True)
    with running_server() as server:
        return page_bench.page_bench(server.url, plan.page_rounds, plan.play_rate, plan.page_seconds)


def _write(text: str, out: str, rows) -> int:
    if out == "-":
        sys.stdout.write(text)
    else:
        Path(out).write_text(text)
        print(f"wrote {out}")
    print(report.summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
