"""Staff routes of the workshop day: the check-in page for phones, the search by name,
the check-in itself, and the guidelines the moderators record.

The page holds no data: it asks for the staff token once, keeps it in the tab's
sessionStorage and sends it as a bearer header with every request it makes."""

from __future__ import annotations

import html
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, model_validator

from registration.domain.workshop_day import parse_check_in_code
from registration.entrypoints.deps import Ready, registration, staff_rate_limit
from registration.service import check_in as service
from registration.service import outcomes
from registration.service.ideas import FIELDS_OF_ACTION
from shared.auth import StaffMember, require_district_access, staff_member
from shared.http import Problem

router = APIRouter(prefix="/staff", tags=["workshop day"], dependencies=[Depends(staff_rate_limit)])

Reg = Annotated[Ready, Depends(registration)]
Staff = Annotated[StaffMember, Depends(staff_member)]


class PersonOut(BaseModel):
    participant_id: uuid.UUID
    given_name: str | None
    family_name: str | None
    half: str
    state: str
    checked_in_at: datetime | None


class CheckInRequest(BaseModel):
    code: str | None = Field(default=None, max_length=300)
    participant_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def one_of(self) -> CheckInRequest:
        if (self.code is None) == (self.participant_id is None):
            raise ValueError("send either the code or the participant_id")
        return self


class CheckInResult(BaseModel):
    person: PersonOut
    already_checked_in: bool
    attendance: dict[str, dict[str, int]]


class GuidelineIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=5000)
    field_of_action: str = Field(min_length=1, max_length=100)
    supporting_statements: list[str] = Field(default_factory=list, max_length=50)
    idea_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)


class GuidelineOut(BaseModel):
    guideline_id: uuid.UUID
    title: str
    text: str
    field_of_action: str
    supporting_statements: list[str]
    idea_ids: list[uuid.UUID]
    recorded_at: datetime


def _out(p: service.Person) -> PersonOut:
    return PersonOut(
        participant_id=p.participant_id,
        given_name=p.given_name,
        family_name=p.family_name,
        half=p.half,
        state=p.state,
        checked_in_at=p.checked_in_at,
    )


@router.get(
    "/districts/{district_id}/check-in",
    response_class=HTMLResponse,
    summary="The check-in page for phones and laptops",
)
async def check_in_page(district_id: str) -> HTMLResponse:
    return HTMLResponse(PAGE.replace("__DISTRICT__", html.escape(district_id, quote=True)))


@router.get(
    "/districts/{district_id}/check-in/search",
    response_model=list[PersonOut],
    summary="Search seat holders and waiting people by name",
)
async def search(
    district_id: str,
    reg: Reg,
    staff: Staff,
    q: Annotated[str, Query(max_length=100)] = "",
) -> list[PersonOut]:
    require_district_access(staff, district_id)
    async with reg.pool.acquire() as conn:
        return [_out(p) for p in await service.search(conn, district_id, q)]


@router.post(
    "/districts/{district_id}/check-in",
    response_model=CheckInResult,
    summary="Check a participant in by the code of the seat confirmation or by id",
)
async def check_in(district_id: str, body: CheckInRequest, reg: Reg, staff: Staff) -> CheckInResult:
    require_district_access(staff, district_id)
    if body.code is not None:
        code = parse_check_in_code(body.code)
        if code is None:
            raise Problem(
                422,
                "check-in-code-unreadable",
                "Das ist kein Check-in-Code einer Platzbestätigung.",
                "This is not the check-in code of a seat confirmation.",
                field="code",
            )
        if code.district_id != district_id:
            raise Problem(
                422,
                "check-in-other-district",
                "Dieser Code gehört zum Workshop eines anderen Landkreises.",
                "This code belongs to another district's workshop.",
                field="code",
            )
        participant_id, method = code.participant_id, "qr_code"
    else:
        assert body.participant_id is not None
        participant_id, method = body.participant_id, "name_search"
    try:
        async with reg.pool.acquire() as conn, conn.transaction():
            done = await service.check_in(
                conn,
                district_id,
                participant_id,
                method=method,  # type: ignore[arg-type]
                by=staff.subject,
                now=datetime.now(UTC),
            )
            figures = await service.attendance(conn, district_id)
    except service.CheckInRefused as exc:
        raise Problem(exc.status, exc.code, exc.de, exc.en) from None
    return CheckInResult(
        person=_out(done.person), already_checked_in=done.already, attendance=figures
    )


@router.get(
    "/districts/{district_id}/check-in/attendance",
    summary="Seated and checked in, per half",
)
async def attendance(district_id: str, reg: Reg, staff: Staff) -> dict[str, dict[str, int]]:
    require_district_access(staff, district_id)
    async with reg.pool.acquire() as conn:
        return await service.attendance(conn, district_id)


@router.post(
    "/districts/{district_id}/guidelines",
    status_code=201,
    response_model=GuidelineOut,
    summary="Record a guideline (Leitlinie) of the workshop",
)
async def record_guideline(
    district_id: str, body: GuidelineIn, reg: Reg, staff: Staff
) -> GuidelineOut:
    require_district_access(staff, district_id)
    if body.field_of_action not in FIELDS_OF_ACTION:
        raise Problem(
            422,
            "unknown-field-of-action",
            "Unbekanntes Handlungsfeld. Möglich: " + ", ".join(FIELDS_OF_ACTION),
            "Unknown field of action. Possible: " + ", ".join(FIELDS_OF_ACTION),
            field="field_of_action",
        )
    now = datetime.now(UTC)
    try:
        async with reg.pool.acquire() as conn, conn.transaction():
            guideline_id = await outcomes.record_guideline(
                conn,
                district_id,
                outcomes.Guideline(
                    body.title,
                    body.text,
                    body.field_of_action,
                    tuple(body.supporting_statements),
                    tuple(body.idea_ids),
                ),
                by=staff.subject,
                now=now,
            )
            row = next(
                r
                for r in await outcomes.guidelines(conn, district_id)
                if r["guideline_id"] == guideline_id
            )
    except outcomes.UnknownIdeas as exc:
        raise Problem(
            422,
            "unknown-ideas",
            "Diese Ideen wurden für diesen Landkreis nicht eingereicht.",
            "These ideas were not submitted for this district.",
            field="idea_ids",
            extra={"idea_ids": [str(i) for i in exc.idea_ids]},
        ) from None
    return _guideline(row)


@router.get(
    "/districts/{district_id}/guidelines",
    response_model=list[GuidelineOut],
    summary="The guidelines recorded for the district",
)
async def list_guidelines(district_id: str, reg: Reg, staff: Staff) -> list[GuidelineOut]:
    require_district_access(staff, district_id)
    async with reg.pool.acquire() as conn:
        return [_guideline(r) for r in await outcomes.guidelines(conn, district_id)]


def _guideline(r: object) -> GuidelineOut:
    return GuidelineOut(
        guideline_id=r["guideline_id"],  # type: ignore[index]
        title=r["title"],  # type: ignore[index]
        text=r["text"],  # type: ignore[index]
        field_of_action=r["field_of_action"],  # type: ignore[index]
        supporting_statements=list(r["supporting_statements"]),  # type: ignore[index]
        idea_ids=list(r["idea_ids"]),  # type: ignore[index]
        recorded_at=r["recorded_at"],  # type: ignore[index]
    )


PAGE = """<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Check-in – Workshop __DISTRICT__</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:40rem;margin-inline:auto;
line-height:1.4;color:#111;background:#fff}
h1{font-size:1.3rem}label{display:block;font-weight:600;margin-top:.8rem}
input,textarea,button{font:inherit;width:100%;box-sizing:border-box;padding:.7rem;margin-top:.3rem;
border:1px solid #555;border-radius:.4rem}
button{background:#0b4f8a;color:#fff;border:none;min-height:3rem;cursor:pointer}
button.secondary{background:#e8eef5;color:#0b4f8a}
#status{margin-top:1rem;padding:.8rem;border-radius:.4rem;min-height:1.4rem}
.ok{background:#e3f4e3;border:2px solid #1a7f1a}.bad{background:#fde8e8;border:2px solid #a11}
ul{list-style:none;padding:0}li{border-bottom:1px solid #ccc;padding:.6rem 0}
video{width:100%;max-height:50vh;background:#000;margin-top:.5rem}
.en{color:#555;font-size:.9em}button .en{color:inherit}[hidden]{display:none!important}
#counts{font-variant-numeric:tabular-nums}
</style>
</head>
<body>
<main>
<h1>Check-in <span class="en">/ check-in</span> · __DISTRICT__</h1>
<section id="login">
<form id="login-form">
<label for="token">Zugangs-Token <span class="en">/ staff token</span></label>
<textarea id="token" rows="3" required autocomplete="off"></textarea>
<button type="submit">Anmelden <span class="en">/ sign in</span></button>
</form>
</section>
<section id="desk" hidden>
<p id="counts" aria-live="polite"></p>
<button type="button" id="scan" class="secondary">QR-Code scannen
<span class="en">/ scan QR code</span></button>
<video id="video" playsinline muted hidden></video>
<form id="code-form">
<label for="code">Code eingeben oder einfügen <span class="en">/ type or paste the code</span></label>
<input id="code" name="code" autocomplete="off" placeholder="MWCHECKIN:…">
<button type="submit">Einchecken <span class="en">/ check in</span></button>
</form>
<form id="search-form" role="search">
<label for="q">Suche nach Namen <span class="en">/ search by name</span></label>
<input id="q" name="q" autocomplete="off" minlength="2">
<button type="submit" class="secondary">Suchen <span class="en">/ search</span></button>
</form>
<div id="status" role="status" aria-live="assertive"></div>
<ul id="results"></ul>
<button type="button" id="logout" class="secondary">Abmelden <span class="en">/ sign out</span></button>
</section>
</main>
<script>
(function () {
  "use strict";
  var district = "__DISTRICT__";
  var base = location.pathname.replace(/\\/check-in\\/?$/, "/check-in");
  var KEY = "mitwirken-staff-token";
  function $(id) { return document.getElementById(id); }
  function token() { return sessionStorage.getItem(KEY); }
  function show() {
    var signedIn = !!token();
    $("login").hidden = signedIn; $("desk").hidden = !signedIn;
    if (signedIn) { counts(); }
  }
  function say(text, good) {
    var s = $("status"); s.textContent = text; s.className = good ? "ok" : "bad";
  }
  function call(method, url, body) {
    var opts = {method: method, headers: {"Authorization": "Bearer " + token()}};
    if (body) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(url, opts).then(function (r) {
      if (r.status === 401) { sessionStorage.removeItem(KEY); show(); }
      return r.json().then(function (data) { return {ok: r.ok, data: data}; });
    });
  }
  function name(p) { return ((p.given_name || "") + " " + (p.family_name || "")).trim(); }
  function half(h) { return h === "register" ? "Melderegister / register" : "Bewerbung / applicants"; }
  function showCounts(a) {
    var parts = [];
    Object.keys(a).forEach(function (h) {
      parts.push(half(h) + ": " + a[h].checked_in + " / " + a[h].seated);
    });
    $("counts").textContent = "Anwesend / present: " + parts.join(" · ");
  }
  function counts() {
    call("GET", base + "/attendance").then(function (r) { if (r.ok) { showCounts(r.data); } });
  }
  function checkIn(body) {
    return call("POST", base, body).then(function (r) {
      if (r.ok) {
        var p = r.data.person;
        say((r.data.already_checked_in ? "Bereits eingecheckt / already checked in: "
                                       : "Eingecheckt / checked in: ") + name(p) + " (" + half(p.half) + ")", true);
        showCounts(r.data.attendance);
      } else {
        say((r.data.detail || "Fehler") +
            (r.data.detail_en ? " / " + r.data.detail_en : ""), false);
      }
      return r;
    });
  }
  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault(); sessionStorage.setItem(KEY, $("token").value.trim()); $("token").value = ""; show();
  });
  $("logout").addEventListener("click", function () { sessionStorage.removeItem(KEY); show(); });
  $("code-form").addEventListener("submit", function (e) {
    e.preventDefault(); var c = $("code").value.trim(); if (!c) { return; }
    checkIn({code: c}).then(function () { $("code").value = ""; $("code").focus(); });
  });
  $("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    call("GET", base + "/search?q=" + encodeURIComponent($("q").value)).then(function (r) {
      var list = $("results"); list.textContent = "";
      if (!r.ok) { say(r.data.detail || "Fehler", false); return; }
      if (!r.data.length) { say("Niemand gefunden / nobody found", false); return; }
      r.data.forEach(function (p) {
        var li = document.createElement("li");
        var label = document.createElement("div");
        label.textContent = name(p) + " – " + half(p.half) +
          (p.state === "seated" ? "" : p.state === "waitlisted" ? " – Warteliste / waitlist" : " – abgegeben / gave up seat");
        li.appendChild(label);
        if (p.checked_in_at) {
          var d = document.createElement("div"); d.textContent = "✓ eingecheckt / checked in"; li.appendChild(d);
        } else if (p.state === "seated") {
          var b = document.createElement("button"); b.type = "button";
          b.textContent = "Einchecken: " + name(p);
          b.addEventListener("click", function () {
            checkIn({participant_id: p.participant_id}).then(function (res) {
              if (res.ok) { b.replaceWith(document.createTextNode("✓ eingecheckt / checked in")); }
            });
          });
          li.appendChild(b);
        }
        list.appendChild(li);
      });
    });
  });
  $("scan").addEventListener("click", function () {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
      say("Dieser Browser kann keine QR-Codes lesen: bitte Code eingeben oder nach Namen suchen. " +
          "/ This browser cannot read QR codes: type the code or search by name.", false);
      return;
    }
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    var video = $("video"); video.hidden = false;
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream; video.play();
      var busy = false, last = "";
      function stop() { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; }
      function tick() {
        if (video.hidden) { return; }
        detector.detect(video).then(function (codes) {
          var c = codes.length ? codes[0].rawValue : "";
          if (c && c !== last && !busy) {
            busy = true; last = c;
            checkIn({code: c}).then(function () { busy = false; });
          }
          requestAnimationFrame(tick);
        }).catch(function () { requestAnimationFrame(tick); });
      }
      video.addEventListener("click", stop, {once: true});
      tick();
    }).catch(function () {
      video.hidden = true;
      say("Kamera nicht verfügbar / camera not available", false);
    });
  });
  show();
})();
</script>
</body>
</html>
"""  # noqa: E501
