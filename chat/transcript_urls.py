from django.urls import path

from . import transcript_views

app_name = "chat_transcripts"

urlpatterns = [
    path("<uuid:public_id>/", transcript_views.transcript_detail, name="detail"),
]
