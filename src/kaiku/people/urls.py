from django.urls import path

from kaiku.people import support_views, views

app_name = "people"
urlpatterns = [
    path("pulse/", views.pulse, name="pulse"),
    path("pulse.csv", views.pulse_csv, name="pulse_csv"),
    path("teams/", views.team_view, name="teams"),
    path("support/", support_views.support, name="support"),
]
