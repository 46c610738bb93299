"""Reads for surveys, scoped to an organisation."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from kaiku.organisations.models import Organisation
from kaiku.surveys.models import Kiosk, Question, Survey


def surveys(organisation: Organisation) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(organisation=organisation)
        .select_related("journey")
        .annotate(response_count=Count("responses", distinct=True))
    )


def survey(organisation: Organisation, survey_id: int) -> Survey:
    found = Survey.objects.select_related("journey").prefetch_related("questions", "touchpoints")
    return get_object_or_404(found, organisation=organisation, pk=survey_id)


def question(organisation: Organisation, question_id: int) -> Question:
    found = Question.objects.select_related("survey")
    return get_object_or_404(found, survey__organisation=organisation, pk=question_id)


def public_survey(token: str) -> Survey:
    """A survey by its public link token, whatever its status (the page says if closed)."""
    found = Survey.objects.select_related("organisation", "journey").prefetch_related(
        "questions", "touchpoints"
    )
    return get_object_or_404(found, public_token=token)


def kiosk(organisation: Organisation, kiosk_id: int) -> Kiosk:
    return get_object_or_404(
        Kiosk.objects.select_related("survey"), survey__organisation=organisation, pk=kiosk_id
    )
