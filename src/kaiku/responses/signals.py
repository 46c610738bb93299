"""Extension points: code that reacts to new responses (the dashboards' rollups, say)
connects here instead of being called from the response services."""

from django.dispatch import Signal

# Sent after an import saved responses, with `survey_id` and `imported` (how many).
responses_imported = Signal()

# Sent after a submitted response (form, kiosk, API) has committed, with `response_id`,
# `organisation_id` and `with_text` (whether it has comments, which are then analysed first).
response_submitted = Signal()
