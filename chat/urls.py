from django.urls import path

from . import widget_views

app_name = "chat"

urlpatterns = [
    path("widget/", widget_views.widget, name="widget"),
    path("widget/launcher.json", widget_views.launcher_strings, name="launcher_strings"),
]
