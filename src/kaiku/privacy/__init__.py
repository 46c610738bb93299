"""Privacy (GDPR): data-subject requests, retention, consent records, the record of processing."""
