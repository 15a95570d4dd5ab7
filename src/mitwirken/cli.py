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
