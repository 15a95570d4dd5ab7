"""The ``mitwirken`` command: the whole system on this machine, and the contract tools."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="mitwirken: citizen participation with verifiable lotteries", no_args_is_help=True
)
console = Console()

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@app.command()
def up(
    home: Path = typer.Option(PROJECT_ROOT / ".mitwirken", help="Where local data and logs live."),
    kafka_port: int = typer.Option(19092, help="Port of the local Kafka-protocol broker."),
    postgres_port: int = typer.Option(15432, help="Port of the local PostgreSQL."),
    mailbox_port: int = typer.Option(8025, help="Port of the local mailbox's web view."),
    smtp_port: int = typer.Option(2525, help="Port of the local SMTP server."),
) -> None:
    """Start broker, database and the four services locally; Ctrl-C stops everything."""
    import os

    from mitwirken.infra import port_in_use
    from mitwirken.stack import DEFAULT_PORTS, LocalStack

    extra_env = {}
    if "REGISTRATION_PUBLIC_RATE_LIMIT_PER_MINUTE" not in os.environ:
        # One machine is every resident here: `mitwirken demo` applies hundreds of times.
        extra_env["REGISTRATION_PUBLIC_RATE_LIMIT_PER_MINUTE"] = "100000"
    stack = LocalStack(
        home=home,
        kafka_port=kafka_port,
        postgres_port=postgres_port,
        mailbox_port=mailbox_port,
        smtp_port=smtp_port,
        extra_env=extra_env,
        on_event=lambda line: console.print(f"[dim]·[/dim] {line}"),
    )
    taken = [
        port
        for port in (postgres_port, kafka_port, mailbox_port, smtp_port, *DEFAULT_PORTS.values())
        if port_in_use(port)
    ]
    if taken:
        console.print(
            f"[red]Port(s) {', '.join(map(str, taken))} already in use: is mitwirken running "
            "already (another `./mitwirken up`)? Stop it first (Ctrl-C in its terminal), "
            "or stop whatever else uses the port.[/red]"
        )
        raise typer.Exit(1)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with console.status("Starting mitwirken …"):
            stack.start()
        table = Table(title="mitwirken is running", show_header=True)
        table.add_column("what")
        table.add_column("address")
        s = stack.services
        table.add_row("Resident pages (apply, ideas)", s["registration"].base_url + "/")
        table.add_row("Application API (registration)", s["registration"].base_url + "/docs")
        table.add_row(
            "Staff dashboard (sign in with a token: ./mitwirken token)",
            s["reporting"].base_url + "/dashboard",
        )
        table.add_row("Staff figures API (reporting)", s["reporting"].base_url + "/docs")
        table.add_row("Mailbox (e-mails sent locally)", stack.mailbox_url)
        table.add_row("Lottery API", s["lottery"].base_url + "/docs")
        table.add_row("Notifications API", s["notifications"].base_url + "/docs")
        table.add_row("Kafka-protocol broker", stack.kafka.bootstrap_servers if stack.kafka else "")
        table.add_row("PostgreSQL", stack.postgres.url if stack.postgres else "")
        table.add_row("Logs", str(home / "logs"))
        console.print(table)
        console.print("Press Ctrl-C to stop. Play a whole rollout: ./mitwirken demo")
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        with console.status("Stopping …"):
            stack.stop()
        console.print("Stopped.")


@app.command()
def asyncapi(
    write: bool = typer.Option(False, help="Write docs/asyncapi.yaml instead of printing."),
) -> None:
    """Print (or write) the AsyncAPI document of the event contract."""
    from shared.contract import asyncapi_yaml

    text = asyncapi_yaml()
    if write:
        target = PROJECT_ROOT / "docs" / "asyncapi.yaml"
        target.write_text(text, encoding="utf-8")
        console.print(f"wrote {target.relative_to(PROJECT_ROOT)}")
    else:
        typer.echo(text, nl=False)


@app.command()
def token(
    role: str = typer.Option("admin", help="admin (all districts) or coordinator"),
    district: str | None = typer.Option(None, help="The coordinator's district."),
    subject: str = typer.Option("staff@localhost", help="Who the token is for (audit log)."),
    hours: float = typer.Option(12, help="How long the token is valid."),
) -> None:
    """Issue a staff bearer token signed with the local signing secret."""
    import os
    from datetime import timedelta

    from shared.auth import issue_staff_token
    from shared.settings import DEVELOPMENT_SECRET

    if role not in ("admin", "coordinator"):
        raise typer.BadParameter("role must be admin or coordinator", param_hint="--role")
    secret = os.environ.get("MITWIRKEN_SIGNING_SECRET", DEVELOPMENT_SECRET)
    try:
        typer.echo(
            issue_staff_token(
                secret,
                subject=subject,
                role=role,  # type: ignore[arg-type]
                district_id=district,
                valid_for=timedelta(hours=hours),
            )
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--district") from None


@app.command()
def draw(
    district: str = typer.Argument(..., help="The district whose applicants are drawn."),
    seed: list[str] = typer.Option(
        ...,
        "--seed",
        help="One public random source, numbers separated by spaces or commas; "
        "repeat for several sources.",
    ),
    lottery_url: str = typer.Option("http://127.0.0.1:8002", help="The lottery service."),
) -> None:
    """Run a district's committed draw with the published random numbers."""
    import os

    import httpx

    from shared.auth import issue_staff_token
    from shared.settings import DEVELOPMENT_SECRET

    sources = [[v for v in s.replace(",", " ").split() if v] for s in seed]
    secret = os.environ.get("MITWIRKEN_SIGNING_SECRET", DEVELOPMENT_SECRET)
    bearer = issue_staff_token(secret, subject=os.environ.get("USER", "staff"), role="admin")
    response = httpx.post(
        f"{lottery_url}/staff/districts/{district}/draw",
        json={"sources": sources},
        headers={"Authorization": f"Bearer {bearer}"},
        timeout=30,
    )
    body = response.json()
    if response.status_code != 200:
        console.print(f"[red]{body.get('detail_en') or body}[/red]")
        raise typer.Exit(1)
    console.print(f"Drawn: {body['seated']} seated, {body['waitlist']} on the waitlist.")
    console.print(f"Audit record: {lottery_url}/draws/{district}/applicants")


@app.command()
def verify(record: Path = typer.Argument(..., help="An audit record (JSON) as published.")) -> None:
    """Recompute a draw from its audit record alone: match or mismatch."""
    from lottery.entrypoints.cli import main

    raise typer.Exit(main([str(record)]))


@app.command()
def demo(
    district: str | None = typer.Option(None, help="The district to play (default: the first)."),
    applications: int = typer.Option(300, min=10, help="How many applications residents make."),
    register: int = typer.Option(3000, min=100, help="People in the synthetic register."),
    seed: int = typer.Option(2040, help="Seed of the synthetic data (same seed, same people)."),
    registration_url: str = typer.Option("http://127.0.0.1:8001"),
    lottery_url: str = typer.Option("http://127.0.0.1:8002"),
    notifications_url: str = typer.Option("http://127.0.0.1:8003"),
    reporting_url: str = typer.Option("http://127.0.0.1:8004"),
    mailbox_url: str = typer.Option("http://127.0.0.1:8025"),
    kafka: str = typer.Option("127.0.0.1:19092", help="The local broker (bootstrap servers)."),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the summary as JSON."),
) -> None:
    """Play one complete district rollout on the running system (`mitwirken up`)."""
    import json

    import httpx

    from mitwirken.demo import DemoOptions, Endpoints, run_demo

    endpoints = Endpoints(
        registration=registration_url.rstrip("/"),
        lottery=lottery_url.rstrip("/"),
        notifications=notifications_url.rstrip("/"),
        reporting=reporting_url.rstrip("/"),
        mailbox=mailbox_url.rstrip("/"),
        kafka=kafka,
    )
    try:
        httpx.get(endpoints.registration + "/health/ready", timeout=5).raise_for_status()
    except httpx.HTTPError:
        console.print(
            f"[red]The system is not running at {endpoints.registration}: start it with "
            "`./mitwirken up` in another terminal first.[/red]"
        )
        raise typer.Exit(1) from None
    options = DemoOptions(
        district=district, applications=applications, register=register, seed=seed
    )
    summary = run_demo(endpoints, options, console)
    if json_out is not None:
        json_out.write_text(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n")
