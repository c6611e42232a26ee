"""The agents' chat console, mounted at /<lang>/staff/chat/."""

from django.urls import path

from . import console_views

app_name = "chat_console"

urlpatterns = [
    path("", console_views.console, name="console"),
    path("<uuid:public_id>/panel/", console_views.panel, name="panel"),
    path("<uuid:public_id>/macros/<int:pk>/", console_views.macro_text, name="macro"),
    path("<uuid:public_id>/ticket/", console_views.to_ticket, name="to_ticket"),
]
