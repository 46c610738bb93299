"""Demo surveys and generated feedback for the demo journeys. Every response is made
up by a seeded random generator, labelled as demo data, and loaded through the real
import engine; nothing here is real customer feedback."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kaiku.journeys.models import Journey, Layer
from kaiku.organisations.actors import Actor
from kaiku.responses import import_jobs
from kaiku.responses.importing import Importer
from kaiku.responses.models import ImportJob
from kaiku.surveys import services as surveys
from kaiku.surveys.models import CARE_KINDS, Survey
from kaiku.surveys.starters import sensitive_survey

DEMO_RESPONSES_PER_SURVEY = 1800
SEED = 20261123

# Where each demo path hurts: touchpoint name → how much worse it feels (0…1).
PAIN = {
    "Soitto ajanvaraukseen": 0.8,
    "Odotus aulassa": 0.6,
    "Lasku käynnistä": 0.4,
    "Liitteiden toimittaminen": 0.7,
    "Käsittelijän yhteydenotto": 0.5,
    "Päätöskirje": 0.6,
}
# Planted for the improvement-action demo: a call-back service came to the appointment
# line ACTION_DAYS_AGO days ago, and calls after it go better. The lift is added to a
# row once drawn, and only to rows without a complaint, so that every random draw, and
# thus every comment of the demo, stays as it was.
ACTION_TOUCHPOINT = "Soitto ajanvaraukseen"
ACTION_DAYS_AGO = 45
CALMER = {"anger": "trust", "sadness": "anticipation", "fear": "trust", "disgust": "anticipation"}
# And where it delights.
DELIGHT = {"Lääkärin vastaanotto": 0.6, "Ensimmäinen puhelu asiakaspalvelussa": 0.5}

# Who served at the front desk of the clinic (team Vastaanotto): e-mail, name, and
# how their customers tend to feel (added to the odds of being the one who served a
# good visit). Eero is new and serves few, so his months stay under the threshold.
DEMO_STAFF_TEAM = "Vastaanotto"
DEMO_STAFF = [
    ("aino.lahti@demo.kaiku.fi", "Aino", "Lahti", 0.6),
    ("ville.niemi@demo.kaiku.fi", "Ville", "Niemi", -0.4),
    ("sara.koski@demo.kaiku.fi", "Sara", "Koski", 0.0),
    ("eero.salo@demo.kaiku.fi", "Eero", "Salo", 0.0),
]
STAFF_SHARE = {"eero.salo@demo.kaiku.fi": 0.1}
UNNAMED_SHARE = 0.3  # feedback that names nobody: a kiosk, a form without the field

NEGATIVE_TEXTS = [
    ("fi", "Jonotin puhelimessa yli puoli tuntia, eikä kukaan kertonut kauanko vielä menee."),
    ("fi", "Jouduin kertomaan samat asiat kolmeen kertaan eri ihmisille."),
    ("fi", "Ohjeet olivat sekavat ja lomake kaatui kesken täyttämisen."),
    ("fi", "Kirjeestä ei saanut selvää, mitä minun pitäisi tehdä seuraavaksi."),
    ("fi", "Odotusaika oli pitkä ja aulassa oli ahdasta ja levotonta."),
    ("fi", "Tuntui, ettei kukaan oikeasti kuunnellut minua."),
    ("fi", "Lasku tuli ennen kuin olin saanut edes tuloksia."),
    ("sv", "Jag väntade länge i telefon och fick ingen information."),
    ("en", "The letter was confusing and I had to call twice to understand it."),
]
# Rarer comments that tell of a life event, or give personal details: the analysis
# flags the first and redacts the second.
LIFE_EVENT_TEXTS = [
    ("fi", "Äitini kuoli keväällä, ja perunkirjoituksen kanssa en saanut apua mistään."),
    ("fi", "Sain syöpädiagnoosin, ja päätöstä piti odottaa kuukausia."),
    ("fi", "Asiani on ulosotossa, enkä pysty maksamaan laskua ajallaan."),
    ("fi", "Soittakaa minulle numeroon 040 123 4567, terveisin Maija Virtanen."),
    ("sv", "Min man dog i våras och ingen förklarade vad jag skulle göra med dödsboet."),
    ("fi", "En jaksa elää enää, kun mikään ei etene."),
]
POSITIVE_TEXTS = [
    ("fi", "Lääkäri kuunteli rauhassa ja selitti kaiken ymmärrettävästi."),
    ("fi", "Asiakaspalvelija oli lämmin ja otti osanottoni huomioon."),
    ("fi", "Kaikki sujui nopeasti ja sain ajan samalle päivälle."),
    ("fi", "Selkeät ohjeet, kiitos!"),
    ("sv", "Vänligt bemötande och snabb hjälp."),
    ("en", "Friendly staff and everything went smoothly."),
]


def demo_surveys(actor: Actor, journeys: list[Journey]) -> list[Survey]:
    """One open survey per demo journey, asked at its customer-facing touchpoints."""
    made = []
    for journey in journeys:
        sensitive = journey.sensitive
        touchpoints = [
            t.pk
            for stage in journey.stages.order_by("position")
            for t in stage.touchpoints.order_by("position")
            if t.layer in (Layer.CUSTOMER_ACTION, Layer.FRONTSTAGE)
        ]
        spec = surveys.SurveySpec(
            name=f"{journey.name}: palaute",
            journey_id=journey.pk,
            languages=["fi", "sv", "en"],
            title={
                "fi": "Kerro, miltä asiointi tuntui",
                "sv": "Berätta hur ärendet kändes",
                "en": "Tell us how it felt",
            },
            intro={
                "fi": "Vastaaminen vie noin minuutin. Vastaukset käsitellään luottamuksellisesti.",
                "sv": "Det tar ungefär en minut. Svaren behandlas konfidentiellt.",
                "en": "It takes about a minute. Answers are treated confidentially.",
            },
            touchpoint_ids=touchpoints,
            questions=_questions(sensitive),
        )
        if sensitive:
            gentle = sensitive_survey(
                name=spec.name, journey_id=journey.pk, languages=list(spec.languages)
            )
            spec.title, spec.intro, spec.thanks = gentle.title, gentle.intro, gentle.thanks
            spec.support_text = gentle.support_text
            care = [q for q in gentle.questions if q.kind in CARE_KINDS]
            spec.questions = [spec.questions[0], *care, *spec.questions[1:]]
        survey = surveys.create_survey(actor=actor, spec=spec)
        surveys.set_status(actor=actor, survey=survey, status="open")
        made.append(survey)
    return made


def _questions(sensitive: bool) -> list[surveys.QuestionSpec]:
    q = surveys.QuestionSpec
    first = (
        # A grieving relative is not asked to recommend; they are asked if they were heard.
        q(
            kind="csat",
            key="csat",
            # Nothing is demanded of someone grieving.
            required=False,
            text={
                "fi": "Kuinka tyytyväinen olit saamaasi palveluun?",
                "sv": "Hur nöjd var du med servicen?",
                "en": "How satisfied were you with the service?",
            },
        )
        if sensitive
        else q(
            kind="nps",
            key="nps",
            required=True,
            text={
                "fi": "Kuinka todennäköisesti suosittelisit meitä läheisellesi?",
                "sv": "Hur sannolikt är det att du rekommenderar oss?",
                "en": "How likely are you to recommend us?",
            },
        )
    )
    low = 2 if sensitive else 6
    return [
        first,
        q(kind="ease", key="ease", text={
            "fi": "Kuinka helppoa asiointi oli?", "sv": "Hur lätt var det?", "en": "How easy was it?"}),
        q(kind="effectiveness", key="effectiveness", text={
            "fi": "Saitko asiasi hoidettua?", "sv": "Fick du ditt ärende skött?",
            "en": "Did you get what you needed?"}),
        q(kind="emotion", key="feeling", text={
            "fi": "Mitä tunsit asioidessasi?", "sv": "Vad kände du?", "en": "What did you feel?"}),
        q(kind="emotion_curve", key="curve", text={
            "fi": "Miltä kukin vaihe tuntui?", "sv": "Hur kändes varje skede?",
            "en": "How did each stage feel?"}),
        q(kind="text", key="what_happened", condition={"question": first.key, "op": "lte", "value": low},
          text={"fi": "Mitä tapahtui? Mitä olisimme voineet tehdä toisin?",
                "sv": "Vad hände? Vad kunde vi ha gjort annorlunda?",
                "en": "What happened? What could we have done differently?"}),
        q(kind="text", key="praise", text={
            "fi": "Mikä onnistui erityisen hyvin?", "sv": "Vad fungerade särskilt bra?",
            "en": "What went especially well?"}),
        q(kind="consent_contact", key="may_contact", text={
            "fi": "Saammeko ottaa sinuun yhteyttä palautteesi vuoksi?",
            "sv": "Får vi kontakta dig om din respons?", "en": "May we contact you about your feedback?"}),
    ]  # fmt: skip


def generate_feedback(survey: Survey, count: int = DEMO_RESPONSES_PER_SURVEY) -> int:
    """Made-up responses for a demo survey, loaded through the import engine."""
    rng = random.Random(f"{SEED}-{survey.journey.name}")
    # Its own generator, so that who served changes none of the other draws.
    staff_rng = random.Random(f"{SEED}-{survey.journey.name}-staff")
    touchpoints = list(
        survey.touchpoints.select_related("stage", "owner_team").order_by(
            "stage__position", "position"
        )
    )
    stages = list(survey.journey.stages.order_by("position"))
    first = survey.questions.order_by("position").first()
    assert first is not None
    header = ["submitted_at", "experienced_at", "touchpoint", "channel", "language", first.key,
              "ease", "effectiveness", "feeling", "curve", "what_happened", "praise",
              "team", "served_by"]  # fmt: skip
    care = [str(k) for k in survey.questions.values_list("kind", flat=True) if k in CARE_KINDS]
    care_rng = random.Random(f"{SEED}-{survey.journey.name}-care")
    header += care
    now = timezone.now()
    rows: list[tuple[int, list[str]]] = []
    for number in range(2, count + 2):
        touchpoint = rng.choice(touchpoints)
        mood = (
            rng.gauss(0.35, 0.45) - PAIN.get(touchpoint.name, 0) + DELIGHT.get(touchpoint.name, 0)
        )
        # A slow improvement over the half year, so that trends have something to show.
        age_days = rng.uniform(0, 180)
        mood += (180 - age_days) / 180 * 0.25
        mood = max(-1.0, min(1.0, mood))
        experienced = now - timedelta(days=age_days, hours=rng.uniform(0, 10))
        submitted = experienced + timedelta(hours=rng.uniform(0.2, 30))
        score = _scale(first.scale or (0, 10), mood, rng)
        row = [
            _stamp(min(submitted, now)),
            _stamp(experienced),
            touchpoint.name,
            touchpoint.channel,
            rng.choices(["fi", "sv", "en"], weights=[85, 10, 5])[0],
            str(score),
            str(_scale((1, 7), mood + rng.gauss(0, 0.25), rng)),
            str(_scale((1, 7), mood + rng.gauss(0.1, 0.3), rng)),
            _emotions(mood, rng),
            _curve(stages, touchpoint.stage_id, mood, rng),
            _negative_text(rng) if mood < -0.1 and rng.random() < 0.55 else "",
            _text(POSITIVE_TEXTS, rng) if mood > 0.4 and rng.random() < 0.3 else "",
            touchpoint.owner_team.name if touchpoint.owner_team else "",
            _served_by(touchpoint, mood, staff_rng),
        ]
        if touchpoint.name == ACTION_TOUCHPOINT and age_days < ACTION_DAYS_AGO and not row[10]:
            row = _after_the_action(row, first.scale or (0, 10))
        # Care measures from a generator of their own, so that every other draw (and
        # thus every comment of the demo) stays as it was.
        row += [str(_scale((1, 5), mood + care_rng.gauss(0, 0.3), care_rng)) for _k in care]
        rows.append((number, row))
    report = Importer(survey, header, is_demo=True).run(rows)
    assert report.rejected == 0, report.errors[:3]
    return report.imported


def _served_by(touchpoint: Any, mood: float, rng: random.Random) -> str:
    """The staff member who served, for the front desk's touchpoints."""
    team = touchpoint.owner_team
    if team is None or team.name != DEMO_STAFF_TEAM:
        return ""
    if rng.random() < UNNAMED_SHARE:
        return ""
    weights = [
        STAFF_SHARE.get(email, 1.0) * max(0.05, 1 + warmth * mood)
        for email, _first, _last, warmth in DEMO_STAFF
    ]
    return rng.choices([email for email, *_rest in DEMO_STAFF], weights=weights)[0]


def _after_the_action(row: list[str], scale: tuple[int, int]) -> list[str]:
    """Scores up by about a third of their scale, hard emotions turned calm."""
    low, high = scale
    lifted = list(row)
    lifted[5] = str(min(high, int(row[5]) + round((high - low) / 3)))
    lifted[6] = str(min(7, int(row[6]) + 2))
    lifted[7] = str(min(7, int(row[7]) + 2))
    for hard, calm in CALMER.items():
        lifted[8] = lifted[8].replace(hard, calm)
    return lifted


def _scale(bounds: tuple[int, int], mood: float, rng: random.Random) -> int:
    low, high = bounds
    value = low + (mood + 1) / 2 * (high - low) + rng.gauss(0, (high - low) * 0.08)
    return max(low, min(high, round(value)))


def _emotions(mood: float, rng: random.Random) -> str:
    if rng.random() < 0.25:
        return ""
    if mood > 0.3:
        pool = ["joy", "trust", "trust", "surprise", "anticipation"]
    elif mood < -0.2:
        pool = ["anger", "sadness", "fear", "disgust", "anger", "surprise"]
    else:
        return "neutral" if rng.random() < 0.5 else "anticipation:1"
    chosen = rng.sample(pool, k=rng.choice([1, 1, 2]))
    intensity = 3 if abs(mood) > 0.7 else 2 if abs(mood) > 0.35 else 1
    return "; ".join(f"{e}:{intensity}" for e in dict.fromkeys(chosen))


def _curve(stages: list[Any], at_stage: int, mood: float, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return ""
    points = []
    for i, stage in enumerate(stages):
        # Planted for the peak-end panel: how the path ended follows the respondent's
        # overall mood closely, the stages before it less so. (As many draws from
        # rng as before, so the rest of the demo stays as it was.)
        last = i == len(stages) - 1
        if stage.pk == at_stage:
            base = mood * (2.8 if last else 2.2)
        elif last:
            base = mood * 2.8 + rng.gauss(0, 0.4)
        else:
            base = rng.gauss(0.8, 1.0)
        points.append(f"{stage.pk}:{max(-3, min(3, round(base)))}")
    return "; ".join(points)


def _negative_text(rng: random.Random) -> str:
    return _text(LIFE_EVENT_TEXTS if rng.random() < 0.05 else NEGATIVE_TEXTS, rng)


def _text(texts: list[tuple[str, str]], rng: random.Random) -> str:
    return rng.choice(texts)[1]


def _stamp(moment: datetime) -> str:
    return moment.isoformat()


def demo_import_check(actor: Actor, survey: Survey) -> ImportJob:
    """An old spreadsheet export (made up, named as demo) uploaded to the survey and
    checked, not imported: the import page shows its mapping and its report, with a
    few broken rows of the kinds real exports have."""
    touchpoint = survey.touchpoints.order_by("position").first()
    assert touchpoint is not None
    first = survey.questions.order_by("position").first()
    assert first is not None
    rng = random.Random(f"{SEED}-import")
    lines = ["Pvm;Kosketuspiste;Arvosana;Vapaa palaute"]
    for day in range(1, 41):
        score = _scale(first.scale or (0, 10), rng.gauss(0.3, 0.5), rng)
        text = _text(NEGATIVE_TEXTS, rng) if score < 5 and rng.random() < 0.5 else ""
        lines.append(f"2025-10-{day % 28 + 1:02d} 12:00;{touchpoint.name};{score};{text}")
    lines[7] = "2025-10-07 12:00;Pysäköinti;8;"  # not a touchpoint of this survey
    lines[13] = "2025-10-13 12:00;;kymmenen;"  # a word, not a score
    lines[21] = '2025-10-21 12:00;;3;=HYPERLINK("http://example.org";"klikkaa")'  # a formula
    content = ("\n".join(lines) + "\n").encode()
    upload = SimpleUploadedFile("demo-vanhat-palautteet-2025.csv", content, "text/csv")
    job = import_jobs.upload_import(actor=actor, survey=survey, upload=upload)
    mapping = {"submitted_at": "Pvm", "touchpoint": "Kosketuspiste", first.key: "Arvosana"}
    mapping["what_happened"] = "Vapaa palaute"
    job = import_jobs.start_import(actor=actor, job=job, mapping=mapping, dry_run=True)
    # Run here, so the demo shows the report whether or not a worker is running; the
    # queued task then finds the job done and leaves it.
    return import_jobs.run_import(job_id=job.pk)
