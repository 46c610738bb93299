from django.urls import path

from kaiku.organisations import views

app_name = "organisations"
urlpatterns = [
    path("switch/", views.switch_organisation, name="switch"),
    path("members/", views.members, name="members"),
    path("members/add/", views.member_add, name="member_add"),
    path("members/<int:membership_id>/", views.member_edit, name="member_edit"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "members/<int:membership_id>/two-step/reset/",
        views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path("teams/", views.teams, name="teams"),
    path("teams/add/", views.team_add, name="team_add"),
    path("teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/add/", views.api_key_add, name="api_key_add"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
]
