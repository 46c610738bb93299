"""The executive report (PDF): names people wrote are text in it, never its markup."""

from __future__ import annotations

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse

from kaiku.journeys import services as journeys
from kaiku.organisations.models import Role
from tests.factories import make_member, make_organisation, make_survey, owner_actor, submit

pytestmark = pytest.mark.django_db

# reportlab reads <b>, <a href> and <img src> (which opens a file or a URL) in a
# paragraph, and refuses a stray tag or an unknown attribute.
STAGE = '<b>Vaihe</b> <img src="/etc/hostname"/> "><img src=x onerror="x">'
ORGANISATION = '<a href="javascript:alert(1)">Org</a> & <i>co'


def test_a_report_shows_names_written_with_markup_as_text() -> None:
    organisation, _ = make_organisation(name=ORGANISATION)
    survey = make_survey(organisation)
    touchpoint = survey.touchpoints.order_by("pk").first()
    assert touchpoint is not None
    journeys.update_stage(actor=owner_actor(organisation), stage=touchpoint.stage, name=STAGE)
    for i in range(8):
        submit(
            survey,
            {"nps": i, "feeling": [{"emotion": "anger", "intensity": 2}]},
            touchpoint_id=touchpoint.pk,
        )
    viewer, _membership = make_member(organisation, Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    answer = client.get(reverse("analytics:journey_report", args=[survey.journey_id]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    page = pypdfium2.PdfDocument(answer.content)[0]
    text = " ".join(page.get_textpage().get_text_range().split())
    assert STAGE in text and ORGANISATION in text
