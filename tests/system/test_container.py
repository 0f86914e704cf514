"""The Docker image, built and run for real, with no Docker engine.

podman builds the Dockerfile daemonless and runs the image with runc. No image
registry is reachable from these machines, so the Dockerfile's base images are
stood in for by Debian root file systems bootstrapped locally
(scripts/container-test-images.sh). The first run takes a few minutes; later
runs reuse the cached stand-ins and podman's layer cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "localhost/backprop-explainer:test"
PORT = 8080  # not the default, to show that PORT moves both the server and its health check
MAX_SESSIONS = 2
# What podman needs on these machines: runc rather than crun, and limits that
# runc can set inside this sandbox.
RUNTIME = ["--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


def podman(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"podman {' '.join(args[:2])} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def why_podman_cannot_run() -> str | None:
    if not sys.platform.startswith("linux"):
        return "podman containers need Linux"
    if os.geteuid() != 0:
        return "the stand-in base images need root (debootstrap and rootful podman)"
    system_path = f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"
    for tool in ("podman", "runc", "debootstrap"):
        if not shutil.which(tool, path=system_path):
            return f"{tool} is not installed (`make system-deps` installs it)"
    if not shutil.which("npm"):
        return "npm is not installed (the stand-in node image takes npm from the npm registry)"
    info = subprocess.run(["podman", "info"], capture_output=True, text=True, timeout=60)
    if info.returncode != 0:
        return f"`podman info` fails: {info.stderr.strip()[-500:]}"
    return None


def pip_config() -> dict[str, str]:
    """pip's settings on this machine; environment variables win over files, as in pip."""
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60
    ).stdout
    from_files, from_env = {}, {}
    for line in listing.splitlines():
        name, _, value = line.partition("=")
        scope, _, key = name.rpartition(".")
        (from_env if scope == ":env:" else from_files)[key] = value.strip("'\"")
    return from_files | from_env


def npm_config() -> dict[str, object]:
    listing = subprocess.run(["npm", "config", "list", "--json"], capture_output=True, text=True, timeout=60)
    return json.loads(listing.stdout) if listing.returncode == 0 else {}


def registry_access(workdir: Path) -> list[str]:
    """podman build options that let pip and npm in the build reach their registries as they do here.

    The host may reach them through a TLS-inspecting gateway or a mirror; the build
    then needs the same CA bundle and addresses. They go in as the Dockerfile's
    optional build secrets, mounted for the install steps only and never stored.
    Proxy variables (HTTPS_PROXY and the like) podman build passes on by itself.
    """
    pip, npm = pip_config(), npm_config()
    # Certificates added to this machine's trust store are in Debian's system bundle.
    extra_cas = any(Path("/usr/local/share/ca-certificates").glob("**/*.crt"))
    system_bundle = "/etc/ssl/certs/ca-certificates.crt" if extra_cas else None
    ca_candidates = [pip.get("cert"), npm.get("cafile"), system_bundle]
    bundle = next((ca for ca in ca_candidates if isinstance(ca, str) and Path(ca).is_file()), None)
    pip_lines, npm_lines = ["[global]"], []
    if bundle:
        pip_lines.append("cert = /tmp/build-ca.crt")
        npm_lines.append("cafile=/tmp/build-ca.crt")

    for key in ("index-url", "extra-index-url"):
        # Local file indexes of this machine do not exist inside the build.
        urls = [url for url in pip.get(key, "").split() if url.startswith(("http://", "https://"))]
        if urls:
            pip_lines.append(f"{key} = {' '.join(urls)}")
    for key in ("trusted-host", "proxy", "timeout", "default-timeout", "retries"):
        if pip.get(key):
            pip_lines.append(f"{key} = {pip[key]}")
    for key in ("registry", "proxy", "https-proxy", "noproxy", "strict-ssl"):
        value = npm.get(key)
        if isinstance(value, list):
            value = ",".join(item for item in value if item)
        if isinstance(value, bool):
            value = "true" if value else "false"
        if value:
            npm_lines.append(f"{key}={value}")

    (workdir / "pip.conf").write_text("\n".join(pip_lines) + "\n")
    (workdir / "npmrc").write_text("\n".join(npm_lines) + "\n")
    secrets = {"pip.conf": workdir / "pip.conf", "npmrc": workdir / "npmrc", "build-ca": bundle}
    return [f"--secret=id={name},src={src}" for name, src in secrets.items() if src]


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> str:
    reason = why_podman_cannot_run()
    if reason and IN_CI:
        pytest.fail(f"CI must build and run the container, but {reason}")
    if reason:
        pytest.skip(reason)

    standins = subprocess.run(
        ["bash", str(ROOT / "scripts/container-test-images.sh"), str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert standins.returncode == 0, f"stand-in base images:\n{standins.stderr[-4000:]}"

    # chroot isolation: RUN steps need no network namespace or cgroup limits, which this
    # sandbox does not grant; they share the host's network. Docker format keeps the
    # HEALTHCHECK, which OCI images drop.
    podman(
        "build",
        "--pull=never",
        "--format=docker",
        "--isolation=chroot",
        "--tag",
        IMAGE,
        *registry_access(tmp_path_factory.mktemp("registries")),
        str(ROOT),
        timeout=1200,
    )
    return IMAGE


@pytest.fixture(scope="module")
def container(image: str) -> Iterator[tuple[str, str]]:
    """A running container, healthy by its own HEALTHCHECK, and its address as seen from this host."""
    name = f"backprop-explainer-test-{uuid.uuid4().hex[:8]}"
    settings = {"PORT": str(PORT), "MAX_SESSIONS": str(MAX_SESSIONS)}
    env = [arg for key, value in settings.items() for arg in ("--env", f"{key}={value}")]
    # Publishing on a port podman picks keeps parallel runs and other servers apart.
    podman("run", "--detach", "--name", name, *RUNTIME, *env, "--publish", f"127.0.0.1::{PORT}", image)
    try:
        host_port = podman("port", name, str(PORT)).stdout.strip().rsplit(":", 1)[1]
        wait_until_healthy(name)
        yield name, f"http://127.0.0.1:{host_port}"
    finally:
        podman("rm", "--force", "--time", "5", name, check=False)


def wait_until_healthy(name: str, limit: float = 90) -> None:
    # podman runs health checks from systemd timers, which this machine lacks, so
    # the test runs the image's HEALTHCHECK command itself until it passes.
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        running = podman("inspect", "--format", "{{.State.Running}}", name).stdout.strip()
        if running != "true":
            logs = podman("logs", name, check=False)
            pytest.fail(f"the container stopped:\n{logs.stdout[-3000:]}\n{logs.stderr[-3000:]}")
        if podman("healthcheck", "run", name, check=False).returncode == 0:
            return
        time.sleep(0.5)
    logs = podman("logs", name, check=False)
    pytest.fail(f"no healthy state within {limit:.0f} s:\n{logs.stdout[-3000:]}\n{logs.stderr[-3000:]}")


def test_health_check_reports_healthy(container: tuple[str, str]) -> None:
    name, url = container
    assert podman("inspect", "--format", "{{.State.Health.Status}}", name).stdout.strip() == "healthy"
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}


def test_a_session_is_created_and_stepped(container: tuple[str, str]) -> None:
    _, url = container
    created = httpx.post(f"{url}/api/sessions", json={"dataset": "xor", "seed": 3})
    assert created.status_code == 201, created.text
    session = created.json()["id"]
    stepped = httpx.post(f"{url}/api/sessions/{session}/step", json={"n": 1})
    assert stepped.status_code == 200, stepped.text
    body = stepped.json()
    assert body["state"]["step"] == 1
    assert len(body["losses"]) == 1
    assert {"delta_A", "delta_B", "grad_A", "grad_B"} <= body["trace"].keys()


def test_the_page_and_everything_it_links_are_served(container: tuple[str, str]) -> None:
    _, url = container
    page = httpx.get(f"{url}/")
    assert page.status_code == 200
    assert "Backprop Explainer" in page.text
    # The vendor files and the bundled script come from the front-end build stage, the rest from static/.
    assets = set(re.findall(r'(?:href|src)="(/(?:vendor|static|bundle)/[^"]+)"', page.text))
    assert any(asset.startswith("/vendor/katex/") for asset in assets), assets
    assert "/bundle/main.js" in assets, assets  # built in the image from the static/ it ships
    for asset in sorted(assets):
        assert httpx.get(f"{url}{asset}").status_code == 200, asset


def test_settings_come_from_the_environment(container: tuple[str, str]) -> None:
    _, url = container
    ids = [httpx.post(f"{url}/api/sessions", json={}).json()["id"] for _ in range(MAX_SESSIONS + 1)]
    # MAX_SESSIONS=2: the third session pushes out the least recently used one.
    assert httpx.get(f"{url}/api/sessions/{ids[0]}").status_code == 404
    assert httpx.get(f"{url}/api/sessions/{ids[-1]}").status_code == 200


def test_runs_unprivileged_without_development_files(container: tuple[str, str]) -> None:
    name, _ = container
    assert podman("exec", name, "id", "-u").stdout.strip() != "0"
    shipped = set(podman("exec", name, "ls", "-A").stdout.split())
    assert {"app", "templates", "static", "node_modules", "build"} <= shipped
    # The bundling stage's tools (esbuild and its binary) and the test tools stay out: no package of theirs.
    found = podman("exec", name, "find", "node_modules", "-maxdepth", "3", "-name", "package.json")
    parts = [line.split("/") for line in found.stdout.split()]
    names = {p[1] for p in parts if len(p) == 3}
    names |= {f"{p[1]}/{p[2]}" for p in parts if len(p) == 4 and p[1].startswith("@")}
    assert names >= {"katex", "uplot", "qrcode-generator"}, found.stdout
    assert not {n for n in names if "esbuild" in n or n == "axe-core"}, names
    assert not shipped & {"tests", ".git", ".venv", "bench", "scripts", "pyproject.toml"}, shipped
    leftovers = podman("exec", name, "find", ".", "-name", "__pycache__", "-o", "-name", "*.pyc").stdout
    assert leftovers == ""
