"""Use cases of the register draw's first stage: import the register extract, then draw
the invitees of a wave, stratified by age band, gender and municipality.

Invariants:
- The import streams: records go to the database in batches (COPY), so memory stays
  bounded whatever the file's size; the whole import is one transaction, so a failed
  import leaves nothing behind. Records under a disclosure block are counted, never
  stored.
- Names and addresses go to ``register_records`` only; the draws read ``register_pool``
  (random person id, stratum, household key).
- The import publishes the commitment (pool hash, public source of randomness) before
  any seed exists; each wave is drawn from it with its own public seed values, and a
  person is invited at most once per district.
- A new import replaces the previous one only while no wave has been drawn.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from lottery.adapters import repository
from lottery.domain import invitations as inv
from lottery.domain.households import house_number_key, street_key, supplement_key
from lottery.domain.register import (
    AGE_BANDS,
    BLOCKED_VALUES,
    COLUMNS,
    COPY_DELIMITER,
    DELIMITER,
    MAX_LENGTH,
    MINIMUM_AGE,
    SEX_VALUES,
    UNBLOCKED_VALUES,
    MissingColumns,
    StagingEncoder,
    column_positions,
    fields_needed,
)
from lottery.domain.rfc3797 import key_string
from shared.events.lottery import (
    DrawCommitted,
    InvitationsDrawn,
    Invitee,
    PopulationCount,
    RegisterImported,
)
from shared.messaging import outbox
from shared.sql import load_queries

log = structlog.get_logger(__name__)
R = load_queries(Path(__file__).parents[1] / "adapters" / "sql" / "register.sql")

PRODUCER = "lottery"
KIND = "register_invitations"
BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT_LETTERS_PER_SEAT = 25
DEFAULT_REGISTER_SEATS = 30
INVITEES_PER_EVENT = 500
__all__ = ["MissingColumns", "Refused", "draw_invitations", "import_register"]


class Refused(Exception):
    """The request cannot be carried out; ``reason`` says why in plain words."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class ImportReport:
    import_id: uuid.UUID
    accepted: int = 0
    rejected: int = 0
    blocked: int = 0
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)
    pool_hash: str = ""

    def as_dict(self, shown: int = 1000) -> dict[str, Any]:
        return {
            "import_id": str(self.import_id),
            "accepted": self.accepted,
            "rejected": self.rejected,
            "blocked": self.blocked,
            "pool_hash": self.pool_hash,
            "rejected_rows": self.rejected_rows[:shown],
            "rejected_rows_truncated": len(self.rejected_rows) > shown,
        }


def _status_count(status: str) -> int:
    """The row count of a command status such as ``INSERT 0 1200``."""
    return int(status.rsplit(" ", 1)[-1])


def _rule_parameters(positions: dict[str, int], reference: date) -> list[Any]:
    """The reading rules of ``lottery.domain.register`` as the parameters of the
    set-based check (one source for both)."""
    lows = [low for low, _, _ in AGE_BANDS]
    assert all(
        high is not None and high + 1 == nxt
        for (_, high, _), nxt in zip(AGE_BANDS, lows[1:], strict=False)
    ), "age bands must be contiguous"
    where = [*COLUMNS, "birth_year", "age"]
    return [
        [positions[c] + 1 if c in positions else 0 for c in where],
        reference,
        fields_needed(positions),
        sorted(BLOCKED_VALUES),
        sorted(UNBLOCKED_VALUES),
        list(SEX_VALUES),
        list(SEX_VALUES.values()),
        lows,
        [label for _, _, label in AGE_BANDS],
        MINIMUM_AGE,
        MAX_LENGTH,
    ]


async def _header_and_body(
    chunks: AsyncIterator[bytes],
) -> tuple[list[str], AsyncIterator[bytes]]:
    """The header line, and the whole body (header included) as it was streamed."""
    iterator = aiter(chunks)
    head = b""
    async for chunk in iterator:
        head += chunk
        if b"\n" in head:
            break
    if not head.strip():
        raise MissingColumns("the file is empty: no header line")
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
    header = next(csv.reader([first], delimiter=DELIMITER), [])

    async def body() -> AsyncIterator[bytes]:
        yield head
        async for chunk in iterator:
            yield chunk

    return header, body()


async def _staged(chunks: AsyncIterator[bytes], district_id: str) -> AsyncIterator[bytes]:
    encoder = StagingEncoder()
    read = 0
    async for chunk in chunks:
        if data := encoder.encode(chunk):
            yield data
        read += len(chunk)
        if read // 100_000_000 != (read - len(chunk)) // 100_000_000:
            log.info("register_import_progress", district_id=district_id, megabytes=read // 10**6)
    if data := encoder.encode_end():
        yield data


async def import_register(
    conn: asyncpg.Connection,
    district_id: str,
    chunks: AsyncIterator[bytes],
    *,
    actor: str,
    now: datetime,
    randomness_source: str,
) -> ImportReport:
    """Read the extract from ``chunks`` (call inside a transaction). The bytes stream
    into a staging table (COPY); the rows are checked, split into register records and
    the pseudonymous pool, and their errors reported, set-based in the database."""
    await conn.execute(R.lock_district_register, district_id)
    if await conn.fetchval(R.waves_drawn, district_id):
        raise Refused(409, "invitations of this district were drawn from the current register")
    header, body = await _header_and_body(chunks)
    positions = column_positions(header)
    import_id = uuid.uuid4()
    reference = now.astimezone(BERLIN).date()
    await conn.execute(R.start_import, import_id, district_id, actor, reference)
    report = ImportReport(import_id)
    await conn.execute(R.create_stage)
    try:
        await conn.copy_to_table(
            "register_stage",
            source=_staged(body, district_id),
            columns=["line"],
            format="text",
            delimiter=COPY_DELIMITER,
        )
    except csv.Error as exc:
        raise Refused(422, f"the file is not readable as CSV ({exc})") from None
    await conn.execute("SET LOCAL work_mem = '256MB'")
    await conn.execute(R.check_rows, *_rule_parameters(positions, reference))
    await conn.execute(R.find_duplicates)
    await conn.execute(R.analyze_checked)  # temporary tables get no statistics otherwise
    report.blocked = await conn.fetchval(R.blocked_count)
    report.rejected = _status_count(await conn.execute(R.insert_rejections, import_id))
    report.rejected += _status_count(await conn.execute(R.insert_duplicates, import_id))
    report.accepted = _status_count(await conn.execute(R.insert_records, import_id))
    parts: dict[int, tuple[list[str], list[str]]] = {1: ([], []), 2: ([], []), 3: ([], [])}
    keys = {1: street_key, 2: house_number_key, 3: supplement_key}
    for r in await conn.fetch(R.address_parts):
        values, normalised = parts[r["part"]]
        values.append(r["value"])
        normalised.append(keys[r["part"]](r["value"]))
    await conn.execute(R.insert_pool, import_id, *(x for p in parts.values() for x in p))
    await conn.execute(R.analyze_pool)
    report.rejected_rows = [dict(r) for r in await conn.fetch(R.import_errors, import_id)]
    await _publish_import(conn, district_id, report, now, randomness_source, actor)
    log.info(
        "register_imported",
        district_id=district_id,
        accepted=report.accepted,
        rejected=report.rejected,
        blocked=report.blocked,
    )
    return report


async def _publish_import(
    conn: asyncpg.Connection,
    district_id: str,
    report: ImportReport,
    now: datetime,
    randomness_source: str,
    actor: str,
) -> None:
    import_id = report.import_id
    earlier = [r["import_id"] for r in await conn.fetch(R.earlier_imports, district_id, import_id)]
    if earlier:  # replaced before any wave was drawn from it
        await conn.execute(R.drop_import_records, earlier)
        await conn.execute(R.drop_import_pool, earlier)
    population = await conn.fetch(R.population, import_id)
    report.pool_hash = await conn.fetchval(R.pool_hash, import_id)
    commitment = {
        "draw_id": str(import_id),
        "district_id": district_id,
        "kind": KIND,
        "algorithm": inv.ALGORITHM,
        "pool_size": report.accepted,
        "pool_hash": report.pool_hash,
        "pool_format": "person id, age band, gender, municipality; tab-separated; "
        "sorted by person id; each line ending in a newline",
        "population": [
            {
                "age_band": r["age_band"],
                "gender": r["gender"],
                "municipality": r["municipality"],
                "count": r["n"],
            }
            for r in population
        ],
        "randomness_source": randomness_source,
    }
    await conn.execute(
        R.finish_import,
        import_id,
        now,
        report.accepted,
        report.rejected,
        report.blocked,
        json.dumps(commitment),
    )
    await outbox.append(
        conn,
        RegisterImported(
            import_id=import_id,
            records_accepted=report.accepted,
            records_rejected=report.rejected,
            records_blocked=report.blocked,
            population=tuple(
                PopulationCount(
                    age_band=r["age_band"],
                    gender=r["gender"],
                    municipality=r["municipality"],
                    count=r["n"],
                )
                for r in population
            ),
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    await outbox.append(
        conn,
        DrawCommitted(
            draw_id=import_id,
            kind=KIND,
            pool_size=report.accepted,
            pool_hash=report.pool_hash,
            algorithm=inv.ALGORITHM,
            randomness_source=randomness_source,
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    await repository.audit(
        conn,
        actor,
        "register_imported",
        district_id,
        {"import_id": str(import_id), "accepted": report.accepted, "rejected": report.rejected,
         "blocked": report.blocked, "replaced": len(earlier)},
    )  # fmt: skip


async def import_errors_csv(conn: asyncpg.Connection, import_id: uuid.UUID) -> str:
    rows = await conn.fetch(R.import_errors, import_id)
    lines = ["row_number;record_id;column;reason"]
    lines += [
        f"{r['row_number']};{_csv_cell(r['record_id'] or '')};{r['column_name']};{r['reason']}"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def _csv_cell(text: str) -> str:
    """A cell that a spreadsheet shows as text (no formula) and that keeps its delimiter."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if ";" in text or '"' in text else text


@dataclass(frozen=True, slots=True)
class WaveRequest:
    sources: Sequence[Sequence[str]]
    letters_per_seat: int | None = None
    wave: int = 1
    response_days: int = 21
    oversample: Mapping[str, Mapping[str, float]] | None = None


async def draw_invitations(
    conn: asyncpg.Connection,
    district_id: str,
    request: WaveRequest,
    *,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """Draw one wave of invitees with the public seed (call inside a transaction)."""
    await conn.execute(R.lock_district_register, district_id)
    current = await conn.fetchrow(R.current_import, district_id)
    if current is None:
        raise Refused(404, "no register extract has been imported for this district")
    waves = await conn.fetch(R.waves, district_id)
    await conn.execute("SET LOCAL work_mem = '256MB'")  # rank a city's register in memory
    if request.wave != len(waves) + 1:
        raise Refused(409, f"the next wave of this district is wave {len(waves) + 1}")
    key = key_string(request.sources)
    if any(w["key"] == key for w in waves):
        raise Refused(422, "these seed values were used for an earlier wave; use new ones")
    district = await repository.get_district(conn, district_id)
    seats = district["register_seats"] if district else DEFAULT_REGISTER_SEATS
    per_seat = request.letters_per_seat or DEFAULT_LETTERS_PER_SEAT
    import_id = current["import_id"]
    counts: dict[inv.Stratum, int] = {
        (r["age_band"], r["gender"], r["municipality"]): r["n"]
        for r in await conn.fetch(R.drawable_population, import_id)
    }
    try:
        allocation = inv.allocate(counts, inv.letters_for(seats, per_seat), request.oversample)
    except inv.AllocationError as exc:
        raise Refused(422, str(exc)) from None
    strata = sorted(s for s, n in allocation.items() if n)
    rows = await conn.fetch(
        R.draw_invitees,
        import_id,
        key,
        [s[0] for s in strata],
        [s[1] for s in strata],
        [s[2] for s in strata],
        [allocation[s] for s in strata],
    )
    draw_id = uuid.uuid4()
    deadline = now.astimezone(BERLIN).date() + timedelta(days=request.response_days)
    invited: dict[inv.Stratum, list[str]] = {s: [] for s in strata}
    for r in rows:
        invited[(r["age_band"], r["gender"], r["municipality"])].append(str(r["person_id"]))
    summary = [
        {"age_band": s[0], "gender": s[1], "municipality": s[2], "register": counts[s],
         "letters": allocation[s]}
        for s in sorted(counts)
    ]  # fmt: skip
    audit_record = {
        **json.loads(current["commitment"]),
        "draw_id": str(draw_id),
        "import_id": str(import_id),
        "wave": request.wave,
        "earlier_waves": [str(w["draw_id"]) for w in waves],
        "invited_earlier": sorted(
            r["person_id"] for r in await conn.fetch(R.invited_before, district_id)
        ),
        "seed": [list(s) for s in request.sources],
        "key": key,
        "letters_per_seat": per_seat,
        "seats": seats,
        "oversample": request.oversample or {},
        "allocation": summary,
        "invited": {inv.stratum_label(s): ids for s, ids in invited.items()},
    }
    inserted = await conn.fetchval(
        R.insert_wave, draw_id, district_id, import_id, request.wave,
        json.dumps(audit_record["seed"]), key, len(rows), deadline, json.dumps(audit_record),
        actor,
    )  # fmt: skip
    if inserted is None:
        raise Refused(409, f"wave {request.wave} of this district has been drawn already")
    await conn.execute(
        R.insert_invitations, [r["person_id"] for r in rows], district_id, draw_id, request.wave
    )
    invitees = [_invitee(r) for r in rows]
    for start in range(0, len(invitees), INVITEES_PER_EVENT):
        await outbox.append(
            conn,
            InvitationsDrawn(
                draw_id=draw_id,
                invitees=tuple(invitees[start : start + INVITEES_PER_EVENT]),
                audit_reference=f"/draws/{district_id}/invitations",
                wave=request.wave,
                response_deadline=deadline,
            ),
            district_id=district_id,
            producer=PRODUCER,
        )
    await repository.audit(
        conn,
        actor,
        "invitations_drawn",
        district_id,
        {"draw_id": str(draw_id), "wave": request.wave, "letters": len(rows)},
    )
    log.info("invitations_drawn", district_id=district_id, wave=request.wave, letters=len(rows))
    return {
        "draw_id": str(draw_id),
        "wave": request.wave,
        "letters": len(rows),
        "letters_per_seat": per_seat,
        "seats": seats,
        "response_deadline": deadline.isoformat(),
        "strata": summary,
    }


def _invitee(r: asyncpg.Record) -> Invitee:
    return Invitee(
        invitee_id=r["person_id"],
        invitation_code=inv.display_code(inv.new_code()),
        given_name=r["given_names"],
        family_name=r["family_name"],
        doctorate=r["doctorate"],
        street=r["street"],
        house_number=r["house_number"],
        address_supplement=r["address_supplement"],
        postal_code=r["postal_code"],
        municipality=r["address_municipality"],
    )


async def published(conn: asyncpg.Connection, district_id: str) -> dict[str, Any] | None:
    """The commitment and every wave's audit record (no personal data)."""
    current = await conn.fetchrow(R.current_import, district_id)
    if current is None:
        return None
    waves = await conn.fetch(R.waves, district_id)
    return {
        "district_id": district_id,
        "commitment": json.loads(current["commitment"]),
        "waves": [json.loads(w["audit_record"]) for w in waves],
    }


async def pool_lines(conn: asyncpg.Connection, district_id: str) -> AsyncIterator[str]:
    """The committed pool, line by line (call inside a transaction: a cursor)."""
    current = await conn.fetchrow(R.current_import, district_id)
    if current is None:
        return
    async for row in conn.cursor(R.pool_lines, current["import_id"], prefetch=5000):
        yield row["line"] + "\n"


def response_deadline(now: datetime, days: int) -> date:
    return now.astimezone(BERLIN).date() + timedelta(days=days)
