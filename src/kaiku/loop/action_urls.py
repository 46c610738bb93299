from django.urls import path

from kaiku.loop import action_views as views

app_name = "actions"
urlpatterns = [
    path("", views.action_list, name="list"),
    path("add/", views.action_add, name="add"),
    path("<int:action_id>/", views.action_detail, name="detail"),
    path("<int:action_id>/edit/", views.action_edit, name="edit"),
    path("<int:action_id>/announce/", views.action_announce, name="announce"),
]
