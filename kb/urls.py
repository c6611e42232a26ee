from django.urls import path

from . import views

app_name = "kb"

urlpatterns = [
    path("votes/<int:page_id>/", views.article_vote, name="vote"),
]
