from django.urls import path

from kaiku.analytics import views

app_name = "analytics"
urlpatterns = [
    path("feedback/", views.my_feedback, name="my_feedback"),
    path("feedback/mine.csv", views.my_feedback_csv, name="my_feedback_csv"),
    path("teams/<int:team_id>/", views.team_feedback, name="team_feedback"),
    path("teams/<int:team_id>/feedback.csv", views.team_feedback_csv, name="team_feedback_csv"),
    path("journeys/<int:journey_id>/", views.journey_map, name="journey_map"),
    path("journeys/<int:journey_id>/drivers/", views.journey_drivers, name="journey_drivers"),
    path("journeys/<int:journey_id>/compare/", views.journey_compare, name="journey_compare"),
    path("journeys/<int:journey_id>/report.pdf", views.journey_report, name="journey_report"),
    path(
        "journeys/<int:journey_id>/export.csv",
        views.journey_export,
        {"fmt": "csv"},
        name="journey_export_csv",
    ),
    path(
        "journeys/<int:journey_id>/export.xlsx",
        views.journey_export,
        {"fmt": "xlsx"},
        name="journey_export_xlsx",
    ),
    path(
        "journeys/<int:journey_id>/pain-points/",
        views.journey_pain_points,
        name="journey_pain_points",
    ),
]
