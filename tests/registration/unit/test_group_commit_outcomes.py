"""When the connection fails under a batch, nobody can tell whether it committed: the
group commit must not write the applications again (they would be refused as already
there although their senders never heard of them) but fail each request as it would
have failed alone. (The database's own errors are covered on the real database in
tests/registration/integration/test_group_commit.py.)"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from registration.adapters.links import LinkSigner
from registration.service import group_commit, intake
from shared.events.common import Applicant, Channel
from tests.registration.support import applicant, book


class LostConnection:
    """A pool whose transactions lose their connection at COMMIT."""

    @asynccontextmanager
    async def acquire(self) -> Any:
        yield self

    @asynccontextmanager
    async def transaction(self) -> Any:
        yield
        raise asyncpg.ConnectionDoesNotExistError(
            "connection was closed in the middle of operation"
        )


async def test_a_batch_whose_commit_answer_is_lost_is_not_written_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batches: list[int] = []

    async def submit_many(conn: Any, submissions: list[Any], **_: Any) -> list[Any]:
        batches.append(len(submissions))
        return [object() for _ in submissions]

    monkeypatch.setattr(intake, "submit_many", submit_many)
    writer = group_commit.GroupCommit(
        LostConnection(),  # type: ignore[arg-type]
        districts=book(),
        links=intake.Links(LinkSigner("s"), "https://mitwirken.example"),
        clock=lambda: datetime.now(UTC),
        max_writers=1,
    )
    person = Applicant.model_validate(applicant())
    submissions = [intake.Submission("halle", person, Channel.WEB, "v1") for _ in range(5)]
    answers = await asyncio.gather(*(writer.submit(s) for s in submissions), return_exceptions=True)
    assert all(isinstance(a, asyncpg.ConnectionDoesNotExistError) for a in answers)
    assert batches == [5]  # written once, as one batch, and not one by one afterwards
