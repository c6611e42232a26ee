from django.urls import path

from . import exit_intent_views, views

app_name = "surveys"

urlpatterns = [
    path("s/<str:token>/", views.answer, name="answer"),
    path("s/<str:token>/thanks/", views.done, name="done"),
    path("s/<str:token>/offer/", views.winback, name="winback"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("exit-intent/", exit_intent_views.exit_intent, name="exit_intent"),
]
