"""Background work for tickets."""

from django.db import transaction
from django_tasks import task

from .models import UNSOLVED, Ticket
from .sla_sync import ticket_sla_refresh

BATCH = 200


@task()
def tickets_sla_recompute() -> int:
    """Recompute the SLA figures of every unsolved ticket after the SLA set-up changed."""
    done, last_pk = 0, 0
    while True:
        batch = list(
            Ticket.objects.filter(status__in=UNSOLVED, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            return done
        for pk in batch:
            with transaction.atomic():
                ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
                if ticket is not None:
                    ticket_sla_refresh(ticket)
                    done += 1
        last_pk = batch[-1]


def on_sla_configuration_changed(sender, **kwargs) -> None:
    tickets_sla_recompute.enqueue()
