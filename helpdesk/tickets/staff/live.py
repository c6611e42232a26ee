"""What static/js/inbox.js needs from the page: where to listen and the words to say."""

from django.urls import reverse
from django.utils.translation import gettext as _


def live_config(request, *, page: str, ticket_id: int | None = None) -> dict:
    """The JSON the page embeds for the script (user-visible strings translated here)."""
    return {
        "page": page,
        "ticket": ticket_id,
        "user": request.user.pk,
        "socket": "/ws/staff/",
        # The script swaps the 0 for the alerted ticket's number.
        "ticketUrl": reverse("inbox:detail", kwargs={"pk": 0}),
        "strings": {
            "viewing": _("%(name)s is viewing this ticket."),
            "replying": _("%(name)s is replying to this ticket."),
            "activity": _("New activity on this ticket."),
            "reload": _("Reload"),
            "updated": _("The list was updated."),
            "offline": _("Live updates paused: reconnecting…"),
            "macroFailed": _("The macro text could not be loaded."),
            "slaWarning": _("SLA due soon on #%(number)s: %(subject)s"),
            "slaBreach": _("SLA breached on #%(number)s: %(subject)s"),
        },
    }
