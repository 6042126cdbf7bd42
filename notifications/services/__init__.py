"""Services of the notifications app; ``queue_message`` is the entry point for other apps."""

from notifications.services.outbox import (
    MAX_ATTEMPTS,
    claim,
    deliver,
    dispatch,
    mark_failed,
    mark_read,
    queue_for_each,
    queue_message,
    release_for_retry,
    render_message,
    retry_failed,
    send_now,
    sweep,
)

__all__ = [
    "MAX_ATTEMPTS",
    "claim",
    "deliver",
    "dispatch",
    "mark_failed",
    "mark_read",
    "queue_for_each",
    "queue_message",
    "release_for_retry",
    "render_message",
    "retry_failed",
    "send_now",
    "sweep",
]
