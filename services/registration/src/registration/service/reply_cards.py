"""Use case: reply cards, entered one by one or imported as a file.

Each card is its own savepoint inside one transaction per file: an accepted card and
its events commit with the others, a refused one leaves nothing behind. A card id that
was imported before is reported as such, so importing the same file again adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from registration.domain.reply_cards import ReplyCard, RowError, read_cards
from registration.service.districts import DistrictBook
from registration.service.intake import Links, Refused, Submission, submit
from shared.events.common import Channel


@dataclass
class ImportReport:
    accepted: int = 0
    already_imported: int = 0
    rejected: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "already_imported": self.already_imported,
            "rejected": len(self.rejected),
            "rejected_rows": [
                {"line": r.line, "card_id": r.card_id, "reason": r.reason} for r in self.rejected
            ],
        }


def submission_of(card: ReplyCard) -> Submission:
    return Submission(
        district_id=card.district_id,
        applicant=card.applicant,
        channel=Channel.REPLY_CARD,
        card_id=card.card_id,
        received_on=card.received_on,
    )


async def import_cards(
    pool: asyncpg.Pool,
    text: str,
    *,
    districts: DistrictBook,
    links: Links,
    now: datetime,
    may_act_for: Callable[[str], bool] = lambda _: True,
) -> ImportReport:
    report = ImportReport()
    async with pool.acquire() as conn, conn.transaction():
        for card in read_cards(text):
            if isinstance(card, RowError):
                report.rejected.append(card)
                continue
            if not may_act_for(card.district_id):
                report.rejected.append(
                    RowError(card.line, card.card_id, "not your district: you may not enter it")
                )
                continue
            try:
                async with conn.transaction():
                    await submit(
                        conn, submission_of(card), districts=districts, links=links, now=now
                    )
                report.accepted += 1
            except Refused as refused:
                codes = {r.code for r in refused.refusals}
                if codes == {"card-already-imported"}:
                    report.already_imported += 1
                else:
                    reason = "; ".join(r.en for r in refused.refusals)
                    report.rejected.append(RowError(card.line, card.card_id, reason))
    return report
