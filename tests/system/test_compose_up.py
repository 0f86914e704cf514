"""compose.yaml brought up for real: Redis, three app replicas and nginx, with podman-compose.

Debian bookworm's podman-compose (1.0.3) runs the file with rootful podman and runc, as
tests/system/test_container.py runs the image. No image registry is reachable here: the
images compose.yaml pulls are stood in for by Debian root file systems
(scripts/compose-test-images.sh), and podman-compose builds the app's image from the
Dockerfile on the stand-ins of its base images (scripts/container-test-images.sh). A browser
steps a session through nginx, a replica is killed, and the run goes on: the next replica
reads the session from Redis.

Two things podman-compose 1.0.3 leaves out, the test does as compose.yaml asks: it creates
the network with the file's ipam (1.0.3 creates networks without it), and it runs the
services' health checks itself until they pass (podman runs them from systemd timers,
which this machine lacks). 1.0.3 starts the services in depends_on's order without
waiting for `condition: service_healthy`; nginx's `resolve` finds the replicas as their
names appear.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.live_server import free_port
from tests.system.test_container import IN_CI, RUNTIME, podman, registry_access, why_podman_cannot_run

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "compose.yaml"
COMPOSE = yaml.safe_load(COMPOSE_FILE.read_text())
PREFIX = "bpe-compose-test-"  # every project this test starts, so a later run finds leftovers
# compose.yaml fixes the network's addresses: one run at a time on a machine.
LOCK = Path(tempfile.gettempdir()) / "backprop-explainer-compose-test.lock"
STEPS_BEFORE, STEPS_AFTER = 3, 6  # after the kill: twice round the replicas


@dataclass
class Stack:
    project: str
    url: str  # nginx, published on a free loopback port

    def container(self, service: str, number: int = 1) -> str:
        return f"{self.project}_{service}_{number}"


def why_compose_cannot_run() -> str | None:
    reason = why_podman_cannot_run()
    if reason:
        return reason
    if not shutil.which("podman-compose"):
        return "podman-compose is not installed (`make system-deps` installs it)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (`make system-deps` installs it)"
    backend = podman("info", "--format", "{{.Host.NetworkBackend}}", check=False).stdout.strip()
    if backend == "cni" and not Path("/usr/lib/cni/dnsname").exists():
        # Without it, containers on a CNI network find each other by no name.
        return "golang-github-containernetworking-plugin-dnsname is not installed (`make system-deps`)"
    return None


def compose(project: str, *args: str, env: dict[str, str] | None = None, timeout: float = 300):
    command = ["podman-compose", "-f", str(COMPOSE_FILE), "-p", project, *args]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


def containers(project: str) -> list[str]:
    label = f"label=io.podman.compose.project={project}"
    return podman("ps", "--all", "--filter", label, "--format", "{{.Names}}").stdout.split()


def remove_leftovers() -> None:
    """What runs of this test that were killed left behind: their containers, networks and volumes."""
    listed = podman("ps", "--all", "--format", "{{.Names}}").stdout.split()
    stale = [name for name in listed if name.startswith(PREFIX)]
    if stale:
        podman("rm", "--force", "--time", "1", *stale, check=False, timeout=120)
    for kind in ("network", "volume"):
        names = podman(kind, "ls", "--format", "{{.Name}}").stdout.split()
        stale = [name for name in names if name.startswith(PREFIX)]
        if stale:
            podman(kind, "rm", "--force", *stale, check=False, timeout=120)


def stand_in_images() -> None:
    pulled = sorted({s["image"] for s in COMPOSE["services"].values() if "build" not in s})
    for script, args in (("compose-test-images.sh", pulled), ("container-test-images.sh", ["Dockerfile"])):
        command = ["bash", str(ROOT / "scripts" / script), *args]
        made = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1200)
        assert made.returncode == 0, f"{script}:\n{made.stderr[-4000:]}"


def build(project: str, workdir: Path) -> None:
    # As test_container.py builds: chroot isolation, Docker format (keeps HEALTHCHECK), the
    # registries reached as this machine reaches them.
    options = ["--pull=never", "--format=docker", "--isolation=chroot", *registry_access(workdir)]
    built = compose(project, "--podman-build-args", shlex.join(options), "build", "app", timeout=1200)
    # podman-compose 1.0.3 exits 0 whatever podman said; it prints podman's exit code.
    codes = re.findall(r"^exit code: (\d+)$", built.stdout, re.MULTILINE)
    assert codes == ["0"], f"podman build:\n{built.stdout[-4000:]}\n{built.stderr[-4000:]}"


def create_network(project: str) -> None:
    """The network as compose.yaml describes it; podman-compose then uses it as it is."""
    (name,) = COMPOSE["networks"]
    (ipam,) = COMPOSE["networks"][name]["ipam"]["config"]
    options = {"--subnet": ipam["subnet"], "--gateway": ipam["gateway"], "--ip-range": ipam["ip_range"]}
    label = f"io.podman.compose.project={project}"
    created = podman(
        "network", "create", *[x for pair in options.items() for x in pair], "--label", label,
        f"{project}_{name}", check=False,
    )  # fmt: skip
    assert created.returncode == 0, f"the compose network (is another compose.yaml up?):\n{created.stderr}"


def wait_until_healthy(names: list[str], limit: float = 120) -> None:
    waiting = set(names)
    deadline = time.monotonic() + limit
    while waiting and time.monotonic() < deadline:
        for name in sorted(waiting):
            if podman("healthcheck", "run", name, check=False).returncode == 0:
                waiting.discard(name)
        time.sleep(0.5)
    logs = {name: podman("logs", "--tail", "20", name, check=False) for name in waiting}
    assert not waiting, "\n".join(f"{n} is not healthy:\n{r.stdout}{r.stderr}" for n, r in logs.items())


def tear_down(project: str) -> None:
    compose(project, "down", "--volumes", timeout=180)
    left = containers(project)
    if left:
        podman("rm", "--force", "--time", "1", *left, check=False, timeout=120)
    for network in COMPOSE["networks"]:
        podman("network", "rm", "--force", f"{project}_{network}", check=False)
    for volume in COMPOSE["volumes"]:
        podman("volume", "rm", "--force", f"{project}_{volume}", check=False)


@contextlib.contextmanager
def one_run_at_a_time() -> Iterator[None]:
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    reason = why_compose_cannot_run()
    if reason and IN_CI:
        pytest.fail(f"CI must bring compose.yaml up, but {reason}")
    if reason:
        pytest.skip(reason)
    project = f"{PREFIX}{uuid.uuid4().hex[:8]}"
    port = free_port()
    with one_run_at_a_time():
        remove_leftovers()
        stand_in_images()
        build(project, tmp_path_factory.mktemp("registries"))
        try:
            create_network(project)
            # runc and the limits this sandbox grants, for every container podman-compose runs.
            run_args = shlex.join(RUNTIME)
            publish = {"EXPLAINER_PUBLISH": f"127.0.0.1:{port}"}
            up = compose(project, "--podman-run-args", run_args, "up", "-d", env=publish)
            names = containers(project)
            expected = {*replicas(Stack(project, "")), f"{project}_redis_1", f"{project}_nginx_1"}
            assert set(names) == expected, f"{names}\n{up.stdout[-3000:]}\n{up.stderr[-3000:]}"
            wait_until_healthy(names)
            yield Stack(project, f"http://127.0.0.1:{port}")
        finally:
            tear_down(project)


def replicas(stack: Stack) -> list[str]:
    count = COMPOSE["services"]["app"]["deploy"]["replicas"]
    return [stack.container("app", n) for n in range(1, count + 1)]


def address(name: str) -> str:
    networks = json.loads(podman("inspect", "--format", "{{json .NetworkSettings.Networks}}", name).stdout)
    (settings,) = networks.values()
    return settings["IPAddress"]


def served(stack: Stack) -> list[tuple[str, int, list[str]]]:
    """Each request nginx passed on: its request line, its status and the replicas tried, in order."""
    logged = podman("logs", stack.container("nginx")).stdout.splitlines()
    found = [re.search(r'"(.*?)" (\d{3}) .* upstream=(.*?) upstream_status=', line) for line in logged]
    return [(m[1], int(m[2]), m[3].split(", ")) for m in found if m]


def step_requests(requests: list[tuple[str, int, list[str]]]) -> list[tuple[str, int, list[str]]]:
    return [r for r in requests if r[0].startswith("POST /api/sessions/~/step ")]


def test_every_service_runs_and_the_replicas_trust_only_container_addresses(stack: Stack) -> None:
    assert httpx.get(f"{stack.url}/readyz", trust_env=False).status_code == 200
    app = COMPOSE["services"]["app"]["environment"]
    trusted = ipaddress.ip_network(app["TRUSTED_PROXIES"])
    assert app["FORWARDED_ALLOW_IPS"] == app["TRUSTED_PROXIES"]
    (ipam,) = COMPOSE["networks"]["explainer"]["ipam"]["config"]
    assert ipam["gateway"] in podman("network", "inspect", f"{stack.project}_explainer").stdout
    assert ipaddress.ip_address(address(stack.container("nginx"))) in trusted
    assert ipaddress.ip_address(ipam["gateway"]) not in trusted


def test_a_browser_steps_through_nginx_and_the_run_outlives_a_replica(stack: Stack) -> None:
    # Playwright's sync API runs an event loop of its own in the thread that starts it, and
    # the e2e tests' browser, kept for the whole session, holds this thread's.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(steps_through_a_replica_kill, stack).result()


def steps_through_a_replica_kill(stack: Stack) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
        page = context.new_page()
        trouble: list[str] = []
        page.on("pageerror", lambda e: trouble.append(f"page error: {e}"))
        page.on("console", lambda m: m.type == "error" and trouble.append(f"console: {m.text}"))
        page.on("requestfailed", lambda r: trouble.append(f"failed: {r.method} {r.url}"))
        page.on("response", lambda r: r.status >= 400 and trouble.append(f"{r.status}: {r.url}"))
        page.goto(stack.url + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        session = page.evaluate("document.body.dataset.session")

        def step(times: int) -> None:
            for _ in range(times):
                shown = int(page.locator("#step-count").text_content())
                page.click("#step")
                page.wait_for_function(
                    "(n) => document.querySelector('#step-count').textContent === String(n)", arg=shown + 1
                )

        step(STEPS_BEFORE)
        before = served(stack)
        assert len({tried[-1] for _, _, tried in before}) > 1, before  # spread over the replicas
        # The replica of the last step goes, as a container dies: SIGKILL, no goodbye.
        last = step_requests(before)[-1][2][-1]
        killed = next(name for name in replicas(stack) if f"{address(name)}:8000" == last)
        podman("kill", killed)
        step(STEPS_AFTER)

        assert page.locator("#step-count").text_content() == str(STEPS_BEFORE + STEPS_AFTER)
        assert page.evaluate("document.body.dataset.session") == session  # the same run, from Redis
        assert page.locator("#notice").is_hidden()
        assert trouble == []
        after = served(stack)[len(before) :]
        assert [status for _, status, _ in step_requests(after)] == [200] * STEPS_AFTER, after
        assert all(status < 400 for _, status, _ in after), after
        assert all(tried[-1] != last for _, _, tried in after), after  # tried at most, then the next
        saved = httpx.get(f"{stack.url}/api/sessions/{session}", trust_env=False).json()
        assert saved["state"]["step"] == STEPS_BEFORE + STEPS_AFTER
