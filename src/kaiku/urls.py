"""The URL map: one include per app, the API under /api/, sign-in from Django auth."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from kaiku.api import api
from kaiku.core import views as core_views
from kaiku.invitations import public_views as invitation_views
from kaiku.loop import public_views as loop_public_views
from kaiku.organisations.permissions import public, signed_in
from kaiku.responses import kiosk_views

auth_patterns = [
    path("login/", public(auth_views.LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("password_reset/", public(auth_views.PasswordResetView.as_view()), name="password_reset"),
    path(
        "password_reset/done/",
        public(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        public(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path(
        "password_change/",
        signed_in(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password_change/done/",
        signed_in(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
]

urlpatterns = [
    # Respondents' answers first: URLs are matched in order, and these are most of the
    # traffic (the other prefixes start differently, so the order changes no match).
    path("s/", include("kaiku.responses.public_urls")),
    path("api/", api.urls),
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("no-organisation/", core_views.no_organisation, name="no_organisation"),
    path("accounts/", include(auth_patterns)),
    path("accounts/", include("kaiku.accounts.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("k/<str:token>/", kiosk_views.kiosk, name="kiosk"),
    path("i/<str:token>/", invitation_views.invitation, name="invitation"),
    path("o/<str:token>/", invitation_views.opt_out, name="opt_out"),
    path("u/<str:token>/", loop_public_views.unsubscribe, name="loop_unsubscribe"),
    path("k/<str:token>/thanks/", kiosk_views.kiosk_thanks, name="kiosk_thanks"),
    path("journeys/", include("kaiku.journeys.urls")),
    path("surveys/", include("kaiku.surveys.urls")),
    path("responses/", include("kaiku.responses.urls")),
    path("analysis/", include("kaiku.textanalysis.urls")),
    path("analytics/", include("kaiku.analytics.urls")),
    path("cases/", include("kaiku.loop.urls")),
    path("actions/", include("kaiku.loop.action_urls")),
    path("people/", include("kaiku.people.urls")),
    path("walkthroughs/", include("kaiku.walkthroughs.urls")),
    path("organisation/", include("kaiku.organisations.urls")),
    path("audit/", include("kaiku.audit.urls")),
    path("privacy/", include("kaiku.privacy.urls")),
    path("admin/", admin.site.urls),
]
