from django.urls import path

from kaiku.responses import views

app_name = "responses"
urlpatterns = [
    path("", views.comment_list, name="comments"),
    path("<int:response_id>/", views.response_detail, name="detail"),
]
