from django.urls import path

from . import portal_views

app_name = "credits"

urlpatterns = [
    path("", portal_views.portal, name="portal"),
]
