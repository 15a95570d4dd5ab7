"""Use cases for participants drawn from the register: what they answered, and their
seat confirmation once the panel is drawn.

InvitationsDrawn and PanelDrawn arrive on the lottery's topic, InvitationAnswered on
registration's; their order across topics is not guaranteed. So each of them records
its part, and the confirmation is written when the last part is there: by e-mail (with
calendar entry and check-in QR code) to those who gave an address, as a printed letter
to the others. It is written once (``seat_confirmed``) and keyed by the PanelDrawn
event, so the same delivery results whichever event came last.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from notifications.adapters import letter_store, repository
from notifications.adapters.templates import Renderer
from notifications.domain.messages import MessageRequest
from notifications.service import reminders
from notifications.service.letters import LETTERS_CHANNEL, add_seat_letter, local_date
from notifications.service.messages import store_messages
from shared.events.common import Applicant, Language


async def confirm_ready_seats(
    conn: asyncpg.Connection,
    district_id: str,
    *,
    renderer: Renderer,
    policy: reminders.ReminderPolicy,
    now: datetime,
) -> int:
    confirmed = 0
    for row in await letter_store.seats_to_confirm(conn, district_id):
        invitee_id: uuid.UUID = row["invitee_id"]
        if row["email"]:
            person = Applicant(
                given_name=row["given_name"],
                family_name=row["family_name"] or "-",
                email=row["email"],
                language=Language(row["language"]),
            )
            await repository.add_recipient(conn, invitee_id, district_id, person)
            await store_messages(
                conn,
                [MessageRequest("panel_seat_granted", invitee_id)],
                source_event_id=row["seated_by"],
                district_id=district_id,
                renderer=renderer,
            )
            await reminders.schedule(conn, district_id, [invitee_id], now, policy)
        else:
            await add_seat_letter(conn, district_id, row["wave"] or 1, invitee_id, local_date(now))
            await conn.execute("SELECT pg_notify($1, '')", LETTERS_CHANNEL)
        await letter_store.mark_seat_confirmed(conn, invitee_id)
        confirmed += 1
    return confirmed
