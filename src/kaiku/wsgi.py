"""WSGI entry point for `kaiku serve` and any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")
application = get_wsgi_application()

# Without a broker, answers are analysed in the web process after each submission:
# load the analysis engine now rather than in the first respondent's request.
if not os.environ.get("CELERY_BROKER_URL"):
    from kaiku.textanalysis import engine

    engine.analyzer()
