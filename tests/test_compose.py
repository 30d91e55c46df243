"""docker-compose.yml, the Dockerfile and the PostgreSQL init script agree with the code (no engine needed).

The files are parsed, not run: services, profiles, healthchecks, commands (real ``doclisten`` subcommands
of the click group), environment (documented and read by the code), secrets (none), dependencies and the
demo profile's ports are checked against the source of truth each of them refers to.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import pytest
import yaml

from doclisten.cli.main import main as cli_main
from doclisten.config import Config, env_flag

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DEMO_FILE = ROOT / "docker-compose.demo.yml"
DOCKERFILE = ROOT / "Dockerfile"
INIT_DIR = ROOT / "deploy" / "postgres"
ANALYST = "doclisten_analyst"
READONLY = "doclisten_readonly"  # the NOLOGIN role `doclisten sql` runs statements as (pipelines/analyst/pg_readonly.py)

CORE = ("redis", "postgres", "migrate", "scheduler", "worker")
DEMO = ("demo-site", "demo-seed")
# services that run the image's ENTRYPOINT (doclisten) with `command` as the subcommand
APP_COMMANDS = {
    "migrate": ["migrate"],
    "scheduler": ["scheduler"],
    "worker": ["worker"],
    "demo-seed": ["sources", "add"],
}
REF = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?[-?+][^}]*)?\}")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), path
    return data


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load(COMPOSE_FILE)


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def demo_override() -> dict[str, Any]:
    return load(DEMO_FILE)


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def as_list(value: str | list[Any] | None) -> list[str]:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, args = line.partition(" ")
            out.append((keyword.upper(), args.strip()))
    return out


def dockerfile_entrypoint() -> list[str]:
    entrypoints = [args for kw, args in dockerfile_instructions() if kw == "ENTRYPOINT"]
    assert entrypoints, "Dockerfile has no ENTRYPOINT"
    return json.loads(entrypoints[-1])  # exec form: signals reach doclisten


def argv(service: dict[str, Any]) -> list[str]:
    """What the container runs: its entrypoint (the Dockerfile's unless overridden) + command."""
    entrypoint = as_list(service["entrypoint"]) if "entrypoint" in service else dockerfile_entrypoint()
    return entrypoint + as_list(service.get("command"))


def duration_seconds(value: str | int) -> float:
    if isinstance(value, int):
        return value / 1e6  # compose reads bare integers as microseconds
    units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", value)
    assert parts and "".join(n + u for n, u in parts) == value, f"not a compose duration: {value!r}"
    return sum(float(n) * units[u] for n, u in parts)


def scalars(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from scalars(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from scalars(value, f"{path}[{index}]")
    elif node is not None:
        yield path, str(node)


# ---------------------------------------------------------------------------- services and profiles


def test_services_and_profiles(services: dict[str, dict[str, Any]], compose: dict[str, Any]) -> None:
    assert set(CORE + DEMO) <= set(services)
    for name in CORE:
        assert not services[name].get("profiles"), f"{name} must start without a profile"
    for name in DEMO:
        assert services[name].get("profiles") == ["demo"], name
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = (volume.split(":")[0] if isinstance(volume, str) else volume.get("source")) or ""
            if not source.startswith((".", "/")):
                assert source in declared, f"{name}: named volume {source!r} is not declared"


def test_redis_is_persistent_and_never_evicts(services: dict[str, dict[str, Any]]) -> None:
    redis = services["redis"]
    assert redis["image"].split(":")[0] == "redis" and redis["image"].split(":")[1].startswith("7")
    command = as_list(redis["command"])
    options = dict(zip(command[1::2], command[2::2], strict=False)) if command[0] == "redis-server" else {}
    assert options.get("--appendonly") == "yes", command
    assert options.get("--maxmemory-policy") == "noeviction", command
    assert any(str(v).split(":")[1] == "/data" for v in redis["volumes"])
    assert "redis-cli" in as_list(redis["healthcheck"]["test"]) and "ping" in as_list(
        redis["healthcheck"]["test"]
    )


def test_postgres_volume_healthcheck_and_init_script(services: dict[str, dict[str, Any]]) -> None:
    pg = services["postgres"]
    assert pg["image"].split(":")[0] == "postgres" and pg["image"].split(":")[1].startswith("16")
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in pg["volumes"]}
    assert "/var/lib/postgresql/data" in mounts
    init_source = mounts["/docker-entrypoint-initdb.d"]
    assert (ROOT / init_source).resolve() == INIT_DIR.resolve()
    assert "pg_isready" in as_list(pg["healthcheck"]["test"])
    env = environment(pg)
    assert REF.fullmatch(env["POSTGRES_PASSWORD"]) and "POSTGRES_PASSWORD" in env["POSTGRES_PASSWORD"]
    assert REF.fullmatch(env["ANALYST_PASSWORD"]) and "ANALYST_PASSWORD" in env["ANALYST_PASSWORD"]
    assert REF.fullmatch(env["APP_PASSWORD"]) and "APP_PASSWORD" in env["APP_PASSWORD"]


# ---------------------------------------------------------------------------- the analyst role


def init_scripts() -> list[Path]:
    return sorted(p for p in INIT_DIR.iterdir() if p.suffix in (".sh", ".sql"))


def sql_statements(text: str) -> list[str]:
    """The SQL of the init scripts: psql here-documents of the shell scripts, whole .sql files."""
    text = "\n".join(re.findall(r"<<'SQL'\n(.*?)\nSQL\n", text, re.S)) or text
    text = re.sub(r"--[^\n]*", "", text)
    return [" ".join(s.split()) for s in re.split(r";|\\gexec", text) if s.strip()]


def init_statements() -> tuple[str, list[str]]:
    scripts = init_scripts()
    assert scripts, f"no init script in {INIT_DIR}"
    return "\n".join(p.read_text() for p in scripts), [
        s for p in scripts for s in sql_statements(p.read_text())
    ]


def grants_to(role: str, statements: list[str]) -> list[str]:
    return [s for s in statements if re.search(rf"\bGRANT\b.*\bTO {role}\b", s, re.I)]


def assert_reads_only(role: str, statements: list[str], member_of: set[str]) -> None:
    grants = grants_to(role, statements)
    assert grants, role
    for statement in grants:
        privileges = re.search(r"\bGRANT (.+?) ON ", statement, re.I)
        if privileges is None:  # role membership: only in the read-only role
            granted_role = re.search(r"\bGRANT (\S+) TO ", statement, re.I)
            assert granted_role and granted_role.group(1).lower() in member_of, f"grants a role: {statement}"
            continue
        granted = {p.strip().upper() for p in privileges.group(1).split(",")}
        assert granted <= {"SELECT", "CONNECT", "USAGE"}, statement
        assert "WITH GRANT OPTION" not in statement.upper(), statement
    flat = " ".join(statements).upper()
    assert re.search(
        rf"ALTER DEFAULT PRIVILEGES .*IN SCHEMA PUBLIC GRANT SELECT ON TABLES TO {role.upper()}", flat
    )
    assert f"GRANT USAGE ON SCHEMA PUBLIC TO {role.upper()}" in flat


def role_attributes(role: str, statements: list[str]) -> str:
    return " ".join(s.upper() for s in statements if re.match(rf"(CREATE|ALTER) ROLE {role}\b", s, re.I))


def test_analyst_role_is_read_only() -> None:
    text, statements = init_statements()
    assert_reads_only(ANALYST, statements, member_of={READONLY})
    flat = " ".join(statements).upper()
    analyst = ANALYST.upper()
    assert f"GRANT SELECT ON ALL TABLES IN SCHEMA PUBLIC TO {analyst}" in flat
    assert re.search(rf"GRANT CONNECT ON DATABASE \S+ TO {analyst}", flat)
    assert f"ALTER ROLE {analyst} SET DEFAULT_TRANSACTION_READ_ONLY = ON" in flat
    assert f"GRANT {READONLY.upper()} TO {analyst}" in flat  # so `doclisten sql` works as the analyst
    for attribute in ("SUPERUSER", "CREATEDB", "CREATEROLE", "REPLICATION", "BYPASSRLS"):
        assert not re.search(rf"(?<!NO){attribute}", flat), attribute
    # the passwords come from the environment, never from the files
    assert "$ANALYST_PASSWORD" in text or "${ANALYST_PASSWORD" in text
    assert not re.search(r"PASSWORD\s+'", text, re.I)


def test_the_sql_commands_role_is_read_only_and_cannot_log_in() -> None:
    _, statements = init_statements()
    assert_reads_only(READONLY, statements, member_of=set())
    attributes = role_attributes(READONLY, statements)
    assert "NOLOGIN" in attributes and not re.search(r"(?<!NO)LOGIN", attributes), attributes


def test_the_app_connects_as_a_role_that_is_not_a_superuser(services: dict[str, dict[str, Any]]) -> None:
    """The official image makes POSTGRES_USER a superuser: the app must connect as another role."""
    text, statements = init_statements()
    app = urlsplit(REF.sub("secret", environment(services["migrate"])["DOCLISTEN_DATABASE_URL"])).username
    pg_env = environment(services["postgres"])
    assert app and app != pg_env["POSTGRES_USER"]
    attributes = role_attributes(app, statements)
    assert "LOGIN" in attributes and "NOSUPERUSER" in attributes, attributes
    for attribute in ("SUPERUSER", "CREATEDB", "CREATEROLE", "REPLICATION", "BYPASSRLS"):
        assert not re.search(rf"(?<!NO){attribute}", attributes), attribute
    flat = " ".join(statements).upper()
    assert re.search(rf"ALTER DATABASE \S+ OWNER TO {app.upper()}", flat)  # it runs the migrations
    assert f"GRANT {READONLY.upper()} TO {app.upper()}" in flat  # `doclisten sql` with the app's URL
    assert re.search(rf"ALTER DEFAULT PRIVILEGES FOR ROLE \S*{app.upper()}\S* ", flat)
    assert "$APP_PASSWORD" in text or "${APP_PASSWORD" in text


# ---------------------------------------------------------------------------- commands


def resolve(tokens: list[str]) -> tuple[click.Command, list[str]]:
    """Walk the click group like the shell would; returns the leaf command and its arguments."""
    command: click.Command = cli_main
    rest = list(tokens)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        assert sub is not None, f"`doclisten {' '.join(tokens)}`: no command {rest[0]!r} in {command.name!r}"
        command, rest = sub, rest[1:]
    return command, rest


@pytest.mark.parametrize("name", sorted(APP_COMMANDS))
def test_app_service_runs_a_real_doclisten_subcommand(name: str, services: dict[str, dict[str, Any]]) -> None:
    # migrate/scheduler/worker land with the scheduler work of issue 4; until then this fails on purpose.
    run = argv(services[name])
    assert run[0] == "doclisten", run
    command, rest = resolve(run[1:])
    assert not isinstance(command, click.Group), f"{run}: a group, not a command"
    assert run[1 : 1 + len(APP_COMMANDS[name])] == APP_COMMANDS[name]
    command.make_context(command.name or name, rest)  # the arguments parse (does not run it)


def test_dockerfile_entrypoint_is_the_console_script() -> None:
    assert dockerfile_entrypoint() == ["doclisten"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["doclisten"] == "doclisten.cli.main:main"


# ---------------------------------------------------------------------------- environment


def compose_env_names(*documents: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for document in documents:
        for service in document["services"].values():
            names |= set(environment(service))
        for _, value in scalars(document):
            names |= set(REF.findall(value))
    return names


def test_app_services_share_the_environment_anchor(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    shared = {str(k): str(v) for k, v in compose["x-doclisten-env"].items()}
    assert set(shared) == {"DOCLISTEN_DATABASE_URL", "DOCLISTEN_REDIS_URL"}
    for name in APP_COMMANDS:
        env = environment(services[name])
        assert {k: env.get(k) for k in shared} == shared, name

    db = urlsplit(REF.sub("secret", shared["DOCLISTEN_DATABASE_URL"]))
    pg_env = environment(services["postgres"])
    assert db.scheme in ("postgresql", "postgresql+psycopg")
    assert (db.hostname, db.port) == ("postgres", 5432)
    assert db.username != pg_env["POSTGRES_USER"] and db.path == "/" + pg_env["POSTGRES_DB"]
    userinfo = shared["DOCLISTEN_DATABASE_URL"].split("://", 1)[1].rsplit("@", 1)[0]
    assert re.fullmatch(r"[a-z_]+:\$\{APP_PASSWORD(?::?[-?][^}]*)?\}", userinfo), userinfo
    redis = urlsplit(shared["DOCLISTEN_REDIS_URL"])
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)


def test_every_doclisten_variable_is_documented_and_read(
    compose: dict[str, Any], demo_override: dict[str, Any]
) -> None:
    import crawler.settings as settings

    doc = (ROOT / "docs" / "configuration.md").read_text()
    names = {n for n in compose_env_names(compose, demo_override) if n.startswith("DOCLISTEN_")}
    assert {"DOCLISTEN_DATABASE_URL", "DOCLISTEN_REDIS_URL", "DOCLISTEN_ALLOW_PRIVATE_NETWORKS"} <= names
    for name in sorted(names):
        assert f"`{name}`" in doc, f"{name} is not documented in docs/configuration.md"
        read_by_config = Config.from_env({name: "1"}) != Config.from_env({})
        assert read_by_config or hasattr(settings, name), f"{name} is read by neither Config nor settings"


def test_other_variables_are_documented_in_deployment(
    compose: dict[str, Any], demo_override: dict[str, Any]
) -> None:
    doc = (ROOT / "docs" / "deployment.md").read_text()
    interpolated = {
        n
        for document in (compose, demo_override)
        for _, value in scalars(document)
        for n in REF.findall(value)
    }
    assert {"POSTGRES_PASSWORD", "APP_PASSWORD", "ANALYST_PASSWORD"} <= interpolated
    for name in interpolated - {n for n in interpolated if n.startswith("DOCLISTEN_")}:
        assert f"`{name}`" in doc, f"{name} is not documented in docs/deployment.md"


def test_no_literal_secrets(compose: dict[str, Any], demo_override: dict[str, Any]) -> None:
    secretish = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY", re.I)
    for document in (compose, demo_override):
        for path, value in scalars(document):
            if secretish.search(path.rsplit(".", 1)[-1]):
                assert REF.fullmatch(value), f"{path}: literal secret; use ${{VAR}}"
            for url in re.findall(r"\b[a-z][a-z0-9+.-]*://\S+", value):
                password = urlsplit(REF.sub("x", url)).password
                if password is not None:
                    assert REF.search(url.split("@", 1)[0]), f"{path}: literal password in {url}"
    for keyword, args in dockerfile_instructions():
        if keyword in ("ENV", "ARG"):
            assert not secretish.search(args), f"secret-looking {keyword} in the Dockerfile: {args}"
    # the allow-list .dockerignore keeps .env files and databases out of the build context
    ignore = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()]
    assert ignore[[i for i, line in enumerate(ignore) if line and not line.startswith("#")][0]] == "*"


# ---------------------------------------------------------------------------- lifecycle


def test_worker_scales_and_stops_gracefully(services: dict[str, dict[str, Any]]) -> None:
    worker = services["worker"]
    replicas = (worker.get("deploy") or {}).get("replicas", worker.get("scale", 1))
    assert int(replicas) >= 2
    assert duration_seconds(worker["stop_grace_period"]) >= 30
    assert worker.get("stop_signal", "SIGTERM") == "SIGTERM"
    assert worker.get("init") is True, "an init as PID 1 forwards SIGTERM to doclisten"
    assert worker["restart"] in ("unless-stopped", "always", "on-failure")
    assert services["scheduler"]["restart"] in ("unless-stopped", "always", "on-failure")
    assert "container_name" not in worker  # would forbid replicas


def test_dependencies_wait_for_health_and_migrations(services: dict[str, dict[str, Any]]) -> None:
    def conditions(name: str) -> dict[str, str]:
        depends = services[name].get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on needs the long form with conditions"
        return {target: spec["condition"] for target, spec in depends.items()}

    healthy, done = "service_healthy", "service_completed_successfully"
    assert conditions("migrate") == {"postgres": healthy}
    for name in ("scheduler", "worker"):
        assert conditions(name) == {"postgres": healthy, "redis": healthy, "migrate": done}, name
    assert conditions("demo-seed")["demo-site"] == healthy
    assert conditions("demo-seed")["migrate"] == done
    for name, service in services.items():
        for target, condition in conditions(name).items():
            assert target in services, f"{name} depends on unknown {target}"
            if condition == healthy:
                assert "healthcheck" in services[target], f"{target} has no healthcheck"
            if condition == done:
                assert services[target].get("restart") == "no", f"{target} must be a one-shot"
            if not service.get("profiles"):
                assert not services[target].get("profiles"), f"{name} needs {target} of a profile"
    for name in ("migrate", "demo-seed"):
        assert services[name]["restart"] == "no", name  # quoted: YAML reads a bare no as False


# ---------------------------------------------------------------------------- Dockerfile


def test_dockerfile_installs_what_compose_needs() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    installs = [args for kw, args in instructions if kw == "RUN" and "pip install" in args]
    assert any(
        re.search(r"""pip install (\S+ )*["']?\.(\[[a-z0-9_,-]+\])?["']?( |$)""", i) for i in installs
    ), installs
    # compose runs PostgreSQL and Redis: their drivers are core dependencies, installed by `pip install .`
    core = pyproject["project"]["dependencies"]
    assert any(d.startswith("psycopg") for d in core), core
    assert any(d.startswith("redis") for d in core), core

    users = [args for kw, args in instructions if kw == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as root"
    assert [kw for kw, _ in instructions].index("USER") < [kw for kw, _ in instructions].index("ENTRYPOINT")

    copied = [
        src
        for kw, args in instructions
        if kw == "COPY" and not args.startswith("--from")
        for src in args.split()[:-1]
    ]
    allowed = {
        line[1:].strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    for src in copied:
        assert (ROOT / src).exists(), src
        assert src.rstrip("/") in allowed, f"{src} is copied but excluded by .dockerignore"
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in {p.rstrip("*") for p in packages}:
        assert package in copied, f"package {package} is not copied into the image"
    assert pyproject["project"]["readme"] in copied


# ---------------------------------------------------------------------------- demo profile


def test_demo_profile_ports_and_urls_agree(services: dict[str, dict[str, Any]]) -> None:
    from doclisten.demo_site.__main__ import build_parser
    from doclisten.demo_site.content import load_blogs

    site = services["demo-site"]
    run = argv(site)
    assert run[:3] == ["python", "-m", "doclisten.demo_site"], run
    args = build_parser().parse_args(run[3:])  # the options exist and parse
    assert args.host == "0.0.0.0"
    public = args.public_host or site.get("hostname")
    assert public == "demo-site" == site.get("hostname")
    assert args.port_base
    expected = [f"http://{public}:{args.port_base + i}/" for i in range(len(load_blogs()))]

    seed = argv(services["demo-seed"])
    assert seed[:3] == ["doclisten", "sources", "add"]
    assert seed[3:] == expected

    ports = set()
    for item in site.get("expose", []):
        low, _, high = str(item).partition("-")
        ports |= set(range(int(low), int(high or low) + 1))
    assert ports == {args.port_base + i for i in range(len(expected))}
    probe = " ".join(as_list(site["healthcheck"]["test"]))
    assert int(re.search(r"http://127\.0\.0\.1:(\d+)/", probe).group(1)) in ports


def test_demo_override_only_relaxes_the_ssrf_guard_for_the_demo(
    services: dict[str, dict[str, Any]], demo_override: dict[str, Any]
) -> None:
    key = "DOCLISTEN_ALLOW_PRIVATE_NETWORKS"
    for name in ("migrate", "scheduler", "worker"):
        assert key not in environment(services[name]), f"{name}: SSRF guard must stay on outside the demo"
    assert env_flag(environment(services["demo-seed"]).get(key))
    override = demo_override["services"]
    assert set(override) <= set(services)
    assert env_flag(environment(override["worker"]).get(key))


def test_deployment_is_documented() -> None:
    doc = (ROOT / "docs" / "deployment.md").read_text()
    for needle in (
        "POSTGRES_PASSWORD",
        "docker-compose.demo.yml",
        "--profile demo",
        ANALYST,
        READONLY,
        "APP_PASSWORD",
        "--scale worker",
    ):
        assert needle in doc, needle
    assert "docs/deployment.md" in (ROOT / "README.md").read_text()
