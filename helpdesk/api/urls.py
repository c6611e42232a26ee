from django.urls import path

from . import orders

app_name = "api"

urlpatterns = [
    path("orders", orders.OrderUpsertView.as_view(), name="orders"),
]
