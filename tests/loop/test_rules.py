"""Alert rule conditions: what they may say, and who meets them."""

from __future__ import annotations

from kaiku.loop.rules import Subject, describe, meets, problems


def test_a_detractor_meets_an_nps_rule_and_a_promoter_does_not():
    rule = [{"measure": "nps", "op": "lte", "value": 6}]
    assert meets(rule, Subject(scores={"nps": 3}))
    assert not meets(rule, Subject(scores={"nps": 9}))


def test_a_response_without_the_measure_does_not_meet_it():
    assert not meets([{"measure": "csat", "op": "lte", "value": 2}], Subject(scores={"nps": 0}))


def test_every_condition_must_hold():
    rule = [
        {"measure": "nps", "op": "lte", "value": 6},
        {"measure": "emotion", "emotion": "anger", "op": "gte", "value": 0.6},
    ]
    assert meets(rule, Subject(scores={"nps": 2}, emotions={"anger": 0.7}))
    assert not meets(rule, Subject(scores={"nps": 2}, emotions={"anger": 0.4}))


def test_crisis_stands_for_every_life_event_signal():
    rule = [{"measure": "flag", "any_of": ["crisis"]}]
    assert meets(rule, Subject(flags={"death_grief"}))
    assert not meets(rule, Subject(flags={"difficult_emotion"}))


def test_touchpoints_themes_and_channels_match_by_membership():
    assert meets([{"measure": "touchpoint", "any_of": [3, 4]}], Subject(touchpoint=4))
    assert not meets([{"measure": "touchpoint", "any_of": [3]}], Subject(touchpoint=None))
    assert meets([{"measure": "theme", "any_of": ["billing"]}], Subject(themes={"billing"}))
    assert meets([{"measure": "channel", "any_of": ["phone"]}], Subject(channel="phone"))


def test_a_rule_without_conditions_meets_nothing():
    assert not meets([], Subject(scores={"nps": 0}))


def test_problems_name_the_condition_and_the_field():
    found = problems(
        [
            {"measure": "nps", "op": "below", "value": "six"},
            {"measure": "emotion", "emotion": "rage", "op": "gte", "value": 0.5},
            {"measure": "flag", "any_of": ["tired"]},
            {"measure": "touchpoint", "any_of": ["lobby"]},
            {"measure": "mood"},
            "nps <= 6",
        ]
    )
    paths = [path for path, _reason in found]
    assert paths == [
        "conditions.0.op",
        "conditions.0.value",
        "conditions.1.emotion",
        "conditions.2.any_of",
        "conditions.3.any_of",
        "conditions.4.measure",
        "conditions.5",
    ]
    assert problems([]) and problems("nps") and problems([{"measure": "nps"}] * 21)
    assert problems([{"measure": "valence", "op": "lte", "value": -0.3}]) == []


def test_describe_reads_like_a_sentence():
    text = describe(
        [
            {"measure": "nps", "op": "lte", "value": 6},
            {"measure": "flag", "any_of": ["crisis"]},
        ]
    )
    assert "nps ≤ 6" in text and "flag ∈ {crisis}" in text
