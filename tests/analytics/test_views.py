"""The emotion map page: what a CX lead sees, filters included."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kaiku.organisations.models import Role
from tests.factories import make_member, make_organisation, make_survey, submit

pytestmark = pytest.mark.django_db


def _client_for(organisation: Any, role: Role = Role.VIEWER) -> Client:
    user, _ = make_member(organisation, role)
    client = Client()
    client.force_login(user)
    return client


def test_the_map_shows_each_touchpoint_with_its_figures_and_hides_small_ones(
    django_capture_on_commit_callbacks: Any,
):
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    busy, quiet = survey.touchpoints.order_by("pk")[:2]
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(8):
            submit(
                survey,
                {"nps": 2, "what_happened": f"Jonotin tunnin, henkilökunta oli töykeää ({i})."},
                touchpoint_id=busy.pk,
            )
        submit(survey, {"nps": 10}, touchpoint_id=quiet.pk)
    page = _client_for(organisation).get(reverse("analytics:journey_map", args=[survey.journey_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert busy.name in html and quiet.name in html
    assert "n = 1: liian vähän näytettäväksi" in html or "n = 1:" in html
    assert "Odotusaika" in html or "waiting" in html.lower()
    assert "Jonotin tunnin" in html  # an example quote under the theme


def test_a_filter_narrows_the_map_and_a_bad_date_is_named():
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    for channel in ["web"] * 6 + ["phone"] * 6:
        submit(survey, {"nps": 9}, touchpoint_id=touchpoint.pk, channel=channel)
    client = _client_for(organisation)
    url = reverse("analytics:journey_map", args=[survey.journey_id])
    web = client.get(url, {"channel": "web"}).context["map"]
    assert web.total.n == 6
    bad = client.get(url, {"start": "2026-05-01", "end": "2026-04-01"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["end"]
    assert bad.context["map"].total.n == 12


def test_another_organisations_journey_is_not_found():
    organisation, _ = make_organisation()
    other, _ = make_organisation()
    survey = make_survey(other)
    page = _client_for(organisation).get(reverse("analytics:journey_map", args=[survey.journey_id]))
    assert page.status_code == 404


def test_the_api_gives_the_map_as_json():
    from tests.factories import make_api_key

    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    for score in (0, 3, 9, 10, 10, 8):
        submit(survey, {"nps": score, "ease": 5}, touchpoint_id=touchpoint.pk)
    _key, secret = make_api_key(organisation, scope="read")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    url = f"/api/v1/journeys/{survey.journey_id}/emotion-map"
    body = client.get(url).json()
    row = next(t for s in body["stages"] for t in s["touchpoints"] if t["id"] == touchpoint.pk)
    assert row["summary"]["n"] == 6 and row["summary"]["enough"]
    assert row["summary"]["nps"]["value"] == pytest.approx(100 * (3 - 2) / 6, abs=1e-3)
    assert row["summary"]["scores"]["ease"]["value"] == 5
    assert client.get(url, {"start": "2026-02-01", "end": "2026-01-01"}).status_code == 422


def test_the_drivers_page_says_what_emotion_explains_and_where_journeys_end_badly():
    from tests.analytics.test_drivers import _survey

    organisation, _ = make_organisation()
    survey = _survey(organisation)
    stages = list(survey.journey.stages.order_by("position"))
    for i in range(30):
        good = i % 2 == 0
        submit(
            survey,
            {
                "effectiveness": 6 if good else 2 + i % 3,
                "ease": 5 if i % 3 else 3,
                "feeling": [{"emotion": "joy" if good else "anger", "intensity": 2}],
                "curve": [
                    {"stage_id": stages[0].pk, "score": 1},
                    {"stage_id": stages[-1].pk, "score": 2 if good else -3},
                ],
                "overall": 5 if good else 1 + i % 2,
            },
        )
    page = _client_for(organisation).get(
        reverse("analytics:journey_drivers", args=[survey.journey_id])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Aineistossasi tunne selittää" in html and "Loppu" in html
    assert stages[-1].name in html


def test_the_api_gives_drivers_and_peak_end():
    from tests.analytics.test_drivers import _survey
    from tests.factories import make_api_key

    organisation, _ = make_organisation()
    survey = _survey(organisation)
    stages = list(survey.journey.stages.order_by("position"))
    for i in range(20):
        submit(
            survey,
            {
                "effectiveness": 1 + i % 7,
                "ease": 1 + (i * 3) % 7,
                "feeling": [{"emotion": "joy" if i % 2 else "fear", "intensity": 1 + i % 3}],
                "curve": [
                    {"stage_id": stages[0].pk, "score": i % 3 - 1},
                    {"stage_id": stages[-1].pk, "score": i % 5 - 2},
                ],
                "overall": 1 + i % 5,
            },
        )
    _key, secret = make_api_key(organisation, scope="read")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    found = client.get(f"/api/v1/journeys/{survey.journey_id}/drivers").json()
    assert found["outcome"] == "overall"
    assert sum(s["value"] for s in found["shares"].values()) == pytest.approx(1, abs=0.01)
    peak_end = client.get(f"/api/v1/journeys/{survey.journey_id}/peak-end").json()
    assert peak_end["from_curves"] == 20
    assert set(peak_end["effects"]) == {"peak", "end", "mean"}


def test_pain_points_rank_the_touchpoint_that_hurts_most_first(
    django_capture_on_commit_callbacks: Any,
):
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    hurts, fine = survey.touchpoints.order_by("pk")[:2]
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(10):
            submit(
                survey,
                {"nps": 1, "what_happened": "Jonotin tunnin ja henkilökunta oli töykeää."},
                touchpoint_id=hurts.pk,
            )
            submit(
                survey,
                {"nps": 4 if i < 2 else 9, "what_happened": "Vähän hidasta." if i < 2 else ""},
                touchpoint_id=fine.pk,
            )
    client = _client_for(organisation)
    page = client.get(reverse("analytics:journey_pain_points", args=[survey.journey_id]))
    ranked = page.context["found"].points
    assert ranked[0].touchpoint.pk == hurts.pk
    assert ranked[0].negative == 10
    assert {t.key for t in ranked[0].themes} >= {"waiting_time", "staff_attitude"}
    assert "Odotusaika" in page.content.decode()


def test_compare_finds_that_a_touchpoint_got_worse_and_warns_on_small_n():
    from datetime import timedelta

    from django.utils import timezone

    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    now = timezone.now()
    for i in range(40):
        submit(
            survey,
            {"nps": 2 if i % 4 else 9, "feeling": [{"emotion": "anger", "intensity": 3}]},
            touchpoint_id=touchpoint.pk,
            experienced_at=now - timedelta(days=3),
        )
        submit(
            survey,
            {"nps": 9, "feeling": [{"emotion": "joy", "intensity": 2}]},
            touchpoint_id=touchpoint.pk,
            experienced_at=now - timedelta(days=40),
        )
    page = _client_for(organisation).get(
        reverse("analytics:journey_compare", args=[survey.journey_id])
    )
    assert page.status_code == 200
    rows = page.context["rows"]
    total = rows[0]
    assert (total.n_a, total.n_b) == (40, 40)
    assert total.valence.difference.value < 0 and total.valence.p_value < 0.001
    assert total.nps.difference.value == pytest.approx((10 - 30) / 40 * 100 - 100)
    assert not total.small
    other = next(r for r in rows[1:] if r.touchpoint.pk != touchpoint.pk)
    assert not other.enough


def test_exports_carry_the_analysis_neutralise_formulas_and_leave_out_staff(
    django_capture_on_commit_callbacks: Any,
):
    import csv
    import io

    from openpyxl import load_workbook

    from kaiku.audit.models import AuditEntry

    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        submit(
            survey,
            {"nps": 2, "what_happened": "=HYPERLINK(1) Jonotin tunnin, soita 040 123 4567"},
            touchpoint_id=touchpoint.pk,
        )
        submit(survey, {"nps": 10}, touchpoint_id=touchpoint.pk)
    client = _client_for(organisation, Role.ANALYST)
    url = reverse("analytics:journey_export_csv", args=[survey.journey_id])
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(body)))
    assert len(table) == 2
    complaint = next(r for r in table if r["nps"] == "2")
    assert complaint["comments"].startswith("'=")
    assert "[PUHELIN]" in complaint["comments"] and "040" not in complaint["comments"]
    assert "waiting_time" in complaint["themes"] and complaint["negative"] == "True"
    assert "served_by" not in table[0]
    xlsx = client.get(reverse("analytics:journey_export_xlsx", args=[survey.journey_id]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == 3 and sheet["A1"].value == "response_id"
    assert (
        AuditEntry.objects.filter(organisation=organisation, action="export_responses").count() == 2
    )
    viewer = _client_for(organisation, Role.VIEWER)
    assert viewer.get(url).status_code == 403


def test_the_api_exports_csv_for_a_write_key_only():
    from tests.factories import make_api_key

    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    submit(survey, {"nps": 7})
    _key, write = make_api_key(organisation, scope="write")
    _key, read = make_api_key(organisation, scope="read")
    url = f"/api/v1/journeys/{survey.journey_id}/export"
    found = Client(headers={"Authorization": f"Bearer {write}"}).get(url)
    assert found.status_code == 200
    assert b"".join(found.streaming_content).decode("utf-8-sig").count("\n") == 2
    assert Client(headers={"Authorization": f"Bearer {read}"}).get(url).status_code == 403


def test_the_map_carries_its_chart_and_loads_plotly_from_the_app():
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    for _ in range(6):
        submit(
            survey,
            {"nps": 9, "feeling": [{"emotion": "joy", "intensity": 2}]},
            touchpoint_id=touchpoint.pk,
        )
    page = _client_for(organisation).get(reverse("analytics:journey_map", args=[survey.journey_id]))
    html = page.content.decode()
    assert 'data-chart="map-chart"' in html and 'id="map-chart"' in html
    assert "/static/vendor/plotly.min.js" in html and "cdn" not in html.lower()
    assert page.context["chart"]["data"][0]["y"] == [1.0]


def test_the_executive_report_is_a_pdf_that_renders_with_the_journeys_figures():
    import pypdfium2

    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    for i in range(12):
        submit(
            survey,
            {
                "nps": 1 + i % 10,
                "ease": 1 + i % 7,
                "feeling": [{"emotion": "anger" if i % 3 else "joy", "intensity": 2}],
            },
            touchpoint_id=touchpoint.pk,
        )
    answer = _client_for(organisation).get(
        reverse("analytics:journey_report", args=[survey.journey_id])
    )
    assert answer["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(answer.content)
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    assert survey.journey.name in text and "Kipupisteet" in text
    image = page.render(scale=1).to_pil().convert("L")
    # Something is drawn: not a blank page.
    assert image.getextrema()[0] < 100 and image.size[0] > 500
