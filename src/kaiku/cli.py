"""The `kaiku` console script: demo, serve, worker, and every Django management command."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

DEFAULT_BIND = "127.0.0.1:8000"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")
    command = argv[0] if argv else "help"
    if command == "demo":
        demo(argv[1:])
    elif command == "serve":
        serve(argv[1:])
    elif command == "worker":
        worker(argv[1:])
    elif command == "train" and any(a.startswith("--organisation") for a in argv[1:]):
        _django(["train_organisation", *argv[1:]])
    elif command in ("analyze", "evaluate", "train"):
        # The analysis engine needs no database: no Django setup for these.
        from kaiku.analysis.cli import COMMANDS

        COMMANDS[command](argv[1:])
    else:
        _django(argv or ["help"])


def demo(args: list[str]) -> None:
    """Migrate, seed the demo organisation, print the logins and serve (DEBUG on)."""
    parser = argparse.ArgumentParser(prog="kaiku demo")
    parser.add_argument("--bind", default=DEFAULT_BIND)
    parser.add_argument("--no-serve", action="store_true", help="Seed only; do not serve.")
    options = parser.parse_args(args)
    os.environ.setdefault("DEBUG", "1")
    # A demo is tried with a shared password: its owner is not made to set up an
    # authenticator app first (KAIKU_REQUIRE_2FA=1 kaiku demo shows that step).
    os.environ.setdefault("KAIKU_REQUIRE_2FA", "0")
    _django(["migrate", "--no-input", "-v", "0"])
    _django(["seed_demo"])
    if not options.no_serve:
        print(f"Kaiku demo: http://{options.bind}/  (Ctrl+C stops)", flush=True)
        serve(["--bind", options.bind])


def serve(args: list[str]) -> None:
    """Serve with gunicorn; static files are served by WhiteNoise from the app itself."""
    parser = argparse.ArgumentParser(prog="kaiku serve")
    parser.add_argument("--bind", default=os.environ.get("KAIKU_BIND", DEFAULT_BIND))
    # Threaded workers keep connections alive and overlap database waits; one process
    # per core and one more, four threads each, measured best on a 2-core machine
    # (benchmarks/submissions.py).
    cores = os.cpu_count() or 1
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", cores + 1))
    )
    parser.add_argument("--threads", type=int, default=int(os.environ.get("KAIKU_THREADS", "4")))
    parser.add_argument("--migrate", action="store_true", help="Apply migrations first.")
    options = parser.parse_args(args)
    if options.migrate:
        _django(["migrate", "--no-input"])
    _django(["collectstatic", "--no-input", "-v", "0"])
    _exec(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kaiku.wsgi:application",
            "--bind",
            options.bind,
            "--workers",
            str(options.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(options.threads),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            # Without a broker the web workers analyse comments themselves: load the
            # app, and with it the analysis models, once before forking, so that the
            # workers share the models' memory instead of each loading its own.
            *([] if os.environ.get("CELERY_BROKER_URL") else ["--preload"]),
        ]
    )


def worker(args: list[str]) -> None:
    """A Celery worker; it needs CELERY_BROKER_URL (Redis)."""
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("kaiku worker needs CELERY_BROKER_URL, for example redis://127.0.0.1:6379/0")
    # The loop's deliveries and sweeps have a queue of their own (settings.py); a
    # worker serves both unless told otherwise.
    told = any(a in ("-Q", "--queues") or a.startswith("--queues=") for a in args)
    queues = [] if told else ["--queues", "celery,loop"]
    command = [sys.executable, "-m", "celery", "-A", "kaiku", "worker", "--loglevel", "INFO"]
    _exec([*command, *queues, *args])


def _django(args: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kaiku", *args])


def _exec(command: list[str]) -> None:
    # Replace this process so that signals (Ctrl+C, SIGTERM) reach the server directly.
    try:
        os.execv(command[0], command)  # noqa: S606 - a fixed argv, no shell
    except OSError:
        sys.exit(subprocess.call(command))  # noqa: S603


if __name__ == "__main__":
    main()
