"""Extension points of the loop: code that reacts to customers' choices connects here."""

from django.dispatch import Signal

# Sent after a person stopped "you said, we did" messages (only when they were still
# subscribed), with `respondent_id` and `language` (the page's).
changes_declined = Signal()
