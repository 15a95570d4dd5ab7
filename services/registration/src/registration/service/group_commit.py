"""Web applications that arrive together are written in one transaction.

Each transaction pays for itself: a pooled connection taken and reset, BEGIN, the
district's barrier lock and state, the inserts, COMMIT and its wait for the write-ahead
log to reach the disk. Under load many applications arrive while one is being written;
the next transaction takes all of them (up to ``max_batch``) and stores them with one
insert of the applications and one of their events (``intake.submit_many``), so those
costs are paid once per batch instead of once per application. At most ``max_writers``
transactions run at once, so a quiet intake still writes each application at once, in a
transaction of its own.

Each application keeps its own answer: a refusal refuses only that application (the
intake refuses before it writes anything). If a batch's statements fail, every
application in it is tried again in a transaction of its own, so one application's
error cannot fail the others; if the connection fails, the batch may have committed,
so each request fails as it would have alone (a retrying client then learns whether its
application is there).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import structlog

from registration.domain.applications import Application
from registration.service import intake
from registration.service.districts import DistrictBook

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class _Waiting:
    submission: intake.Submission
    answer: asyncio.Future[Application]


class GroupCommit:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        districts: DistrictBook,
        links: intake.Links,
        clock: Callable[[], datetime],
        max_batch: int = 100,
        max_writers: int = 4,
    ) -> None:
        self._pool = pool
        self._districts = districts
        self._links = links
        self._clock = clock
        self._max_batch = max_batch
        self._max_writers = max_writers
        self._waiting: deque[_Waiting] = deque()
        self._writers: set[asyncio.Task[None]] = set()

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    async def submit(self, submission: intake.Submission) -> Application:
        """The stored application, or ``intake.Refused``; returns after its commit."""
        answer: asyncio.Future[Application] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(submission, answer))
        if len(self._writers) < self._max_writers:
            writer = asyncio.create_task(self._write_while_waiting())
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        # A cancelled request cancels only its wait: the application may be in a batch
        # with others, and once written it is kept (the e-mail tells the person).
        return await answer

    async def _write_while_waiting(self) -> None:
        while self._waiting:
            count = min(len(self._waiting), self._max_batch)
            await self._write([self._waiting.popleft() for _ in range(count)])

    async def _write(self, batch: list[_Waiting]) -> None:
        try:
            outcomes = await self._transaction(batch)
        except Exception as exc:
            if len(batch) == 1 or _outcome_unknown(exc):
                # With the connection lost, the batch may have committed: writing its
                # applications again would refuse them as already there. Each request
                # fails as it would alone; a client that retries learns the outcome.
                for waiting in batch:
                    _settle(waiting.answer, exc)
                return
            log.warning("intake_batch_failed", applications=len(batch), error=type(exc).__name__)
            for waiting in batch:
                await self._write([waiting])
            return
        for waiting, outcome in zip(batch, outcomes, strict=True):
            _settle(waiting.answer, outcome)

    async def _transaction(self, batch: list[_Waiting]) -> list[Application | intake.Refused]:
        async with self._pool.acquire() as conn, conn.transaction():
            return await intake.submit_many(
                conn,
                [waiting.submission for waiting in batch],
                districts=self._districts,
                links=self._links,
                now=self._clock(),
            )


def _outcome_unknown(exc: Exception) -> bool:
    """Whether the transaction may have committed although it raised: the connection
    failed, so COMMIT's answer may be what was lost. Any other database error rolled
    the transaction back."""
    return isinstance(
        exc, (OSError, TimeoutError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError)
    )


def _settle(answer: asyncio.Future[Application], outcome: Application | BaseException) -> None:
    if answer.done():
        return
    if isinstance(outcome, BaseException):
        answer.set_exception(outcome)
    else:
        answer.set_result(outcome)
