"""Extension points: code that reacts to what the analysis found (alert rules, say)
connects here instead of being called from the analysis services."""

from django.dispatch import Signal

# Sent after a batch of answers was analysed and saved, with `organisation_id` and
# `analyses` (the saved TextAnalysis rows).
answers_analysed = Signal()
