"""Managers' survey reports, mounted at /<lang>/staff/surveys/."""

from django.urls import path

from . import staff_views

app_name = "surveys_staff"

urlpatterns = [
    path("", staff_views.reports_page, name="reports"),
    path("<slug:report>.csv", staff_views.report_csv, name="csv"),
]
