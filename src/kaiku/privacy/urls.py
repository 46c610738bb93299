from django.urls import path

from kaiku.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.requests, name="requests"),
    path("export/", views.export, name="export"),
    path("erase/", views.erase, name="erase"),
    path("retention/", views.retention_page, name="retention"),
    path("retention/save/", views.retention_save, name="retention_save"),
    path("retention/apply/", views.retention_apply, name="retention_apply"),
    path("processing/", views.processing_page, name="processing"),
    path("processing.md", views.processing_download, {"fmt": "md"}, name="processing_md"),
    path("processing.json", views.processing_download, {"fmt": "json"}, name="processing_json"),
    path("processing/processors/", views.processors_save, name="processors_save"),
]
