from django.urls import path

from . import staff_views

app_name = "kb_reports"

urlpatterns = [
    path("", staff_views.dashboard_page, name="dashboard"),
    path("articles.csv", staff_views.articles_csv, name="articles_csv"),
]
