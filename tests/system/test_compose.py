"""compose.yaml holds together: Redis that keeps its data, app replicas that use it, and nginx
running the very configuration that tests/system/test_nginx.py runs, pointed at the port the
image listens on. No container engine is needed: the file is read, and nginx checks its part.
"""

from __future__ import annotations

import ipaddress
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.nginx_server import CONF, CONF_DIR, nginx_test, temporary_prefix, upstream_lines, write_prefix

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
LISTEN = CONF_DIR / "compose-listen.conf"
UPSTREAM = CONF_DIR / "compose-upstream.conf"


def nginx_mounts() -> dict[Path, str]:
    """What compose mounts into nginx: each file of this repository and where it goes."""
    mounts = {}
    for volume in SERVICES["nginx"]["volumes"]:
        source, target, *options = volume.split(":")
        assert options == ["ro"], f"{volume}: nginx's configuration is mounted read-only"
        mounts[(ROOT / source).resolve()] = target
    return mounts


def image_port() -> int:
    """The port the image's server listens on: its PORT, since its CMD names none."""
    lines = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text()).splitlines()
    cmd = next(line for line in lines if line.startswith("CMD "))
    assert "--port" not in cmd, cmd
    env = " ".join(line for line in lines if line.startswith("ENV "))
    port = int(re.search(r"\bPORT=(\d+)", env)[1])
    assert "PORT" not in SERVICES["app"].get("environment", {}), "compose keeps the image's port"
    return port


def nginx_args() -> list[str]:
    """nginx's command line: what the entrypoint's shell runs after it wrote the resolver."""
    entrypoint = SERVICES["nginx"]["entrypoint"]
    assert entrypoint[:2] == ["sh", "-c"] and entrypoint[2].rstrip().endswith('exec nginx "$$@"')
    assert entrypoint[3] == "nginx"  # the script's $0; what follows is its "$@"
    return ["nginx", *entrypoint[4:], *SERVICES["nginx"].get("command", [])]


def nginx_option(flag: str) -> str:
    args = nginx_args()
    return args[args.index(flag) + 1]


def test_the_three_services_each_with_a_health_check() -> None:
    assert set(SERVICES) == {"redis", "app", "nginx"}
    for name, service in SERVICES.items():
        check = service["healthcheck"]["test"]
        # A string is run by the container's shell (CMD-SHELL), as for the app's replicas.
        assert isinstance(check, str) or check[0] == "CMD", name


def test_redis_keeps_its_data_on_a_named_volume() -> None:
    redis = SERVICES["redis"]
    assert redis["image"].split(":")[0] == "redis" and redis["image"].split(":")[1].startswith("7")
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    volume, target = redis["volumes"][0].split(":")
    assert target == "/data" and volume in COMPOSE["volumes"]
    assert redis["healthcheck"]["test"][1:] == ["redis-cli", "ping"]


def test_the_app_replicas_share_redis_and_report_readiness() -> None:
    app = SERVICES["app"]
    assert app["build"] == "." and (ROOT / "Dockerfile").is_file()
    assert app["environment"]["REDIS_URL"] == "redis://redis:6379/0"  # the redis service, by name
    assert app["deploy"]["replicas"] >= 2
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    check = app["healthcheck"]["test"]
    # podman-compose 1.0.3 (Debian bookworm's) takes a list's first item away for the first
    # replica; a string it passes on whole to each.
    assert isinstance(check, str) and check.startswith("python -c ")
    assert "/readyz" in check and "PORT" in check  # the image has python, not curl
    assert "ports" not in app, "replicas are reached through nginx only"


def test_the_app_trusts_x_forwarded_for_from_the_containers_not_the_gateway() -> None:
    (ipam,) = COMPOSE["networks"]["explainer"]["ipam"]["config"]
    network = ipaddress.ip_network(ipam["subnet"])
    containers = ipaddress.ip_network(ipam["ip_range"])  # where nginx's address comes from
    gateway = ipaddress.ip_address(ipam["gateway"])  # where connections published from the host come from
    assert containers.subnet_of(network) and gateway in network and gateway not in containers
    assert SERVICES["nginx"]["networks"] == ["explainer"]
    for setting in ("TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"):
        trusted = [ipaddress.ip_network(n) for n in SERVICES["app"]["environment"][setting].split(",")]
        assert trusted == [containers], setting


def test_nginx_runs_the_tested_configuration_unprivileged() -> None:
    nginx = SERVICES["nginx"]
    mounts = nginx_mounts()
    conf = Path(mounts[CONF.resolve()])  # the file tests/nginx_server.py starts nginx with
    assert nginx_option("-c") == str(conf)
    # listen.conf and upstream.conf go beside it, where its include directives look.
    assert mounts[LISTEN.resolve()] == str(conf.parent / "listen.conf")
    assert mounts[UPSTREAM.resolve()] == str(conf.parent / "upstream.conf")
    assert nginx_option("-p").rstrip("/") in nginx["tmpfs"]  # where it writes, all it writes
    assert nginx["read_only"] is True
    assert nginx["user"].split(":")[0] not in ("0", "root")
    assert nginx["depends_on"]["app"]["condition"] == "service_healthy"


def test_nginx_listens_where_compose_publishes() -> None:
    listen = re.search(r"^listen (\d+);", LISTEN.read_text(), re.MULTILINE)
    published = {port.split(":")[-1] for port in SERVICES["nginx"]["ports"]}
    # The host's side may be moved (EXPLAINER_PUBLISH), and is 8080 unless it is.
    assert SERVICES["nginx"]["ports"] == ["${EXPLAINER_PUBLISH:-8080}:8080"]
    assert published == {listen[1]}
    assert f"127.0.0.1:{listen[1]}/" in " ".join(SERVICES["nginx"]["healthcheck"]["test"])


def test_the_upstream_is_the_app_service_on_the_image_port() -> None:
    lines = [line for line in UPSTREAM.read_text().splitlines() if line and not line.startswith("#")]
    servers = [line.split()[1] for line in lines if line.startswith("server ")]
    assert servers == [f"app:{image_port()}"]
    # `resolve` keeps the replicas' addresses current; nginx has it from 1.27.3 on.
    assert "resolve" in next(line for line in lines if line.startswith("server ")).split()
    # The engine's DNS, whichever address it has (Docker's 127.0.0.11, podman's on the
    # gateway): the entrypoint writes the resolver there.
    assert "include /tmp/resolver.conf;" in lines
    assert (
        'echo "resolver $$address valid=10s ipv6=off;" >/tmp/resolver.conf'
        in (SERVICES["nginx"]["entrypoint"][2])
    )
    version = tuple(int(part) for part in SERVICES["nginx"]["image"].split(":")[1].split("."))
    assert version >= (1, 27, 3), version


def test_nginx_accepts_the_compose_configuration() -> None:
    # nginx -t resolves every upstream host, and the Debian nginx here predates `resolve`:
    # a stand-in upstream.conf, with the very nginx.conf and compose-listen.conf.
    with temporary_prefix() as prefix:
        conf = write_prefix(prefix, LISTEN.read_text(), upstream_lines(["127.0.0.1:9"]))
        checked = nginx_test(conf)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@pytest.mark.parametrize(
    ("resolv_conf", "resolver"),
    [
        ("nameserver 127.0.0.11\noptions ndots:0\n", "127.0.0.11"),  # Docker's
        ("search dns.podman\nnameserver 172.31.240.1\nnameserver 10.0.0.53\n", "172.31.240.1"),  # podman's
        ("nameserver fd00::1\n", "[fd00::1]"),
    ],
)
def test_nginx_asks_the_first_name_server_the_engine_gave(tmp_path, resolv_conf, resolver) -> None:
    (tmp_path / "resolv.conf").write_text(resolv_conf)
    script = SERVICES["nginx"]["entrypoint"][2].replace("$$", "$")  # compose's escape for a $
    script = script.replace("/etc/resolv.conf", str(tmp_path / "resolv.conf"))
    script = script.replace("/tmp/resolver.conf", str(tmp_path / "resolver.conf"))
    script = script.replace("exec nginx", "exec echo")
    command = ["sh", "-c", script, "nginx", "-p", "/tmp/"]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=10)
    assert ran.returncode == 0 and ran.stdout == "-p /tmp/\n", ran  # nginx gets the arguments as they came
    assert (tmp_path / "resolver.conf").read_text() == f"resolver {resolver} valid=10s ipv6=off;\n"
