from django.urls import path

from kaiku.textanalysis import views

app_name = "textanalysis"
urlpatterns = [
    path("", views.settings, name="settings"),
    path("redaction/", views.redaction, name="redaction"),
    path("themes/edit/", views.theme_edit, name="theme_edit"),
    path("train/", views.train, name="train"),
    path("corrections/", views.correct, name="correct"),
]
