from django.urls import path

from . import staff_views

app_name = "staff_customers"

urlpatterns = [
    path("", staff_views.customer_list, name="list"),
    path("<uuid:public_id>/", staff_views.customer_detail, name="detail"),
]
