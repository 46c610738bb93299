"""The demo's walkthrough "with new customer's glasses", made through the real services:
two of the clinic's staff walked the doctor's-visit path twelve days ago and recorded
what a new customer would meet, with two generated (drawn, labelled demo) photos; an
improvement action was started from the most serious finding."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from kaiku.demo.feedback import DEMO_STAFF
from kaiku.demo.journeys import DEMO_JOURNEYS
from kaiku.journeys.models import Journey, Touchpoint
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Organisation, Role
from kaiku.walkthroughs import services
from kaiku.walkthroughs.models import Observation, Walkthrough, WalkthroughStatus

DAYS_AGO = 12
TITLE = "Uuden asiakkaan silmin: lääkärikäynti (esimerkki)"
INSTRUCTIONS = (
    "Kävele polku kuin tulisit ensimmäistä kertaa: aloita hakukoneesta, soita "
    "ajanvaraukseen ja saavu paikalle bussilla. Kirjaa jokaisesta kohtaamispisteestä, "
    "mitä näit ja miltä se tuntui."
)
PLANNER = "analyytikko@demo.kaiku.fi"
WALKERS = ["tiiminvetaja@demo.kaiku.fi", DEMO_STAFF[0][0]]
# Touchpoint, category, note, feeling (−3…+3), severity (1–3), emotion, photo.
OBSERVATIONS = [
    ("Terveysaseman verkkosivut", "digital",
     "Etusivulta ei löydy suoraa linkkiä ajanvaraukseen: se on kolmen valikon takana. "
     "Puhelimella valikko peittää hakukentän.", -2, 2, "anger", None),
    ("Soitto ajanvaraukseen", "waiting",
     "Takaisinsoitto toimi: valitsin sen heti, ja hoitaja soitti 25 minuutissa. "
     "Jonotiedote kertoi arvion odotusajasta.", 2, 1, "trust", None),
    ("Varausvahvistus ja muistutus", "information",
     "Muistutusviestissä ei kerrota, mihin kerrokseen tai huoneeseen pitää tulla.",
     -1, 2, "", None),
    ("Ilmoittautuminen saapuessa", "signs",
     "Pääovelta ei näe, missä ilmoittautumisautomaatti on. Opaste on lasiseinän takana "
     "ja vain suomeksi.", -2, 3, "fear", "sign"),
    ("Neuvonta aulan palvelupisteessä", "staff",
     "Palvelupisteen hoitaja tervehti heti ja opasti ystävällisesti oikeaan odotustilaan.",
     3, 1, "joy", None),
    ("Odotus aulassa", "premises",
     "Odotustilan roska-astia oli täynnä ja lattialla oli hiekkaa. Lehdet olivat "
     "kahden vuoden takaa.", -1, 2, "disgust", "lobby"),
    ("Odotus aulassa", "accessibility",
     "Kutsunäytön teksti on pieni, eikä kuulutusta kuule aulan perältä: huonokuuloinen "
     "voi jäädä kutsusta paitsi.", -2, 3, "fear", None),
]  # fmt: skip


def seed_demo_walkthrough(organisation: Organisation) -> Walkthrough | None:
    """One done walkthrough on the demo's main journey, once; None when the demo
    organisation already has one or lacks the journey."""
    if Walkthrough.objects.filter(organisation=organisation).exists():
        return None
    journey = Journey.objects.filter(
        organisation=organisation, name=DEMO_JOURNEYS[0]["name"]
    ).first()
    if journey is None:
        return None
    roles = dict(
        Membership.objects.filter(organisation=organisation).values_list("user__email", "role")
    )
    users = {u.email: u for u in get_user_model().objects.filter(email__in=[PLANNER, *WALKERS])}
    walkers = [users[email] for email in WALKERS if email in users and email in roles]
    planner = users.get(PLANNER)
    day = timezone.localdate() - timedelta(days=DAYS_AGO)
    walkthrough = services.plan_walkthrough(
        actor=Actor(organisation=organisation, role=Role.ANALYST, user=planner)
        if planner is not None and PLANNER in roles
        else Actor.system(organisation),
        journey=journey,
        title=TITLE,
        planned_for=day,
        walkers=walkers,
        instructions=INSTRUCTIONS,
    )
    touchpoints = {t.name: t for t in Touchpoint.objects.filter(stage__journey=journey)}
    start = timezone.make_aware(datetime.combine(day, time(9, 0)))
    made = []
    for number, (name, category, note, feeling, severity, emotion, photo) in enumerate(
        OBSERVATIONS
    ):
        if name not in touchpoints:
            continue
        walker = walkers[number % len(walkers)] if walkers else None
        actor = (
            Actor(organisation=organisation, role=Role(roles[walker.email]), user=walker)
            if walker is not None
            else Actor.system(organisation)
        )
        observation = services.add_observation(
            actor=actor,
            walkthrough=walkthrough,
            touchpoint=touchpoints[name],
            category=category,
            note=note,
            feeling=feeling,
            severity=severity,
            emotion=emotion,
            photo=_photo(photo) if photo else None,
        )
        # As if recorded on the day, along the way.
        moment = start + timedelta(minutes=12 * number)
        Observation.objects.filter(pk=observation.pk).update(created_at=moment)
        made.append(observation)
    system = Actor.system(organisation)
    signs = next((o for o in made if o.category == "signs"), None)
    if signs is not None:
        services.start_action(actor=system, observation=signs)
    services.set_status(actor=system, walkthrough=walkthrough, status=WalkthroughStatus.DONE)
    Walkthrough.objects.filter(pk=walkthrough.pk).update(finished_at=start + timedelta(hours=2))
    return walkthrough


def _photo(kind: str) -> io.BytesIO:
    """A simple drawn picture (not a photograph), labelled as demo material."""
    image = Image.new("RGB", (960, 720), (226, 229, 232))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=26)
    if kind == "sign":
        # A glass wall with a small sign behind it, and the main door.
        draw.rectangle((0, 560, 960, 720), fill=(150, 144, 136))
        draw.rectangle((80, 120, 520, 560), fill=(190, 214, 226), outline=(90, 110, 120), width=6)
        draw.rectangle((300, 300, 420, 360), fill=(245, 245, 245), outline=(60, 60, 60), width=3)
        draw.text(
            (310, 318), "Ilmoittautuminen", fill=(40, 40, 40), font=ImageFont.load_default(size=14)
        )
        draw.rectangle((640, 160, 860, 560), fill=(122, 84, 52), outline=(70, 48, 30), width=6)
        draw.ellipse((820, 350, 840, 370), fill=(210, 190, 120))
    else:
        # A waiting room: a full bin and sand on the floor.
        draw.rectangle((0, 480, 960, 720), fill=(196, 186, 170))
        for x in range(60, 600, 130):
            draw.rectangle((x, 380, x + 100, 480), fill=(70, 110, 150))
        draw.rectangle((720, 360, 820, 520), fill=(90, 90, 90))
        for dx, dy in ((700, 340), (760, 330), (810, 350), (740, 540), (860, 600)):
            draw.ellipse((dx, dy, dx + 40, dy + 30), fill=(240, 240, 235))
        for n in range(80):
            x, y = (37 * n) % 940, 500 + (53 * n) % 200
            draw.point((x, y), fill=(120, 100, 70))
    draw.rectangle((0, 0, 960, 52), fill=(11, 85, 99))
    draw.text(
        (16, 12),
        "DEMO - piirretty esimerkkikuva, ei oikea valokuva",
        fill=(255, 255, 255),
        font=font,
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    buffer.seek(0)
    return buffer
