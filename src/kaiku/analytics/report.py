"""The executive report of a journey for a period, as PDF: the whole journey in a
few figures, how each stage felt, the pain points, what drives the outcome and what
peak-end says. Built with reportlab from the same reads as the pages, so the report
and the screens never disagree.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kaiku.analytics import drivers, pain_points, selectors, stats
from kaiku.analytics.charts import BAND_COLOURS
from kaiku.analytics.templatetags.analytics import outcome_name, predictor_name, valence_band
from kaiku.organisations.models import Organisation

# Bitstream Vera ships inside reportlab and has the letters Finnish and Swedish need.
_FONTS = Path(reportlab.__file__).parent / "fonts"
FONT, BOLD = "KaikuVera", "KaikuVera-Bold"


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONTS / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(_FONTS / "VeraBd.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=BOLD, fontSize=18),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=13),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9.5),
        "small": ParagraphStyle(
            "small", parent=base["BodyText"], fontName=FONT, fontSize=8, textColor=colors.grey
        ),
    }


def _text(value: object) -> str:
    """A name for a Paragraph, which reads its text as markup (<b>, <a href>, <img src>
    that opens a file or a URL): a name people wrote is escaped to stay text, and one
    with a stray tag does not break the report."""
    return escape(str(value))


def _num(value: float | None, digits: int = 2, signed: bool = True) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _estimate(e: stats.Estimate | None, digits: int = 2, signed: bool = True) -> str:
    if e is None:
        return "–"
    return (
        f"{_num(e.value, digits, signed)} "
        f"({_num(e.low, digits, signed)}…{_num(e.high, digits, signed)})"
    )


def _table(rows: list[list[str]], widths: list[float], shades: list | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for row, colour in enumerate(shades or [], start=1):
        if colour:
            style.append(("LINEBEFORE", (0, row), (0, row), 4, colors.HexColor(colour)))
    table.setStyle(TableStyle(style))
    return table


def build_report(
    organisation: Organisation, journey_id: int, filters: selectors.Filters, language: str = "fi"
) -> bytes:
    _register_fonts()
    style = _styles()
    found = selectors.journey_map(organisation, journey_id, filters, language=language)
    pains = pain_points.pain_points(organisation, journey_id, filters, language=language)
    panel, peak = drivers.panels(organisation, journey_id, filters, language=language)
    journey = found.journey
    period = " – ".join(d.strftime("%d.%m.%Y") if d else "…" for d in (filters.start, filters.end))
    story: list = [
        Paragraph(_("Executive report: %(name)s") % {"name": _text(journey.name)}, style["title"]),
        Paragraph(
            _("%(organisation)s · period %(period)s · made %(today)s")
            % {
                "organisation": _text(organisation.name),
                "period": period if (filters.start or filters.end) else _("all time"),
                "today": timezone.localdate().strftime("%d.%m.%Y"),
            },
            style["small"],
        ),
        Spacer(1, 4 * mm),
    ]
    total = found.total
    if total.enough:
        opening = _("%(n)s responses. Mean valence %(valence)s; negative %(negative)s.") % {
            "n": total.n,
            "valence": _estimate(total.valence),
            "negative": f"{100 * total.negative.value:.0f} %" if total.negative else "–",
        }
        if total.nps is not None:
            opening += " " + _("NPS %(nps)s.") % {"nps": _estimate(total.nps, 0)}
        story.append(Paragraph(opening, style["body"]))
    else:
        story.append(Paragraph(_("Too few responses in this period to report."), style["body"]))

    story.append(Paragraph(_("How each stage felt"), style["h2"]))
    rows = [[_("Stage"), "n", _("Valence (interval, 95%)"), _("Negative"), _("Journey curve")]]
    shades = []
    for column in found.stages:
        summary = column.summary
        rows.append(
            [
                Paragraph(_text(column.stage.name), style["body"]),
                str(summary.n),
                _estimate(summary.valence) if summary.enough else _("too few"),
                f"{100 * summary.negative.value:.0f} %" if summary.negative else "–",
                _num(column.curve.valence.value) if column.curve.valence else "–",
            ]
        )
        value = summary.valence.value if summary.valence else None
        shades.append(BAND_COLOURS[valence_band(value)] if summary.enough else None)
    story.append(_table(rows, [52 * mm, 13 * mm, 45 * mm, 24 * mm, 38 * mm], shades))

    story.append(Paragraph(_("Pain points"), style["h2"]))
    if pains.points:
        rows = [[_("Touchpoint"), _("Negative"), _("Impact"), _("Themes behind it")]]
        for point in pains.points[:5]:
            rows.append(
                [
                    Paragraph(
                        _text(f"{point.touchpoint.name} ({point.stage.name})"), style["body"]
                    ),
                    f"{point.negative} / {point.responses}",
                    f"{point.impact:.1f}",
                    Paragraph(_text(", ".join(t.name for t in point.themes) or "–"), style["body"]),
                ]
            )
        story.append(_table(rows, [70 * mm, 24 * mm, 18 * mm, 52 * mm]))
    else:
        story.append(Paragraph(_("No pain points in this period."), style["body"]))

    story.append(Paragraph(_("What drives the experience"), style["h2"]))
    if panel.drivers is not None:
        shares = panel.drivers.shares
        story.append(
            Paragraph(
                _("What explains %(outcome)s: ") % {"outcome": outcome_name(panel.outcome or "")}
                + "; ".join(
                    f"{predictor_name(name)} {100 * e.value:.0f} % "
                    f"({100 * e.low:.0f}–{100 * e.high:.0f} %)"
                    for name, e in shares.items()
                )
                + f". R² = {panel.drivers.r2.value:.2f}, n = {panel.drivers.r2.n}.",
                style["body"],
            )
        )
    else:
        story.append(Paragraph(_("Not enough responses for drivers."), style["body"]))
    if peak.fit is not None:
        effects = "; ".join(
            f"{predictor_name(name)} {_estimate(e)}" for name, e in peak.fit.coefficients.items()
        )
        story.append(
            Paragraph(
                _("Peak and end (standardised effects, %(n)s journeys): %(effects)s.")
                % {"n": peak.fit.n, "effects": effects},
                style["body"],
            )
        )
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            _(
                "Figures from Kaiku. Below %(min_n)s responses a figure is not shown. "
                "Intervals are 95 %%."
            )
            % {"min_n": found.min_n},
            style["small"],
        )
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Kaiku – {journey.name}",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    document.build(story)
    return buffer.getvalue()
