"""Read what the local SMTP sink stored: a Maildir (stdlib ``mailbox.Maildir``)."""

from __future__ import annotations

import mailbox
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

__all__ = ["message_ids", "read_messages"]


def read_messages(maildir: Path) -> list[EmailMessage]:
    """Every message in ``maildir``, oldest delivery first.

    Args:
        maildir: The sink's Maildir (holds ``cur/``, ``new/`` and ``tmp/``).

    Returns:
        The parsed messages; an empty list when the Maildir does not exist yet.
    """
    if not (Path(maildir) / "new").is_dir():
        return []
    box = mailbox.Maildir(maildir, factory=None, create=False)
    stored: list[tuple[float, str, bytes]] = []
    for key in box.iterkeys():
        try:
            delivered_at = box.get_message(key).get_date()
            raw = box.get_bytes(key)
        except KeyError:
            continue
        stored.append((delivered_at, key, raw))
    stored.sort(key=lambda entry: (entry[0], entry[1]))
    return [_parse(raw) for _, _, raw in stored]


def message_ids(maildir: Path) -> list[str]:
    """The Message-ID of every message in ``maildir``, one per message, repeats kept.

    Args:
        maildir: The sink's Maildir.

    Returns:
        Message-IDs in delivery order; a message without one is listed as ``""``. An id
        that occurs twice means the same e-mail was delivered twice.
    """
    return [str(message.get("Message-ID", "")).strip() for message in read_messages(maildir)]


def _parse(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed
