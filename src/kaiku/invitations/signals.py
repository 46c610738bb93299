"""Extension points of invitations: code that reacts to what invited people choose
connects here instead of being called from the invitation services."""

from django.dispatch import Signal

# Sent after a person's opt-out of survey invitations has committed (only when it
# changed something), with `respondent_id` and `language` (the invitation's).
opted_out = Signal()
