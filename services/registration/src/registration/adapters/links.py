"""Signed, expiring links for residents: confirming and withdrawing an application.

The token carries only the application id and the purpose; it is signed with the
service's secret so it cannot be forged or reused for another purpose.
"""

from __future__ import annotations

import uuid

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkError(Exception):
    pass


class LinkSigner:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="mitwirken-registration-links")

    def sign(self, application_id: uuid.UUID, purpose: str) -> str:
        return self._serializer.dumps({"a": str(application_id), "p": purpose})

    def read(self, token: str, purpose: str, max_age_s: int) -> uuid.UUID:
        try:
            data = self._serializer.loads(token, max_age=max_age_s)
        except (SignatureExpired, BadSignature):
            raise LinkError("invalid or expired link") from None
        if not isinstance(data, dict) or data.get("p") != purpose:
            raise LinkError("link of another purpose")
        try:
            return uuid.UUID(str(data.get("a")))
        except ValueError:
            raise LinkError("invalid link") from None
