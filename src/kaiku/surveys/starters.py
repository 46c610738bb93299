"""Ready-made surveys to start from: a sensitive service's gentle one, and the employee
pulse. Their texts are survey content in fi/sv/en, edited like any survey's after."""

from __future__ import annotations

from kaiku.surveys.models import QuestionKind, SurveyMode
from kaiku.surveys.services import QuestionSpec, SurveySpec

SENSITIVE = "sensitive"
PULSE = "pulse"
STARTERS = (SENSITIVE, PULSE)

# An example to check and adapt: the organisation knows whom its people should call.
SUPPORT_TEXT = {
    "fi": (
        "Jos tarvitset nyt jonkun, jolle puhua: MIELI ry:n Kriisipuhelin 09 2525 0111 "
        "päivystää ympäri vuorokauden. Hätätilanteessa soita 112."
    ),
    "sv": (
        "Om du behöver någon att tala med nu: MIELI rf:s Kristelefon på svenska "
        "09 2525 0112. I en nödsituation, ring 112."
    ),
    "en": (
        "If you need someone to talk to now: MIELI Crisis Helpline in English "
        "09 2525 0116. In an emergency, call 112."
    ),
}


def _texts(fi: str, sv: str, en: str, languages: list[str]) -> dict[str, str]:
    return {lang: text for lang, text in (("fi", fi), ("sv", sv), ("en", en)) if lang in languages}


def sensitive_survey(*, name: str, journey_id: int, languages: list[str]) -> SurveySpec:
    """Gentle wording, every question optional, care measures instead of NPS."""

    def t(fi: str, sv: str, en: str) -> dict[str, str]:
        return _texts(fi, sv, en, languages)

    care = [
        (
            QuestionKind.HEARD,
            t("Tulin kuulluksi.", "Jag blev hörd.", "I felt heard."),
        ),
        (
            QuestionKind.SUPPORTED,
            t("Sain tukea.", "Jag fick stöd.", "I felt supported."),
        ),
        (
            QuestionKind.RESPECTED,
            t(
                "Minua kohdeltiin kunnioittavasti.",
                "Jag blev bemött med respekt.",
                "I was treated with respect.",
            ),
        ),
        (
            QuestionKind.INFORMED,
            t(
                "Sain tarvitsemani tiedot.",
                "Jag fick den information jag behövde.",
                "I got the information I needed.",
            ),
        ),
    ]
    questions = [QuestionSpec(kind=kind, key=str(kind), text=text) for kind, text in care]
    questions.append(
        QuestionSpec(
            kind=QuestionKind.TEXT,
            key="words",
            text=t(
                "Haluatko kertoa omin sanoin, mikä auttoi tai mikä olisi voinut olla toisin?",
                "Vill du berätta med egna ord vad som hjälpte eller vad som kunde ha varit "
                "annorlunda?",
                "Would you like to tell us in your own words what helped, or what could "
                "have been different?",
            ),
            help_text=t(
                "Voit jättää tämän tyhjäksi.",
                "Du kan lämna detta tomt.",
                "You can leave this empty.",
            ),
            max_length=4000,
        )
    )
    return SurveySpec(
        name=name,
        journey_id=journey_id,
        languages=languages,
        sensitive=True,
        title=t(
            "Miten voimme tukea paremmin?",
            "Hur kan vi stödja bättre?",
            "How can we support better?",
        ),
        intro=t(
            "Kiitos, että annat aikaasi tähän, kun tilanne voi olla raskas. Kaikkiin "
            "kysymyksiin vastaaminen on vapaaehtoista, ja voit lopettaa milloin tahansa.",
            "Tack för att du tar dig tid med detta i en stund som kan vara tung. Alla "
            "frågor är frivilliga, och du kan sluta när som helst.",
            "Thank you for giving this your time at what may be a heavy moment. Every "
            "question is optional, and you can stop at any time.",
        ),
        thanks=t(
            "Kiitos. Luemme jokaisen vastauksen huolella.",
            "Tack. Vi läser varje svar omsorgsfullt.",
            "Thank you. We read every answer with care.",
        ),
        support_text=t(SUPPORT_TEXT["fi"], SUPPORT_TEXT["sv"], SUPPORT_TEXT["en"]),
        questions=questions,
    )


def employee_pulse(*, name: str, journey_id: int, languages: list[str]) -> SurveySpec:
    """eNPS, wellbeing, workload, goals, values, emotional load and free text."""

    def t(fi: str, sv: str, en: str) -> dict[str, str]:
        return _texts(fi, sv, en, languages)

    items = [
        (
            QuestionKind.ENPS,
            t(
                "Kuinka todennäköisesti suosittelisit meitä työpaikkana ystävällesi?",
                "Hur sannolikt är det att du skulle rekommendera oss som arbetsplats till en vän?",
                "How likely are you to recommend us as a place to work to a friend?",
            ),
        ),
        (
            QuestionKind.WELLBEING,
            t("Voin hyvin työssäni.", "Jag mår bra i mitt arbete.", "I feel well at work."),
        ),
        (
            QuestionKind.WORKLOAD,
            t(
                "Työmääräni on kohtuullinen.",
                "Min arbetsmängd är rimlig.",
                "My workload is manageable.",
            ),
        ),
        (
            QuestionKind.GOALS,
            t(
                "Pystyn saavuttamaan työlleni asetetut tavoitteet.",
                "Jag kan nå de mål som satts för mitt arbete.",
                "I can meet the goals set for my work.",
            ),
        ),
        (
            QuestionKind.VALUES,
            t(
                "Organisaation arvot vastaavat omiani.",
                "Organisationens värderingar stämmer med mina egna.",
                "The organisation's values match my own.",
            ),
        ),
        (
            QuestionKind.EMOTIONAL_LOAD,
            t(
                "Vaikeat asiakaskohtaamiset kuormittavat minua.",
                "Svåra möten med kunder belastar mig.",
                "Difficult encounters with customers weigh on me.",
            ),
        ),
    ]
    questions = [QuestionSpec(kind=kind, key=str(kind), text=text) for kind, text in items]
    questions.append(
        QuestionSpec(
            kind=QuestionKind.TEXT,
            key="words",
            text=t(
                "Mikä auttaisi sinua ja tiimiäsi onnistumaan työssä?",
                "Vad skulle hjälpa dig och ditt team att lyckas i arbetet?",
                "What would help you and your team do well at work?",
            ),
            help_text=t(
                "Älä kirjoita nimiä: vastaukset näytetään vain ryhminä.",
                "Skriv inga namn: svaren visas bara i grupp.",
                "Please write no names: answers are only shown in groups.",
            ),
            max_length=4000,
        )
    )
    return SurveySpec(
        name=name,
        journey_id=journey_id,
        languages=languages,
        mode=SurveyMode.EMPLOYEE,
        title=t("Henkilöstön pulssi", "Personalens puls", "Employee pulse"),
        intro=t(
            "Vastaat nimettömästi: vastauksiin ei tallenneta kuka vastasi eikä milloin "
            "tarkalleen, ja tulokset näytetään vain, kun ryhmässä on riittävän monta "
            "vastaajaa.",
            "Du svarar anonymt: varken vem som svarade eller exakt när sparas, och "
            "resultaten visas bara när gruppen har tillräckligt många svar.",
            "You answer anonymously: neither who answered nor exactly when is stored, and "
            "results are shown only when a group has enough answers.",
        ),
        thanks=t("Kiitos vastauksestasi!", "Tack för ditt svar!", "Thank you for answering!"),
        questions=questions,
    )


def starter(which: str, *, name: str, journey_id: int, languages: list[str]) -> SurveySpec:
    build = {SENSITIVE: sensitive_survey, PULSE: employee_pulse}[which]
    return build(name=name, journey_id=journey_id, languages=languages)
