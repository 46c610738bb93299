"""`kaiku privacy find|export|erase|retention`."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kaiku.privacy.models import DataSubjectRequest
from kaiku.responses.models import Answer, Contact, Response
from tests.privacy.helpers import Person, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(django_capture_on_commit_callbacks: Any) -> Person:
    return make_person(django_capture_on_commit_callbacks)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("privacy", *args, stdout=out)
    return out.getvalue()


def test_find_prints_the_matches(person: Person) -> None:
    out = _run("find", "--organisation", person.organisation.slug, "--email", person.email)
    assert str(person.respondent.pseudonym) in out and out.endswith("1 found.\n")
    assert DataSubjectRequest.objects.get().channel == "cli"


def test_export_to_stdout_and_to_a_zip(person: Person, tmp_path: Path) -> None:
    slug = person.organisation.slug
    document = json.loads(_run("export", "--organisation", slug, "--phone", person.phone))
    assert document["people"][0]["contact"]["email"] == person.email
    target = tmp_path / "subject.zip"
    _run(
        "export",
        "--organisation",
        slug,
        "--token",
        person.invitation.token,
        "--output",
        str(target),
    )
    assert "answers.csv" in zipfile.ZipFile(target).namelist()
    assert target.stat().st_mode & 0o777 == 0o600


def test_erase_needs_yes_when_not_asked_interactively(person: Person) -> None:
    slug = person.organisation.slug
    with pytest.raises(CommandError, match="--yes"):
        _run("erase", "--organisation", slug, "--email", person.email)
    assert Contact.objects.filter(email=person.email).exists()
    dry = _run("erase", "--organisation", slug, "--email", person.email, "--dry-run")
    assert "would erase: respondents 1" in dry
    done = _run("erase", "--organisation", slug, "--email", person.email, "--yes")
    assert "erased: respondents 1" in done
    assert not Contact.objects.filter(email=person.email).exists()
    again = _run("erase", "--organisation", slug, "--email", person.email, "--yes")
    assert "erased: nothing" in again


def test_one_identifier_and_a_known_organisation_are_required(person: Person) -> None:
    with pytest.raises(CommandError, match="one of"):
        _run("find", "--organisation", person.organisation.slug)
    with pytest.raises(CommandError, match="No organisation"):
        _run("find", "--organisation", "nope", "--email", person.email)
    with pytest.raises(CommandError, match="valid e-mail"):
        _run("find", "--organisation", person.organisation.slug, "--email", "x@")


def test_retention_dry_run_and_apply(person: Person) -> None:
    then = timezone.now() - timedelta(days=800)
    Response.objects.filter(pk=person.response.pk).update(submitted_at=then)
    slug = person.organisation.slug
    dry = _run("retention", "--dry-run", "--organisation", slug)
    assert dry.startswith(f"{slug}: would remove answer_texts 1")
    assert Answer.objects.exclude(text="").count() == 1
    done = _run("retention")
    assert f"{slug}: removed answer_texts 1" in done
    assert not Answer.objects.exclude(text="").exists()
