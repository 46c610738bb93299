"""PII redaction speed: texts per second on one core, for feedback-like text.

    .venv/bin/python benchmarks/redaction.py [--texts 100000]

A generated mix of about 100-character comments in Finnish, Swedish and English; one
in ten holds a phone number, an e-mail address or a name.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

PLAIN = [
    "Jono oli pitkä ja kukaan ei kertonut miksi, odotin melkein tunnin aulassa.",
    "Ystävällinen vastaanotto ja selkeät ohjeet, kiitos kaikille paikalla olleille!",
    "Lasku tuli väärään osoitteeseen ja asiakaspalveluun oli vaikea saada yhteyttä.",
    "Bra service, men lång väntetid i telefon innan någon svarade på min fråga.",
    "The nurse explained everything clearly and the follow-up came on time.",
]
PERSONAL = [
    "Soittakaa minulle numeroon 040 123 4567, niin kerron lisää tilanteesta.",
    "Vastatkaa osoitteeseen maija.meikalainen@example.fi, kiitos jo etukäteen.",
    "Hoitaja Marja Virtanen oli ihana ja jaksoi kuunnella kaikki kysymykseni.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=100_000)
    options = parser.parse_args()
    rng = random.Random(7)
    texts = [rng.choice(PERSONAL if rng.random() < 0.1 else PLAIN) for _ in range(options.texts)]

    from kaiku.analysis.redaction import Redactor

    started = time.perf_counter()
    redactor = Redactor()
    redactor.redact("Hoitaja Marja")  # loads the lexicons
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    redacted = sum(1 for text in texts if redactor.redact(text).spans)
    took = time.perf_counter() - started
    from benchmarks.yardstick import describe

    print(describe())
    print(f"lexicons loaded in {loaded * 1000:.0f} ms")
    print(f"{len(texts):,} texts, {redacted:,} with personal data found")
    print(f"redaction: {took:.2f} s = {len(texts) / took:,.0f} texts/s on one core")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
