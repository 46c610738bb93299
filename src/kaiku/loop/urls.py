from django.urls import path

from kaiku.loop import views

app_name = "loop"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/note/", views.case_note, name="case_note"),
    path("<int:case_id>/contact/", views.case_contact, name="case_contact"),
    path("<int:case_id>/resolve/", views.case_resolve, name="case_resolve"),
    path("<int:case_id>/state/", views.case_state, name="case_state"),
    path("<int:case_id>/assign/", views.case_assign, name="case_assign"),
    path("rules/", views.rules, name="rules"),
    path("rules/add/", views.rule_edit, name="rule_add"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("webhooks/add/", views.webhook_edit, name="webhook_add"),
    path("webhooks/<int:webhook_id>/", views.webhook_edit, name="webhook_edit"),
]
