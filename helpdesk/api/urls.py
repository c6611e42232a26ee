from django.urls import path

from kb import api as kb_api
from surveys import api as surveys_api

from . import credits, orders, tickets

app_name = "api"

urlpatterns = [
    path("orders", orders.OrderUpsertView.as_view(), name="orders"),
    path("tickets", tickets.TicketListCreateView.as_view(), name="tickets"),
    path("tickets/<int:pk>", tickets.TicketDetailView.as_view(), name="ticket_detail"),
    path("tickets/<int:pk>/messages", tickets.TicketMessageCreateView.as_view(), name="ticket_messages"),
    path("customers/<str:external_id>/credit", credits.CreditView.as_view(), name="credit"),
    path("customers/<str:external_id>/credit/grants", credits.CreditGrantView.as_view(), name="credit_grants"),
    path(
        "customers/<str:external_id>/credit/redemptions",
        credits.RedemptionView.as_view(),
        name="credit_redemptions",
    ),
    path(
        "customers/<str:external_id>/credit/redemptions/<uuid:redemption_id>/reverse",
        credits.ReversalView.as_view(),
        name="credit_reverse",
    ),
    path("exit-surveys", surveys_api.ExitSurveyCreateView.as_view(), name="exit_surveys"),
    path("kb/search", kb_api.KBSearchView.as_view(), name="kb_search"),
    path("kb/articles/<str:article_id>", kb_api.KBArticleView.as_view(), name="kb_article"),
]
