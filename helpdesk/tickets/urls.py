"""Customer-facing ticket pages (portal and the sign-in-free request form), under /<lang>/support/."""

from django.urls import path

from . import portal_views

app_name = "tickets"

urlpatterns = [
    path("", portal_views.portal_list, name="portal_list"),
    path("new/", portal_views.ticket_new, name="new"),
    path("confirm/<str:token>/", portal_views.request_confirm, name="request_confirm"),
    path("attachments/<uuid:public_id>/", portal_views.portal_attachment, name="portal_attachment"),
    path("<uuid:public_id>/", portal_views.portal_detail, name="portal_detail"),
    path("<uuid:public_id>/reply/", portal_views.portal_reply, name="portal_reply"),
    path("<uuid:public_id>/solve/", portal_views.portal_solve, name="portal_solve"),
]
