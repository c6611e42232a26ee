from django.urls import path

from . import search_views

app_name = "kb_search"

urlpatterns = [
    path("", search_views.results, name="results"),
]
