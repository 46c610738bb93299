"""Analysing free-text answers and saving what was found: one transaction per batch.

Each answer waiting for analysis is analysed once, however many tasks ask for it (a
task redelivered after its worker died, the sweep that sends lost work again): the
batch's transaction claims the waiting answers, and an answer that another task
analysed meanwhile is left as that task stored it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.analysis.adaptation import adapt
from kaiku.analysis.analyzer import TextAnalysis as TextAnalysisResult
from kaiku.analysis.labels import LABELS
from kaiku.analysis.lexicon import LANGUAGES
from kaiku.analysis.terms import MIN_STEM, TermList
from kaiku.audit.services import record, snapshot
from kaiku.core.background import lost_work, send, send_after_commit
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation, PiiRedaction
from kaiku.responses.models import AnalysisState, Answer
from kaiku.textanalysis import engine, selectors
from kaiku.textanalysis.models import (
    Correction,
    OrganisationModel,
    OrganisationTheme,
    Polarity,
    TextAnalysis,
    TextFlag,
    TextTheme,
)
from kaiku.textanalysis.signals import answers_analysed

BATCH_SIZE = 500
PENDING = (AnalysisState.QUEUED, AnalysisState.WAITING)


def analyse_responses(*, response_ids: list[int]) -> int:
    """Analyse the responses' text answers that wait for it; returns how many."""
    pending = Answer.objects.filter(response_id__in=response_ids, analysis_state__in=PENDING)
    return analyse_answers(answer_ids=list(pending.values_list("pk", flat=True)))


def analyse_answers(
    *,
    answer_ids: Iterable[int],
    waiting_only: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Analyse the answers; those analysed already only when not `waiting_only`."""
    done = 0
    for chunk in _chunks(answer_ids, BATCH_SIZE):
        done += _analyse_batch(chunk, waiting_only)
        if progress:
            progress(len(chunk))
    return done


def reanalyse(
    *,
    organisation: Organisation | None = None,
    everything: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Analyse again what an older model read (or, with `everything`, all), and what
    has waited since before the engine existed."""
    return analyse_answers(
        answer_ids=_to_reanalyse(organisation, everything)
        .order_by("pk")
        .values_list("pk", flat=True),
        waiting_only=False,
        progress=progress,
    )


def count_to_reanalyse(
    *, organisation: Organisation | None = None, everything: bool = False
) -> int:
    return _to_reanalyse(organisation, everything).count()


def _to_reanalyse(organisation: Organisation | None, everything: bool) -> QuerySet[Answer]:
    answers = Answer.objects.exclude(text="")
    if organisation is not None:
        answers = answers.filter(response__organisation=organisation)
    if everything:
        return answers
    organisations = [organisation] if organisation else Organisation.objects.all()
    outdated = Q(analysis_state__in=PENDING)
    for each in organisations:
        version, _ = engine.for_organisation(each.pk)
        outdated |= (
            Q(response__organisation=each)
            & ~Q(analysis__model_version=version)
            & Q(analysis__isnull=False)
        )
    return answers.filter(outdated)


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def analyse_lost() -> int:
    """Send again the analysis of answers whose task was lost; returns how many."""
    from kaiku.textanalysis.tasks import analyse_answers_task

    waiting = Answer.objects.filter(analysis_state=AnalysisState.QUEUED)
    lost = lost_work("textanalysis.answers", waiting)
    for chunk in _chunks(lost, BATCH_SIZE):
        send(analyse_answers_task, chunk)
    return len(lost)


def _analyse_batch(answer_ids: list[int], waiting_only: bool) -> int:
    asked = Answer.objects.filter(pk__in=answer_ids)
    if waiting_only:
        asked = asked.filter(analysis_state__in=PENDING)
    answers = list(
        asked.exclude(text="")
        .select_related("response__organisation")
        .only(
            "pk",
            "text",
            "response_id",
            "response__language",
            "response__organisation_id",
            "response__organisation__pii_redaction",
        )
    )
    if not answers:
        return 0
    analyzer = engine.analyzer()
    by_organisation: dict[int, list[Answer]] = {}
    for answer in answers:
        by_organisation.setdefault(answer.response.organisation_id, []).append(answer)
    now = timezone.now()
    rows: list[TextAnalysis] = []
    redacted_answers: list[Answer] = []
    for organisation_id, group in by_organisation.items():
        policy = group[0].response.organisation.pii_redaction
        version, adapter = engine.for_organisation(organisation_id)
        results = analyzer.analyze_batch(
            [a.text for a in group],
            hints=[a.response.language for a in group],
            redact=policy != PiiRedaction.OFF,
            adapter=adapter,
            taxonomy=engine.taxonomy_for(organisation_id),
        )
        for answer, result in zip(group, results, strict=True):
            rows.append(_row(answer, result, version, now))
            if policy == PiiRedaction.STORE and result.redactions:
                # The whole answer, not the analysed text: that may be cut short.
                answer.text = analyzer.redactor.redact(answer.text).text
                redacted_answers.append(answer)
    with transaction.atomic():
        if waiting_only:
            rows, redacted_answers = _claim(rows, redacted_answers)
        ids = [row.answer_id for row in rows]
        TextAnalysis.objects.filter(answer_id__in=ids).delete()
        TextAnalysis.objects.bulk_create(rows)
        TextTheme.objects.bulk_create(
            TextTheme(analysis_id=row.answer_id, key=key) for row in rows for key in row.theme_keys
        )
        TextFlag.objects.bulk_create(
            TextFlag(analysis_id=row.answer_id, kind=flag["kind"], urgent=flag["urgent"])
            for row in rows
            for flag in row.flags
        )
        Answer.objects.filter(pk__in=ids).update(analysis_state=AnalysisState.DONE)
        if redacted_answers:
            Answer.objects.bulk_update(redacted_answers, ["text"])
    for organisation_id in {row.organisation_id for row in rows}:
        answers_analysed.send(
            sender=TextAnalysis,
            organisation_id=organisation_id,
            analyses=[row for row in rows if row.organisation_id == organisation_id],
        )
    return len(rows)


def _claim(
    rows: list[TextAnalysis], redacted: list[Answer]
) -> tuple[list[TextAnalysis], list[Answer]]:
    """The rows and redactions of the answers that still wait, locked until the commit:
    a task that analysed the same answers at the same time waits here, then finds them
    analysed and stores nothing."""
    waiting = set(
        Answer.objects.select_for_update()
        .filter(pk__in=[row.answer_id for row in rows], analysis_state__in=PENDING)
        .order_by("pk")  # one order for every task: no deadlock between two
        .values_list("pk", flat=True)
    )
    return (
        [row for row in rows if row.answer_id in waiting],
        [answer for answer in redacted if answer.pk in waiting],
    )


def _row(answer: Answer, result: TextAnalysisResult, version: str, now: datetime) -> TextAnalysis:
    data = result.as_dict()
    return TextAnalysis(
        answer_id=answer.pk,
        organisation_id=answer.response.organisation_id,
        response_id=answer.response_id,
        status=result.status,
        language=result.language,
        text=result.text,
        truncated=result.truncated,
        redactions=data["redactions"],
        emotions=data["emotions"],
        labels=data["labels"],
        valence=result.valence if result.status == "ok" else None,
        polarity=result.polarity if result.status == "ok" else "",
        intensity=result.intensity if result.status == "ok" else None,
        themes=data["themes"],
        flags=data["flags"],
        urgent=result.urgent,
        model_version=version,
        analysed_at=now,
    )


def adapt_organisation_model(*, organisation: Organisation) -> OrganisationModel:
    """Learn the organisation's polarity layer from its comments and scores; keep it
    only if it is at least as accurate as the base model on held-out comments."""
    examples = selectors.weak_examples(organisation)
    analyzer = engine.analyzer()
    scored = analyzer.score_batch(
        [e.text for e in examples], hints=[e.language for e in examples], redact=True
    )
    usable = [(e, s) for e, s in zip(examples, scored, strict=True) if s.polarity is not None]
    result = adapt(
        [s.text for _, s in usable],
        [e.polarity for e, _ in usable],
        np.array([s.polarity for _, s in usable]).reshape(-1, 3),
        np.array([s.lexicon for _, s in usable], dtype=float).reshape(-1, 2),
    )
    model, _ = OrganisationModel.objects.update_or_create(
        organisation=organisation,
        defaults={
            "base_version": analyzer.version,
            "trained_at": timezone.now(),
            "kept": result.kept,
            "adapter": result.adapter.to_bytes() if result.adapter else None,
            "report": {**result.as_dict(), "labelled": len(usable)},
        },
    )
    return model


def set_redaction_policy(*, actor: Actor, policy: str) -> Organisation:
    organisation = actor.organisation
    if policy not in PiiRedaction.values:
        raise ValidationError({"pii_redaction": _("Choose one of the listed options.")})
    before = snapshot(organisation, ["pii_redaction"])
    organisation.pii_redaction = policy
    organisation.save(update_fields=["pii_redaction"])
    record(
        actor=actor,
        action="organisation.pii_redaction",
        obj=organisation,
        before=before,
        after=snapshot(organisation, ["pii_redaction"]),
    )
    return organisation


@transaction.atomic
def save_theme(
    *,
    actor: Actor,
    key: str,
    names: dict[str, str],
    terms: dict[str, list[str]],
    active: bool = True,
) -> OrganisationTheme:
    """Add a theme of the organisation's own, or change or switch off a default one.
    Every term is checked, and a bad one is named."""
    key = key.strip().lower()
    errors: dict[str, list[str]] = {}
    if not key or not key.replace("_", "").isalnum():
        errors["key"] = [_("Use letters, digits and underscores.")]
    cleaned: dict[str, list[str]] = {}
    for language in LANGUAGES:
        listed = [term.strip() for term in terms.get(language, []) if term.strip()]
        for term in listed:
            try:
                TermList({"x": [term]})
            except ValueError:
                errors.setdefault(f"terms_{language}", []).append(
                    _("“%(term)s” is too short: each word of a term needs at least %(n)d letters.")
                    % {"term": term, "n": MIN_STEM}
                )
        if listed:
            cleaned[language] = listed
    if active and not cleaned and key not in engine.analyzer().taxonomy.themes:
        errors.setdefault("terms_fi", []).append(_("Give at least one term."))
    if active and not any(name.strip() for name in names.values()):
        if key not in engine.analyzer().taxonomy.themes:
            errors.setdefault("name_fi", []).append(_("Give the theme a name."))
    if errors:
        raise ValidationError(errors)
    theme = OrganisationTheme.objects.filter(organisation=actor.organisation, key=key).first()
    before = snapshot(theme) if theme else None
    theme = theme or OrganisationTheme(organisation=actor.organisation, key=key)
    theme.names = {lang: name.strip() for lang, name in names.items() if name.strip()}
    theme.terms = cleaned
    theme.active = active
    theme.save()
    record(
        actor=actor,
        action="theme.update" if before else "theme.create",
        obj=theme,
        before=before,
        after=snapshot(theme),
    )
    return theme


def request_adaptation(*, actor: Actor) -> None:
    """Queue the training of the organisation's polarity layer (a background task)."""
    from kaiku.textanalysis.tasks import adapt_organisation_task

    organisation_id = actor.organisation.pk
    record(actor=actor, action="analysis_model.train", obj=actor.organisation)
    send_after_commit(adapt_organisation_task, organisation_id)


@transaction.atomic
def correct_analysis(
    *, actor: Actor, answer_id: int, polarity: str, labels: list[str]
) -> Correction:
    """Record how a person reads a comment. Emotions are Plutchik's eight or neutral
    alone; nothing chosen means the person left that part as the analysis read it."""
    answer = Answer.objects.filter(pk=answer_id, response__organisation=actor.organisation).first()
    if answer is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    if polarity and polarity not in Polarity.values:
        errors["polarity"] = [_("Choose one of the listed options.")]
    unknown = [label for label in labels if label not in LABELS]
    if unknown:
        errors["labels"] = [_("Unknown emotion: %(e)s") % {"e": ", ".join(unknown)}]
    elif "neutral" in labels and len(labels) > 1:
        errors["labels"] = [_("Neutral goes alone.")]
    if not polarity and not labels:
        errors["polarity"] = [_("Choose a tone or at least one emotion.")]
    if errors:
        raise ValidationError(errors)
    correction = Correction.objects.filter(answer=answer).first()
    before = snapshot(correction) if correction else None
    correction, _created = Correction.objects.update_or_create(
        answer=answer,
        defaults={
            "organisation": actor.organisation,
            "polarity": polarity,
            "labels": list(dict.fromkeys(labels)),
            "corrected_by": actor.user,
        },
    )
    record(
        actor=actor,
        action="analysis.correct",
        obj=correction,
        before=before,
        after=snapshot(correction),
    )
    return correction
