"""Writes for employee experience: analysing pulse texts like customer texts."""

from __future__ import annotations

from django.db import transaction

from kaiku.core.background import lost_work, send
from kaiku.people.models import PulseAnswer
from kaiku.textanalysis import engine


def analyse_pulse(*, response_ids: list[int]) -> int:
    """Analyse the pulse texts not yet analysed; the text is kept redacted whatever the
    organisation's policy, since colleagues' names are what a pulse text tends to hold.
    Each answer once, however many tasks ask: one analysed meanwhile is skipped."""
    answers = list(
        PulseAnswer.objects.filter(response_id__in=response_ids, analysed=False)
        .exclude(text="")
        .select_related("response")
    )
    if not answers:
        return 0
    by_organisation: dict[int, list[PulseAnswer]] = {}
    for answer in answers:
        by_organisation.setdefault(answer.response.organisation_id, []).append(answer)
    analyzer = engine.analyzer()
    for organisation_id, group in by_organisation.items():
        results = analyzer.analyze_batch(
            [a.text for a in group],
            hints=[a.response.language for a in group],
            redact=True,
            taxonomy=engine.taxonomy_for(organisation_id),
        )
        for answer, result in zip(group, results, strict=True):
            data = result.as_dict()
            ok = result.status == "ok"
            # The whole answer redacted, not the analysed text: that may be cut short.
            answer.text = analyzer.redactor.redact(answer.text).text
            answer.polarity = result.polarity if ok else ""
            answer.valence = result.valence if ok else None
            answer.labels = data["labels"]
            answer.themes = list(dict.fromkeys(t["key"] for t in data["themes"]))
            answer.flags = [flag["kind"] for flag in data["flags"]]
            answer.analysed = True
    fields = ["text", "polarity", "valence", "labels", "themes", "flags", "analysed"]
    with transaction.atomic():
        waiting = set(
            PulseAnswer.objects.select_for_update()
            .filter(pk__in=[a.pk for a in answers], analysed=False)
            .order_by("pk")  # one order for every task: no deadlock between two
            .values_list("pk", flat=True)
        )
        answers = [a for a in answers if a.pk in waiting]
        PulseAnswer.objects.bulk_update(answers, fields)
    return len(answers)


def analyse_lost_pulse() -> int:
    """Send again the analysis of pulse texts whose task was lost: until it runs, their
    text is kept unredacted. Returns how many texts."""
    from kaiku.people.tasks import analyse_pulse_task

    waiting = PulseAnswer.objects.filter(analysed=False).exclude(text="")
    lost = lost_work("people.pulse_answers", waiting)
    response_ids = sorted(
        set(PulseAnswer.objects.filter(pk__in=lost).values_list("response_id", flat=True))
    )
    for start in range(0, len(response_ids), 500):
        send(analyse_pulse_task, response_ids[start : start + 500])
    return len(lost)
