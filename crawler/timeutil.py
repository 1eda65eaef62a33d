"""Vietnam time helpers: every stored time is ISO 8601 with ``+07:00``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7))


def now_vn() -> datetime:
    """The current time in Vietnam (UTC+7), to the second."""
    return datetime.now(VN_TZ).replace(microsecond=0)


def now_iso() -> str:
    """The current time as ``2026-11-28T22:30:00+07:00``."""
    return now_vn().isoformat()
