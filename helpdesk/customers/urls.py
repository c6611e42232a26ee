from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/<str:token>/", views.magic_link, name="magic_link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("orders/<uuid:public_id>/", views.order_detail, name="order_detail"),
]
