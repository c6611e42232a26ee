"""The short lists the inbox and ticket page offer in their selects."""

from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, Value

from helpdesk.accounts.roles import AGENT, MANAGER

from ..models import Macro, Team


def _agents():
    return get_user_model().objects.filter(Q(groups__name__in=[AGENT, MANAGER]) | Q(is_superuser=True), is_active=True)


def agents_for_assignment() -> list:
    """Active staff who may hold tickets, by name."""
    return list(
        _agents().distinct().only("pk", "first_name", "last_name", "email").order_by("first_name", "last_name", "email")
    )


def agents_and_teams() -> tuple[list, list[Team]]:
    """The agents and the teams, in one query: the inbox page has a budget of ten."""
    kind = CharField()
    agents = _agents().order_by().values_list(Value("agent", kind), "pk", "first_name", "last_name", "email")
    teams = Team.objects.order_by().values_list(Value("team", kind), "pk", "name", Value("", kind), Value("", kind))
    User = get_user_model()
    found_agents, found_teams = [], []
    for row_kind, pk, first, last, email in agents.union(teams):  # UNION also drops the group join's repeats
        if row_kind == "agent":
            found_agents.append(User(pk=pk, first_name=first, last_name=last, email=email))
        else:
            found_teams.append(Team(pk=pk, name=first))
    found_agents.sort(key=lambda user: (user.first_name, user.last_name, user.email))
    found_teams.sort(key=lambda team: team.name)
    return found_agents, found_teams


def macros_active() -> list[Macro]:
    return list(Macro.objects.filter(active=True).only("pk", "name"))
