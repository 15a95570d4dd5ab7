"""Server-rendered pages as plain f-strings: the staff dashboard and the public
transparency page. German first, with an English summary where the public reads.

Invariants: every value that comes from an event or a request goes through
``html.escape`` (``e``); the transparency page receives only figures and shows counts
of people only through ``public_count`` (below 5: "<5"); no page loads anything from
another origin (charts are inline SVG, styles inline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import urlencode

from reporting.domain.charts import bar_chart, rate_bar
from reporting.domain.disclosure import public_count, public_share

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;"
    "text-align:left}code{word-break:break-all}.charts svg{margin:.5rem 0;display:block}"
)


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, *, lang: str = "de") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def _table(rows: Sequence[tuple[str, object]]) -> str:
    cells = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def dashboard(
    figures: Mapping[str, Any],
    ideas: Sequence[Mapping[str, Any]],
    *,
    title: str,
    query: str | None,
    links: Mapping[str, str],
    hidden: Mapping[str, str],
) -> str:
    """The staff dashboard of one district or the region. ``links`` are label->URL
    (district switches, exports); ``hidden`` are query parameters the search keeps."""
    apps = figures["applications"]
    days = apps["per_day"]
    per_day = bar_chart(
        "Bewerbungen pro Tag nach Kanal",
        [d["day"][5:] for d in days],
        {"Web": [d["web"] for d in days], "Antwortpostkarte": [d["reply_card"] for d in days]},
    )
    seats = figures["seats"]
    halves = ("applicants", "register")
    seat_chart = bar_chart(
        "Plätze je Hälfte",
        ["Bewerbungen", "Melderegister"],
        {
            "besetzt": [seats[h]["filled"] for h in halves],
            "frei": [seats[h]["free"] for h in halves],
        },
    )
    fields = figures["ideas"]["by_field_of_action"]
    idea_chart = bar_chart("Ideen je Handlungsfeld", list(fields), {"Ideen": list(fields.values())})
    notes = figures["notifications"]
    note_chart = bar_chart(
        "Benachrichtigungen",
        ["versandt", "fehlgeschlagen"],
        {"Anzahl": [notes["sent"], notes["failed"]]},
    )
    deadlines = "".join(
        f"<tr><td>{e(w['district_id'])}</td><td>{e(w['workshop_date'])}</td>"
        f"<td>{e(w['application_deadline'])}</td><td>{e(w['days_left'])}</td>"
        f"<td>{'geschlossen' if w['closed'] else 'offen'}</td></tr>"
        for w in figures["workshops"]
    )
    nav = " · ".join(f'<a href="{e(url)}">{e(label)}</a>' for label, url in links.items())
    hidden_inputs = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in hidden.items()
    )
    idea_rows = "".join(
        f"<tr><td>{e(i['field_of_action'] or '(ohne)')}</td><td>{e(i['text'])}</td></tr>"
        for i in ideas
    )
    return page(
        title,
        f"<h1>{e(title)}</h1><nav>{nav}</nav>"
        f'<section class="charts">{per_day}'
        f"{rate_bar('Bestätigungsquote', apps['confirmation_rate'])}"
        f"{seat_chart}{idea_chart}{note_chart}</section>"
        "<h2>Zahlen</h2>"
        + _table(
            [
                ("Bewerbungen eingegangen", apps["received"]),
                ("bestätigt", apps["confirmed"]),
                ("zurückgezogen", apps["withdrawn"]),
                ("Warteliste", figures["waitlist"]["length"]),
                ("Benachrichtigungen versandt", notes["sent"]),
                ("Benachrichtigungen fehlgeschlagen", notes["failed"]),
            ]
        )
        + "<h2>Anmeldeschluss</h2><table><tr><th>Bezirk</th><th>Werkstatt</th>"
        f"<th>Anmeldeschluss</th><th>Tage übrig</th><th>Status</th></tr>{deadlines}</table>"
        f'<h2>Ideen</h2><form method="get">{hidden_inputs}'
        f'<input type="search" name="q" value="{e(query)}" aria-label="Suche">'
        f'<button type="submit">Suchen</button></form>'
        f"<table><tr><th>Handlungsfeld</th><th>Idee</th></tr>{idea_rows}</table>",
    )


def transparency(district_id: str, figures: Mapping[str, Any], lottery_url: str) -> str:
    """The public page of one district: aggregates only, small counts as '<5'."""
    w = figures["workshops"][0] if figures["workshops"] else None
    seats = figures["seats"]
    apps = figures["applications"]
    draws = [d for d in figures["draws"] if d["kind"] in (None, "applicants")]
    draw = draws[-1] if draws else None
    audit_url = f"{lottery_url.rstrip('/')}/draws/{district_id}/applicants"
    workshop = (
        f"<p>Zukunftswerkstatt am {e(w['workshop_date'])} in {e(w['town'])}.</p>" if w else ""
    )
    rows = [
        ("Plätze für Bewerberinnen und Bewerber", str(seats["applicants"]["seats"])),
        ("davon besetzt", public_count(seats["applicants"]["filled"])),
        ("… durch das Los", public_count(seats["applicants"]["by_lottery"])),
        ("… von der Warteliste nachgerückt", public_count(seats["applicants"]["from_waitlist"])),
        ("Plätze aus dem Melderegister (persönliche Einladung)", str(seats["register"]["seats"])),
        ("davon besetzt", public_count(seats["register"]["filled"])),
        ("Eingeladene aus dem Melderegister", public_count(seats["register"]["invited"])),
        ("Bewerbungen eingegangen", public_count(apps["received"])),
        ("Bewerbungen bestätigt", public_count(apps["confirmed"])),
        ("Bestätigungsquote", public_share(apps["confirmed"], apps["received"])),
        ("Warteliste", public_count(figures["waitlist"]["length"])),
    ]
    rows += [
        (f"Ideen: {field}", public_count(n))
        for field, n in figures["ideas"]["by_field_of_action"].items()
    ]
    if draw is None:
        draw_html = "<p>Die Verlosung hat noch nicht stattgefunden. / No draw yet.</p>"
    else:
        draw_html = _table(
            [
                ("Verfahren (algorithm)", draw["algorithm"] or ""),
                ("Prüfsumme des Loszettel-Pools (pool hash)", draw["pool_hash"] or ""),
                ("Öffentliche Zufallsquelle (randomness source)", draw["randomness_source"] or ""),
                ("Größe des Pools (pool size)", public_count(draw["pool_size"] or 0)),
                ("Festgelegt am (committed)", draw["committed_at"] or ""),
                ("Gelost am (drawn)", draw["drawn_at"] or "noch nicht / not yet"),
            ]
        ) + (
            f'<p>Prüfprotokoll / audit record: <a href="{e(audit_url)}">{e(audit_url)}</a>'
            + (
                f" (Referenz <code>{e(draw['audit_reference'])}</code>)"
                if draw["audit_reference"]
                else ""
            )
            + "</p>"
        )
    body = (
        f"<h1>Transparenz: {e(district_id)}</h1>{workshop}"
        "<h2>Plätze und wie sie vergeben wurden</h2>"
        + _table(rows)
        + "<p>Zahlen unter 5 werden als „&lt;5“ angezeigt, damit niemand erkennbar wird.</p>"
        "<h2>Die Verlosung</h2>"
        "<p>Vor der Ziehung wird festgelegt, aus welchem Pool gelost wird (seine Prüfsumme) "
        "und welche öffentliche Zufallsquelle entscheidet. Danach kann jede und jeder das "
        "Ergebnis nachrechnen.</p>" + draw_html + "<h2>So prüfen Sie die Verlosung</h2><ol>"
        f'<li>Laden Sie das Prüfprotokoll herunter: <a href="{e(audit_url)}">{e(audit_url)}</a>'
        " und speichern Sie den Teil <code>audit_record</code> als Datei, z. B. "
        "<code>audit.json</code>.</li>"
        "<li>Führen Sie <code>mitwirken-verify audit.json</code> aus. Das Programm rechnet "
        "die Ziehung nach RFC 3797 nach und meldet Übereinstimmung oder Abweichung.</li></ol>"
        '<section lang="en"><h2>Summary in English</h2>'
        "<p>This page shows, for this district, how the workshop seats were filled: half by "
        "personal invitation from the population register, half among applicants, by lot "
        "when there were more applicants than seats. It shows aggregates only; counts below "
        "5 are shown as “&lt;5”. The draw's commitment (pool hash, algorithm, public "
        "randomness source) was published before the draw. To verify it, save the "
        "<code>audit_record</code> from the audit record link above as a file and run "
        "<code>mitwirken-verify FILE</code>.</p></section>"
    )
    return page(f"Transparenz {district_id}", body)


def query_url(path: str, params: Mapping[str, str | None]) -> str:
    clean = {k: v for k, v in params.items() if v}
    return path + ("?" + urlencode(clean) if clean else "")
