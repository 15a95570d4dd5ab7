"""HTTP pieces every service shares: health and readiness, RFC 9457 problem documents.

Every refusal is a problem document (``application/problem+json``) with a German
``detail`` and an English ``detail_en``, naming the field where a field is at fault.
Input values are never echoed back into problems or logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """A refusal to return to the client as an RFC 9457 problem document."""

    def __init__(
        self,
        status: int,
        code: str,
        detail_de: str,
        detail_en: str,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail_en)
        self.status = status
        self.code = code
        self.detail_de = detail_de
        self.detail_en = detail_en
        self.field = field
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://mitwirken.example/problems/{self.code}",
            "title": self.code.replace("-", " "),
            "status": self.status,
            "detail": self.detail_de,
            "detail_en": self.detail_en,
            "instance": instance,
        }
        if self.field is not None:
            body["field"] = self.field
        body.update(self.extra)
        return body


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers or None,
    )


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = []
        for error in exc.errors()[:20]:
            loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
            errors.append({"field": ".".join(loc) or "(body)", "message": error.get("msg", "")})
        first = errors[0]["field"] if errors else "(body)"
        problem = Problem(
            422,
            "invalid-input",
            f"Die Eingabe ist unvollständig oder ungültig: bitte prüfen Sie das Feld „{first}“.",
            f"The input is incomplete or invalid: please check the field '{first}'.",
            field=first,
            extra={"errors": errors},
        )
        return problem_response(problem, request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        problem = Problem(
            exc.status_code,
            "http-error",
            "Die Anfrage konnte nicht bearbeitet werden.",
            str(exc.detail),
        )
        response = problem_response(problem, request)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


def runtime_of(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def observability_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health/live", summary="The process is alive")
    async def live() -> dict[str, str]:
        return {"status": "alive"}

    @router.get("/health/ready", summary="The service can do its work")
    async def ready(request: Request) -> JSONResponse:
        checks = await runtime_of(request).readiness()
        ok = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not ready", "checks": checks},
            status_code=200 if ok else 503,
        )

    return router
