"""`kaiku train --organisation`: a polarity layer from the organisation's own scores."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from kaiku.textanalysis import engine, selectors, services
from kaiku.textanalysis.models import OrganisationModel, TextAnalysis
from tests.factories import make_organisation, make_survey, submit

pytestmark = pytest.mark.django_db


def _feedback(capture: Any, n: int = 60):  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    with capture(execute=True):
        for i in range(n):
            # The organisation's "Zorblax" fails people; a base model cannot know that.
            if i % 2:
                submit(survey, {"nps": 1, "what_happened": f"Zorblax {i} tuli perille."})
            else:
                submit(survey, {"nps": 5, "what_happened": f"Kirja {i} tuli perille."})
    return organisation


def test_weak_labels_come_from_the_same_responses_scores(django_capture_on_commit_callbacks: Any):
    organisation = _feedback(django_capture_on_commit_callbacks, n=4)
    examples = selectors.weak_examples(organisation)
    assert sorted((e.text.split()[0], e.polarity) for e in examples) == [
        ("Kirja", "neutral"),
        ("Kirja", "neutral"),
        ("Zorblax", "negative"),
        ("Zorblax", "negative"),
    ]


def test_train_organisation_keeps_a_better_layer_and_new_analyses_use_it(
    django_capture_on_commit_callbacks: Any,
):
    organisation = _feedback(django_capture_on_commit_callbacks)
    out = StringIO()
    call_command(
        "train_organisation", "--organisation", organisation.slug, stdout=out, stderr=StringIO()
    )
    report = json.loads(out.getvalue())
    assert report["kept"] and report["adapted_accuracy"] >= report["base_accuracy"]
    assert report["held_out"] == 12
    model = OrganisationModel.objects.get(organisation=organisation)
    assert model.version.startswith(engine.analyzer().version + "+org")

    # Earlier analyses are now outdated; reanalysis gives them the layer.
    assert services.count_to_reanalyse(organisation=organisation) == 60
    call_command(
        "reanalyze", "--organisation", organisation.slug, "--no-progress", stdout=StringIO()
    )
    analyses = TextAnalysis.objects.filter(organisation=organisation)
    assert set(analyses.values_list("model_version", flat=True)) == {model.version}
    zorblax = analyses.filter(text__startswith="Zorblax")
    assert set(zorblax.values_list("polarity", flat=True)) == {"negative"}


def test_too_little_data_keeps_the_base_model(django_capture_on_commit_callbacks: Any):
    organisation = _feedback(django_capture_on_commit_callbacks, n=6)
    model = services.adapt_organisation_model(organisation=organisation)
    assert not model.kept and model.adapter is None
    assert model.version == engine.analyzer().version
    assert model.report["reason"] == "too few labelled comments"
