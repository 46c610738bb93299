from django.urls import path

from kaiku.walkthroughs import views

app_name = "walkthroughs"
urlpatterns = [
    path("", views.walkthrough_list, name="list"),
    path("plan/", views.walkthrough_plan, name="plan"),
    path("<int:walkthrough_id>/", views.walkthrough_detail, name="detail"),
    path("<int:walkthrough_id>/edit/", views.walkthrough_edit, name="edit"),
    path("<int:walkthrough_id>/status/", views.walkthrough_status, name="status"),
    path("<int:walkthrough_id>/touchpoints/<int:touchpoint_id>/", views.observe, name="observe"),
    path(
        "observations/<int:observation_id>/delete/",
        views.observation_delete,
        name="delete_observation",
    ),
    path(
        "observations/<int:observation_id>/action/",
        views.observation_action,
        name="start_action",
    ),
    path("photos/<int:observation_id>/", views.photo, name="photo"),
]
