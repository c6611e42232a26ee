from django import template

from surveys.selectors import responses_for_customer

register = template.Library()


@register.inclusion_tag("surveys/staff/_panel_scores.html")
def survey_scores(customer):
    """The customer's latest survey answers, beside a conversation: `{% survey_scores ticket.customer %}`."""
    return {"responses": responses_for_customer(customer, limit=3)}
