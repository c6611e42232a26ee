"""Staff credit pages, mounted at /<lang>/staff/credit/."""

from django.urls import path

from . import staff_views

app_name = "credits_staff"

urlpatterns = [
    path("grant/", staff_views.grant, name="grant"),
    path("approvals/", staff_views.approvals, name="approvals"),
    path("requests/<uuid:public_id>/decide/", staff_views.decide, name="decide"),
]
