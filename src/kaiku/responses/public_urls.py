from django.urls import path

from kaiku.responses import public_views

app_name = "respond"
urlpatterns = [
    path("<str:token>/", public_views.answer, name="answer"),
    path("<str:token>/thanks/", public_views.thanks, name="thanks"),
]
