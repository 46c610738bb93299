"""The Celery app: a broker when CELERY_BROKER_URL is set, in-process after commit otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")

app = Celery("kaiku")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
