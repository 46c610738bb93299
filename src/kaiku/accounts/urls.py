from django.urls import path

from kaiku.accounts import views

app_name = "accounts"
urlpatterns = [
    path("security/", views.security, name="security"),
    path("two-step/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-step/code/", views.two_factor_verify, name="two_factor_verify"),
]
