"""Rate limits per client and purpose (a sliding window kept in memory per instance).

Per-instance counting is deliberate: it needs no shared store, and with N instances
behind a load balancer a client gets at most N times the limit, which still stops
guessing and flooding. A refusal is a 429 problem with ``Retry-After``.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from fastapi import Request

from shared.http import Problem


@dataclass
class RateLimiter:
    limit: int
    window_s: float
    _hits: dict[str, deque[float]] = field(default_factory=dict)

    def check(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            retry_after = max(1, int(hits[0] + self.window_s - now) + 1)
            raise Problem(
                429,
                "too-many-requests",
                f"Zu viele Anfragen. Bitte versuchen Sie es in {retry_after} Sekunden erneut.",
                f"Too many requests. Please try again in {retry_after} seconds.",
                extra={"retry_after": retry_after},
                headers={"Retry-After": str(retry_after)},
            )
        hits.append(now)
        if len(self._hits) > 100_000:  # forget idle clients rather than grow without bound
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window_s}


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"
