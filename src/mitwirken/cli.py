"""The ``mitwirken`` command (filled in below)."""

from __future__ import annotations

import typer

app = typer.Typer(help="mitwirken on this machine", no_args_is_help=True)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo("mitwirken 0.1.0")
