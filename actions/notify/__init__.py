"""Notify: customer e-mails over SMTP, never sent twice.

- ``messages``: the e-mails (welcome, appointment reminder, dunning reminder), plain text,
  money from integer cents, a Message-ID derived from the idempotency key.
- ``mailer``: ``smtp_settings`` from ``<home>/mail/smtp.yaml``, ``send``, and
  ``already_delivered`` to reconcile after a crash between sending and recording.
- ``sink``: ``MailSink``, a local SMTP server that keeps every message in a Maildir.
- ``maildir``: read what the sink stored.
"""

from actions.notify.errors import MailConfigError, MailError, NotifyError, SinkError
from actions.notify.maildir import message_ids, read_messages
from actions.notify.mailer import SmtpSettings, already_delivered, send, smtp_settings
from actions.notify.messages import (
    appointment_reminder,
    dunning_reminder,
    format_cents,
    message_id_for,
    welcome_email,
)
from actions.notify.sink import MailSink, mail_sink, sink_maildir, write_smtp_settings

__all__ = [
    "MailConfigError",
    "MailError",
    "MailSink",
    "NotifyError",
    "SinkError",
    "SmtpSettings",
    "already_delivered",
    "appointment_reminder",
    "dunning_reminder",
    "format_cents",
    "mail_sink",
    "message_id_for",
    "message_ids",
    "read_messages",
    "send",
    "sink_maildir",
    "smtp_settings",
    "welcome_email",
    "write_smtp_settings",
]
