from django.urls import path

from kaiku.people import views  # noqa: F401 - the views arrive with their paths

app_name = "people"
urlpatterns: list = []
