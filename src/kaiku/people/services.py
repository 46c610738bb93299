"""Writes for employee experience: analysing pulse texts like customer texts."""

from __future__ import annotations

from django.db import transaction

from kaiku.people.models import PulseAnswer
from kaiku.textanalysis import engine


def analyse_pulse(*, response_ids: list[int]) -> int:
    """Analyse the pulse texts not yet analysed; the text is kept redacted whatever the
    organisation's policy, since colleagues' names are what a pulse text tends to hold.
    Idempotent: an analysed answer is skipped."""
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
        PulseAnswer.objects.bulk_update(answers, fields)
    return len(answers)
