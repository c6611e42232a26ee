from django.urls import path

from . import search_views

app_name = "kb_search"

urlpatterns = [
    path("", search_views.results, name="results"),
    # A result link of the results page: counts the click, then redirects to the page.
    path("go/<str:token>/", search_views.result_go, name="go"),
]
