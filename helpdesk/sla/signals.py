"""Signals other apps react to; the SLA app never imports them."""

from django.dispatch import Signal

# Sent after commit whenever a calendar or a policy (or one of their rows) changes, so open
# tickets can be recomputed. Arguments: calendar (a Calendar or None), policy (an SlaPolicy or None).
# Receivers should be idempotent: one admin save can announce the same calendar twice.
sla_configuration_changed = Signal()
