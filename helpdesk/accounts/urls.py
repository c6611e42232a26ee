from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.StaffSignInView.as_view(), name="sign_in"),
    path("sign-out/", views.StaffSignOutView.as_view(), name="sign_out"),
    path("preferences/", views.staff_preferences, name="preferences"),
]
