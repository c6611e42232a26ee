from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("sla/", views.sla_page, name="sla"),
    path("sla/breaches/", views.sla_breaches, name="sla_breaches"),
    path("sla/tickets.csv", views.sla_csv, name="sla_csv"),
    path("retention/", views.retention_page, name="retention"),
    path("retention/groups.csv", views.retention_csv, {"export": "groups"}, name="retention_groups_csv"),
    path("retention/credit.csv", views.retention_csv, {"export": "credit"}, name="retention_credit_csv"),
]
