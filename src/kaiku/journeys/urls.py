from django.urls import path

from kaiku.journeys import views

app_name = "journeys"
urlpatterns = [
    path("", views.journey_list, name="list"),
    path("new/", views.journey_create, name="create"),
    path("import/", views.journey_import, name="import"),
    path("<int:journey_id>/", views.journey_detail, name="detail"),
    path("<int:journey_id>/edit/", views.journey_edit, name="edit"),
    path("<int:journey_id>/archive/", views.journey_archive, name="archive"),
    path("<int:journey_id>/restore/", views.journey_restore, name="restore"),
    path("<int:journey_id>/export/", views.journey_export, name="export_request"),
    path("<int:journey_id>/stages/new/", views.stage_create, name="stage_create"),
    path("exports/<int:export_id>/", views.export_status, name="export"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
    path("stages/<int:stage_id>/edit/", views.stage_edit, name="stage_edit"),
    path("stages/<int:stage_id>/move/", views.stage_move, name="stage_move"),
    path("stages/<int:stage_id>/archive/", views.stage_archive, name="stage_archive"),
    path("stages/<int:stage_id>/restore/", views.stage_restore, name="stage_restore"),
    path(
        "stages/<int:stage_id>/touchpoints/new/", views.touchpoint_create, name="touchpoint_create"
    ),
    path("touchpoints/<int:touchpoint_id>/", views.touchpoint_detail, name="touchpoint"),
    path("touchpoints/<int:touchpoint_id>/edit/", views.touchpoint_edit, name="touchpoint_edit"),
    path("touchpoints/<int:touchpoint_id>/move/", views.touchpoint_move, name="touchpoint_move"),
    path(
        "touchpoints/<int:touchpoint_id>/archive/",
        views.touchpoint_archive,
        name="touchpoint_archive",
    ),
    path(
        "touchpoints/<int:touchpoint_id>/restore/",
        views.touchpoint_restore,
        name="touchpoint_restore",
    ),
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_create, name="segment_create"),
    path("segments/<int:segment_id>/edit/", views.segment_edit, name="segment_edit"),
    path("segments/<int:segment_id>/archive/", views.segment_archive, name="segment_archive"),
    path("segments/<int:segment_id>/restore/", views.segment_restore, name="segment_restore"),
]
