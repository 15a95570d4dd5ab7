"""The steady stream: residents applying on the website (most confirm through their
link, a few withdraw), and staff entering reply cards, from several concurrent clients.

A request that fails because a process is down is sent again, as a browser's user or a
staff member would. Every application the service acknowledged (201) is remembered, so
the checks can prove that none of them was lost; an application whose answer was lost
in a crash is found by its person in registration's database.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from datetime import date

import httpx

from registration.adapters.links import LinkSigner
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET

ADDRESSES = {
    "halle": ("06108", "Halle (Saale)"),
    "leipzig": ("04109", "Leipzig"),
    "saalekreis": ("06237", "Leuna"),
}
DISTRICTS = tuple(ADDRESSES)
RETRYABLE = {500, 502, 503, 504}


@dataclass
class Stream:
    """What the clients did, as they saw it."""

    acknowledged: dict[uuid.UUID, str] = field(default_factory=dict)
    confirmed: set[uuid.UUID] = field(default_factory=set)
    withdrawn: set[uuid.UUID] = field(default_factory=set)
    unanswered: int = 0
    """Requests whose answer a crash swallowed (the application may or may not exist)."""
    retries: int = 0
    reply_cards: int = 0
    issued: int = 0


def person(i: int, district: str, run: str) -> dict[str, object]:
    postal_code, municipality = ADDRESSES[district]
    return {
        "given_name": f"Person{i}",
        "family_name": f"Last{run}",
        "email": f"p{i}.{run}@example.org",
        "birth_year": 1940 + i % 60,
        "address": {
            "street": "Hauptstraße",
            "house_number": str(i % 200 + 1),
            "postal_code": postal_code,
            "municipality": municipality,
        },
    }


class Clients:
    def __init__(self, base_url: str, rng: random.Random, run: str) -> None:
        self.base_url = base_url
        self.rng = rng
        self.run = run
        self.signer = LinkSigner(DEVELOPMENT_SECRET)
        self.staff = {
            "Authorization": "Bearer "
            + issue_staff_token(DEVELOPMENT_SECRET, subject="staff-load", role="admin")
        }
        self.stream = Stream()

    async def _send(
        self, client: httpx.AsyncClient, method: str, path: str, **kwargs: object
    ) -> httpx.Response | None:
        """Send until the service answers with something other than a server error;
        None when the answer to a sent request may have been lost."""
        maybe_done = False
        for _ in range(600):
            try:
                response = await client.request(method, self.base_url + path, **kwargs)  # type: ignore[arg-type]
            except httpx.TransportError as exc:
                maybe_done = maybe_done or not isinstance(exc, httpx.ConnectError)
                self.stream.retries += 1
                await asyncio.sleep(0.5)
                continue
            if response.status_code in RETRYABLE:
                # A commit whose answer was lost (a connection dropped mid-COMMIT) is
                # reported as a server error: the request may have taken effect.
                maybe_done = True
                self.stream.retries += 1
                await asyncio.sleep(0.5)
                continue
            if response.status_code == 409 and maybe_done:
                return None
            return response
        raise RuntimeError(f"{method} {path}: no answer after many attempts")

    async def one(self, client: httpx.AsyncClient, i: int) -> None:
        district = DISTRICTS[i % len(DISTRICTS)]
        applicant = person(i, district, self.run)
        self.stream.issued += 1
        if self.rng.random() < 0.1:
            applicant = {**applicant, "email": None} if i % 2 else applicant
            r = await self._send(
                client,
                "POST",
                "/staff/reply-cards",
                headers=self.staff,
                json={
                    "card_id": f"card-{self.run}-{i}",
                    "district_id": district,
                    "applicant": applicant,
                    "received_on": date.today().isoformat(),
                },
            )
            if r is None:
                self.stream.unanswered += 1
                return
            assert r.status_code == 201, r.text
            self.stream.reply_cards += 1
            app_id = uuid.UUID(r.json()["application_id"])
            self.stream.acknowledged[app_id] = district
            self.stream.confirmed.add(app_id)
            return
        r = await self._send(
            client,
            "POST",
            "/applications",
            json={
                "district_id": district,
                "applicant": applicant,
                "consent": {"given": True, "text_version": "v1"},
            },
        )
        if r is None:
            self.stream.unanswered += 1
            return
        assert r.status_code == 201, r.text
        app_id = uuid.UUID(r.json()["application_id"])
        self.stream.acknowledged[app_id] = district
        if self.rng.random() < 0.8:
            token = self.signer.sign(app_id, "confirm")
            r = await self._send(client, "POST", "/applications/confirm", params={"token": token})
            assert r is not None and r.status_code == 200, r and r.text
            self.stream.confirmed.add(app_id)
        if self.rng.random() < 0.06:
            token = self.signer.sign(app_id, "withdraw")
            r = await self._send(client, "POST", "/applications/withdraw", params={"token": token})
            assert r is not None and r.status_code == 200, r and r.text
            self.stream.withdrawn.add(app_id)

    async def run_until(self, stop: asyncio.Event, at_least: int, clients: int) -> None:
        counter = iter(range(10**9))

        async def worker() -> None:
            async with httpx.AsyncClient(timeout=15) as client:
                # ``at_least`` applications, and on until the faults are over if they
                # take longer, but never more than twice as many (the backlog of
                # e-mails would then outlast any sensible settling time).
                while self.stream.issued < at_least or (
                    not stop.is_set() and self.stream.issued < 2 * at_least
                ):
                    await self.one(client, next(counter))

        await asyncio.gather(*(worker() for _ in range(clients)))
