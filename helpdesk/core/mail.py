"""Emails rendered from a template trio in the active language: `<name>_subject.txt`, `.txt`, `.html`."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def one_line(text: str) -> str:
    """Collapse every run of whitespace, line breaks included, so a header cannot be split."""
    return " ".join(text.split())


def templated_email(
    *,
    template: str,
    context: dict,
    to: list[str],
    headers: dict | None = None,
    subject: str = "",
    reply_to: list[str] | None = None,
) -> EmailMultiAlternatives:
    """Build (not send) the email `template` names; callers pick the language with translation.override.

    Without `subject`, the subject is rendered from `<template>_subject.txt`.
    """
    email = EmailMultiAlternatives(
        subject=one_line(subject or render_to_string(f"{template}_subject.txt", context)),
        body=render_to_string(f"{template}.txt", context),
        to=to,
        headers=headers or {},
        reply_to=reply_to,
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email
