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
) -> None:
    """Start broker, database and the four services locally; Ctrl-C stops everything."""
    from mitwirken.stack import LocalStack

    stack = LocalStack(
        home=home,
        kafka_port=kafka_port,
        postgres_port=postgres_port,
        on_event=lambda line: console.print(f"[dim]·[/dim] {line}"),
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with console.status("Starting mitwirken …"):
            stack.start()
        table = Table(title="mitwirken is running", show_header=True)
        table.add_column("what")
        table.add_column("address")
        s = stack.services
        table.add_row("Application API (registration)", s["registration"].base_url + "/docs")
        table.add_row("Staff figures (reporting)", s["reporting"].base_url + "/docs")
        table.add_row("Mailbox (e-mails sent locally)", stack.mailbox_url)
        table.add_row("Lottery API", s["lottery"].base_url + "/docs")
        table.add_row("Notifications API", s["notifications"].base_url + "/docs")
        table.add_row("Kafka-protocol broker", stack.kafka.bootstrap_servers if stack.kafka else "")
        table.add_row("PostgreSQL", stack.postgres.url if stack.postgres else "")
        table.add_row("Logs", str(home / "logs"))
        console.print(table)
        console.print("Press Ctrl-C to stop.")
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
