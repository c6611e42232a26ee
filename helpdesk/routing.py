from django.urls import path

from chat.routing import websocket_urlpatterns as chat_websocket_urlpatterns
from helpdesk.core.consumers import StaffEventsConsumer

websocket_urlpatterns = [
    path("ws/staff/", StaffEventsConsumer.as_asgi()),
    *chat_websocket_urlpatterns,
]
