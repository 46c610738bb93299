"""Kaiku: an emotion-aware customer- and employee-experience platform."""

from kaiku.celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
