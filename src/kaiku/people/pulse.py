"""Taking an employee pulse answer: checked like any answer, written with the team
and the month only, and its free text analysed after commit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.core.background import send_after_commit
from kaiku.organisations.models import Team
from kaiku.people.models import PulseAnswer, PulseResponse
from kaiku.responses.answers import clean_answers
from kaiku.responses.services import Submission, SurveyNotOpen
from kaiku.surveys.models import QuestionKind, Survey
from kaiku.surveys.selectors import structure


def pulse_teams(survey: Survey) -> list[Team]:
    """The teams a person picks from: every team of the organisation."""
    return list(Team.objects.filter(organisation_id=survey.organisation_id).order_by("name"))


def submit_pulse(submission: Submission) -> PulseResponse:
    """Save one pulse answer. Only the answers, the chosen team and the language are
    read from the submission; whatever else a channel passed is dropped."""
    survey = submission.survey
    if not survey.is_pulse:
        raise ValidationError({"survey": _("This survey is not an employee pulse.")})
    if not survey.is_open:
        raise SurveyNotOpen(_("This survey is not open for answers."))
    errors: dict[str, list[str]] = {}
    teams = {t.pk: t for t in pulse_teams(survey)}
    team = teams.get(submission.team_id) if submission.team_id is not None else None
    if teams and team is None:
        errors["team_id"] = [_("Choose your team.")]
    answers, problems = clean_answers(list(structure(survey).questions), submission.answers, [])
    for key, message in problems.items():
        errors[f"answers.{key}"] = [message]
    if not answers and not problems:
        errors["answers"] = [_("The response has no answers.")]
    if errors:
        raise ValidationError(errors)
    language = submission.language if submission.language in survey.languages else ""
    with transaction.atomic():
        response = PulseResponse.objects.create(
            organisation_id=survey.organisation_id,
            survey=survey,
            team=team,
            month=timezone.localdate().replace(day=1),
            language=language or survey.languages[0],
            is_demo=submission.is_demo,
        )
        PulseAnswer.objects.bulk_create(
            PulseAnswer(
                response=response,
                question=a.question,
                kind=a.question.kind,
                number=a.number,
                text=a.text,
                choices=[e for e, _i in a.emotions]
                if a.question.kind == QuestionKind.EMOTION
                else list(a.choices),
            )
            for a in answers
        )
        if any(a.text for a in answers):
            from kaiku.people.tasks import analyse_pulse_task

            send_after_commit(analyse_pulse_task, [response.pk])
    return response
