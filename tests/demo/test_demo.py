"""The demo: seeded through the real services, idempotent, and `kaiku demo` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from kaiku.demo.feedback import DEMO_RESPONSES_PER_SURVEY
from kaiku.demo.services import DEMO_PASSWORD, DEMO_SLUG, seed_demo
from kaiku.journeys.models import Journey, Layer, Touchpoint
from kaiku.organisations.models import Organisation, Team
from kaiku.responses.models import ImportJob, Response
from kaiku.surveys.models import Survey

pytestmark = pytest.mark.django_db


def test_seeding_twice_changes_nothing() -> None:
    seed_demo()
    counts = (Journey.objects.count(), Touchpoint.objects.count(), Team.objects.count())
    seed_demo()
    assert (Journey.objects.count(), Touchpoint.objects.count(), Team.objects.count()) == counts
    organisation = Organisation.objects.get(slug=DEMO_SLUG)
    assert "esimerkkidata" in organisation.name  # labelled as demo data


def test_demo_journeys_fill_every_blueprint_layer() -> None:
    seed_demo()
    layers = set(Touchpoint.objects.values_list("layer", flat=True))
    assert layers == set(Layer.values)


def test_printed_login_works_and_blueprint_renders() -> None:
    _organisation, logins = seed_demo()
    client = Client()
    assert client.login(username=logins[0].email, password=DEMO_PASSWORD)
    journey = Journey.objects.order_by("pk").first()
    assert journey is not None
    page = client.get(f"/journeys/{journey.pk}/")
    assert page.status_code == 200
    assert journey.stages.order_by("position").first().name in page.content.decode()  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_kaiku_demo_command_migrates_seeds_and_prints_the_login(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env["KAIKU_DATA_DIR"] = str(tmp_path)
    kaiku = Path(sys.executable).with_name("kaiku")
    result = subprocess.run(
        [str(kaiku), "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    assert "omistaja@demo.kaiku.fi" in result.stdout and DEMO_PASSWORD in result.stdout
    assert (tmp_path / "kaiku.sqlite3").exists()


def test_demo_feedback_is_labelled_and_an_import_check_is_there_to_read() -> None:
    _organisation, logins = seed_demo()
    surveys = Survey.objects.count()
    assert surveys == Journey.objects.count()
    assert Response.objects.count() == surveys * DEMO_RESPONSES_PER_SURVEY
    assert not Response.objects.filter(is_demo=False).exists()

    job = ImportJob.objects.get()
    assert job.filename.startswith("demo-") and job.dry_run and job.report is not None
    assert (job.report["rows"], job.report["rejected"]) == (40, 3)
    assert sorted(e["row"] for e in job.report["errors"]) == [8, 14, 22]
    client = Client()
    client.login(username=logins[0].email, password=DEMO_PASSWORD)
    page = client.get(f"/surveys/imports/{job.pk}/").content.decode()
    assert "Tarkistus: mitä tuonti tekisi" in page and "Hylätyt rivit" in page


def test_the_front_desk_lead_sees_each_member_and_the_newcomer_stays_hidden() -> None:
    seed_demo()
    lead = Client()
    assert lead.login(username="tiiminvetaja@demo.kaiku.fi", password=DEMO_PASSWORD)
    team = Team.objects.get(name="Vastaanotto")
    months = lead.get(f"/api/v1/teams/{team.pk}/feedback").json()["months"]
    assert len(months) >= 5
    people = {p["name"]: p for p in months[-1]["people"]}
    assert set(people) == {"Aino Lahti", "Ville Niemi", "Sara Koski", "Eero Salo"}
    assert people["Aino Lahti"]["shown"] and people["Aino Lahti"]["n"] >= 5
    # The newcomer serves few: hidden every month he served anyone, never a count.
    assert all(
        p == {"user_id": p["user_id"], "name": "Eero Salo", "shown": False} or p["n"] == 0
        for m in months
        for p in m["people"]
        if p["name"] == "Eero Salo"
    )
    aino = Client()
    assert aino.login(username="aino.lahti@demo.kaiku.fi", password=DEMO_PASSWORD)
    page = aino.get("/analytics/feedback/")
    assert page.status_code == 200 and "Vastaanotto" in page.content.decode()
    assert (
        aino.get(f"/api/v1/teams/{team.pk}/feedback").json()["months"][-1]["people"][0]["name"]
        == "Aino Lahti"
    )


def test_the_demo_loop_has_open_and_closed_cases_and_a_measured_action() -> None:
    from kaiku.analytics.services import roll_up_new_responses
    from kaiku.demo.loop import seed_demo_loop
    from kaiku.loop import actions
    from kaiku.loop.models import Action, ActionState, Case, CaseState

    organisation, _logins = seed_demo()
    assert seed_demo_loop(organisation) > 0
    assert seed_demo_loop(organisation) == 0  # once
    states = set(Case.objects.values_list("state", flat=True))
    assert CaseState.NEW in states and CaseState.CLOSED in states
    assert not Case.objects.filter(assignee=None).exists()
    roll_up_new_responses()
    done = Action.objects.get(state=ActionState.DONE)
    effect = actions.effect(done)
    assert effect is not None and effect.row.enough
    assert effect.row.nps is not None and effect.row.nps.difference.value > 20
    assert effect.row.nps.p_value < 0.05
    handler = Client()
    assert handler.login(username="kasittelija@demo.kaiku.fi", password=DEMO_PASSWORD)
    inbox = handler.get("/cases/").content.decode()
    assert "Tyytymätön asiakas" in inbox
