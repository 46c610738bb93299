from django.urls import path

from kaiku.invitations import views as invitation_views
from kaiku.responses import import_views
from kaiku.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:survey_id>/", views.survey_detail, name="detail"),
    path("<int:survey_id>/edit/", views.survey_edit, name="edit"),
    path("<int:survey_id>/touchpoints/", views.survey_touchpoints, name="touchpoints"),
    path("<int:survey_id>/status/", views.survey_status, name="status"),
    path("<int:survey_id>/questions/new/", views.question_add, name="question_add"),
    path("<int:survey_id>/qr.png", views.survey_qr, {"fmt": "png"}, name="qr_png"),
    path("<int:survey_id>/qr.svg", views.survey_qr, {"fmt": "svg"}, name="qr_svg"),
    path(
        "<int:survey_id>/invitations/new/",
        invitation_views.round_create,
        name="invitation_round_add",
    ),
    path("<int:survey_id>/kiosks/new/", views.kiosk_add, name="kiosk_add"),
    path("<int:survey_id>/imports/new/", import_views.import_upload, name="import_upload"),
    path("imports/<int:job_id>/", import_views.import_job, name="import_job"),
    path("imports/<int:job_id>/rejected.csv", import_views.import_rejected, name="import_rejected"),
    path("kiosks/<int:kiosk_id>/active/", views.kiosk_active, name="kiosk_active"),
    path("questions/<int:question_id>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:question_id>/move/", views.question_move, name="question_move"),
    path("questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
]
