"""Walkthrough pages: per role, the phone form with a real upload, photos only to
members of the organisation, and observations in the pain-points view."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from kaiku.organisations.models import Role
from kaiku.walkthroughs.models import Observation
from tests.factories import (
    make_journey,
    make_member,
    make_organisation,
    make_walkthrough_with_observation,
)
from tests.walkthroughs.images import image_bytes, jpeg_with_gps_and_comment, upload

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    # The pages in English, as the assertions read them (Finnish is the default).
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _world() -> dict[str, Any]:
    organisation, owner = make_organisation()
    journey = make_journey(organisation)
    walker, _ = make_member(organisation, Role.VIEWER)
    walkthrough, observation = make_walkthrough_with_observation(organisation, journey, [walker])
    return {
        "organisation": organisation, "owner": owner, "journey": journey, "walker": walker,
        "walkthrough": walkthrough, "observation": observation,
        "observe": reverse(
            "walkthroughs:observe", args=[walkthrough.pk, observation.touchpoint_id]
        ),
    }  # fmt: skip


def _form(**fields: Any) -> dict[str, Any]:
    data = {"category": "premises", "note": "Aulan roska-astiat olivat täynnä.", "feeling": "-1",
            "severity": "2", "emotion": "disgust"}  # fmt: skip
    data.update(fields)
    return data


def test_the_list_shows_a_walker_their_walkthrough_and_the_nav_links_to_it() -> None:
    world = _world()
    page = _client(world["walker"]).get(reverse("walkthroughs:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ensikertalaisen silmin" in html
    assert "Start walking" in html
    assert f'href="{reverse("walkthroughs:list")}"' in html


def test_planning_is_for_analysts_and_above() -> None:
    world = _world()
    analyst, _ = make_member(world["organisation"], Role.ANALYST)
    handler, _ = make_member(world["organisation"], Role.HANDLER)
    assert _client(handler).get(reverse("walkthroughs:plan")).status_code == 403
    page = _client(analyst).post(
        reverse("walkthroughs:plan"),
        {"journey": world["journey"].pk, "title": "Verkkosivuilta vastaanotolle",
         "planned_for": "2026-12-10", "walkers": [handler.pk]},
    )  # fmt: skip
    assert page.status_code == 302
    detail = _client(handler).get(page["Location"])
    assert "Verkkosivuilta vastaanotolle" in detail.content.decode()
    assert "Record here" in detail.content.decode()  # the handler is a walker now


def test_the_phone_form_has_camera_capture_and_works_without_javascript() -> None:
    world = _world()
    page = _client(world["walker"]).get(world["observe"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert 'capture="environment"' in html
    assert 'hx-boost="false"' in html
    assert 'name="viewport"' in html


def test_a_walker_records_an_observation_with_a_real_photo() -> None:
    world = _world()
    client = _client(world["walker"])
    photo = upload(jpeg_with_gps_and_comment(), "IMG_2041.jpg")
    answer = client.post(world["observe"], {**_form(), "photo": photo})
    assert answer.status_code == 302
    saved = Observation.objects.exclude(pk=world["observation"].pk).get()
    assert (
        saved.category == "premises" and saved.feeling == -1 and saved.created_by == world["walker"]
    )
    served = client.get(reverse("walkthroughs:photo", args=[saved.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "private" in served["Cache-Control"]
    content = b"".join(served.streaming_content)  # type: ignore[attr-defined]
    assert not Image.open(io.BytesIO(content)).getexif()
    page = client.get(answer["Location"])
    assert "Aulan roska-astiat olivat täynnä." in page.content.decode()


def _noise() -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(buffer, "PNG")
    return buffer.getvalue()  # about 1.4 MB


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # a few KB, 400 megapixels
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            lambda: image_bytes(fmt="GIF", mode="P", color=1),
            "kuva.jpg",
            "Only JPEG, PNG or WebP photos can be added.",
        ),
        (
            _noise,
            "iso.png",
            "The photo is too large: at most 1 MB.",
        ),
        (
            _bomb,
            "pommi.png",
            "The image is too large in pixels (at most 40 megapixels). Take a smaller photo.",
        ),
    ],
    ids=["wrong-type", "oversize", "image-bomb"],
)
def test_a_refused_photo_is_named_beside_the_file_field(
    settings: Any, content: Any, name: str, message: str
) -> None:
    settings.KAIKU_PHOTO_MAX_BYTES = 1024 * 1024
    world = _world()
    page = _client(world["walker"]).post(
        world["observe"], {**_form(), "photo": upload(content(), name)}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["photo"] == [message]
    html = page.content.decode()
    field = html[html.index('id="id_photo"') :]
    assert field.index(message.split(":")[0][:20]) < field.index("</div>")
    assert Observation.objects.count() == 1


def test_a_member_not_assigned_cannot_open_the_form() -> None:
    world = _world()
    bystander, _ = make_member(world["organisation"], Role.HANDLER)
    assert _client(bystander).get(world["observe"]).status_code == 403
    assert (
        _client(bystander)
        .get(reverse("walkthroughs:detail", args=[world["walkthrough"].pk]))
        .status_code
        == 200
    )


def test_another_organisations_walkthrough_observation_and_photo_are_not_found() -> None:
    world = _world()
    client = _client(world["walker"])
    client.post(world["observe"], {**_form(), "photo": upload(jpeg_with_gps_and_comment())})
    with_photo = Observation.objects.exclude(photo="").get()
    _other, stranger = make_organisation()
    outsider = _client(stranger)
    for url in (
        reverse("walkthroughs:detail", args=[world["walkthrough"].pk]),
        world["observe"],
        reverse("walkthroughs:photo", args=[with_photo.pk]),
    ):
        assert outsider.get(url).status_code == 404, url


def test_an_analyst_starts_an_action_from_an_observation_and_lands_on_it() -> None:
    world = _world()
    analyst, _ = make_member(world["organisation"], Role.ANALYST)
    answer = _client(analyst).post(
        reverse("walkthroughs:start_action", args=[world["observation"].pk])
    )
    world["observation"].refresh_from_db()
    assert world["observation"].action is not None
    assert answer["Location"] == reverse("actions:detail", args=[world["observation"].action.pk])
    assert (
        _client(world["walker"])
        .post(reverse("walkthroughs:start_action", args=[world["observation"].pk]))
        .status_code
        == 403
    )


def test_the_pain_points_show_the_observation_beside_the_feedback() -> None:
    world = _world()
    analyst, _ = make_member(world["organisation"], Role.ANALYST)
    page = _client(analyst).get(
        reverse("analytics:journey_pain_points", args=[world["journey"].pk])
    )
    assert page.status_code == 200
    observed = page.context["found"].observed
    assert [o.touchpoint.pk for o in observed] == [world["observation"].touchpoint_id]
    assert observed[0].observations.count == 1
    html = page.content.decode()
    assert "Seen on walkthroughs" in html
    assert "Opastetta sisäänkäynnille ei löytynyt." in html
    assert reverse("walkthroughs:start_action", args=[world["observation"].pk]) in html
    viewer_page = _client(world["walker"]).get(
        reverse("analytics:journey_pain_points", args=[world["journey"].pk])
    )
    assert reverse("walkthroughs:start_action", args=[world["observation"].pk]) not in (
        viewer_page.content.decode()
    )
