"""Pathway: the app factory and the embedded default entry point (`python app.py`)."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import threading
from datetime import timedelta
from pathlib import Path

import flask_babel
from flask import Flask

import config as config_module
from blueprints import bounds, cookie_sessions, form_tokens, register_blueprints
from clock import utcnow
from commands import register_commands
from errors import ConfigurationError, DefinitionError
from extensions import csrf, limiter, login_manager
from scheduler.runner import start_background_scheduler
from services.audit.chain import configure as configure_audit_chain
from services.cases.lists import fill_list_fields, fill_name_keys
from services.cases.stages import fill_stage_orders
from services.common.language import LOCALES, in_language
from services.demo.load import load_demo
from services.notifications.unread import fill_unread_counts
from services.partner.links import fill_partner_links
from services.pathways.store import latest_definitions
from services.pathways.sync import sync_workflows
from services.privacy.monitoring import fill_monitoring
from services.reports.cohort import fill_cohort_counts
from services.reports.counts import fill_report_counts
from services.reports.deadline_counts import fill_timeliness_counts
from services.reports.fields import fill_report_fields
from services.submissions.definition_files import sync_forms
from services.submissions.definitions import compiled_form, published_forms
from services.users.accounts import ensure_first_admin
from storage.connection import connect_database
from storage.embedded import answers, free_port
from storage.retired_indexes import drop_retired_indexes

log = logging.getLogger("pathway")
FILES_PER_PAGE = 5  # files of the largest size one page may send at once
GC_YOUNGEST = 20_000  # allocations between collections of the youngest objects, in a server process


def create_app(config_overrides: dict | None = None) -> Flask:
    """Build the Flask app: settings, database, extensions, blueprints, CLI."""
    settings = config_module.load_settings(config_overrides)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=False)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings)
    if not settings["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config_module.instance_secret_key(app.instance_path)
    production = settings["ENV"] == "production"
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_NAME="pathway_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=production,
        REMEMBER_COOKIE_DURATION=timedelta(hours=settings["SESSION_HOURS"]),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings["SESSION_HOURS"]),
        # The cookie is signed again only when the session changes (check_session notes a request every half
        # minute, which moves its expiry on): both limits are kept on the server, and signing costs every page.
        SESSION_REFRESH_EACH_REQUEST=False,
        # Each file is checked against MAX_UPLOAD_MB on its own field, the page's other answers kept; the request
        # as a whole may carry a few (a repeater's rows), and only beyond that is the page refused whole (413).
        MAX_CONTENT_LENGTH=(settings["MAX_UPLOAD_MB"] * FILES_PER_PAGE + 1) * 1024 * 1024,
        RATELIMIT_STORAGE_URI=settings["RATELIMIT_STORAGE_URI"],
        RATELIMIT_HEADERS_ENABLED=True,
        BABEL_DEFAULT_LOCALE="en_GB",
        BABEL_DEFAULT_TIMEZONE="Europe/London",
        WTF_CSRF_TIME_LIMIT=None,  # the session lifetime bounds it; a long form must not expire mid-way
    )
    if settings["TRUSTED_PROXY_HOPS"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only as many X-Forwarded-* hops as there are proxies we run: a client cannot forge its address.
        hops = settings["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    connect_database(app.config)

    configure_audit_chain(app.config)

    cookie_sessions.install(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    form_tokens.register(app)  # after init_app, whose csrf_token() it replaces in templates
    limiter.init_app(app)

    bounds.install(app)

    register_blueprints(app)
    register_commands(app)

    if settings["BOOTSTRAP_ADMIN"] and not settings["TESTING"]:
        _bootstrap(app)
    if production and not settings["TESTING"]:
        # Each server process fills its own caches at start, beside its first requests, so that none of those
        # waits a second for them; a command that exits sooner just leaves the work unfinished.
        threading.Thread(target=warm_caches, args=(app,), name="warm-caches", daemon=True).start()
        tune_collector()
    return app


def tune_collector() -> None:
    """Set the garbage collector for a server process: what start made set aside, the young collected less often."""
    # What is made at start lives as long as the process: the collector need not look through it again on every
    # full collection, which pages' many short-lived objects set off.
    gc.freeze()
    # A page makes some tens of thousands of objects, nearly all gone when it is sent: collecting the youngest every
    # 700 allocations (the default) ran a dozen collections a page, each finding almost nothing to free.
    gc.set_threshold(GC_YOUNGEST, *gc.get_threshold()[1:])


def warm_caches(app: Flask) -> None:
    """Do what a process's first pages would: compile the templates, parse the pathways and forms, load locales."""
    try:
        for name in app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html")):
            app.jinja_env.get_template(name)
        with app.test_request_context():
            latest_definitions()
            forms = published_forms()
            for language in LOCALES:
                with in_language(language):
                    flask_babel.get_translations()
                    flask_babel.format_date(utcnow().date(), "long")
                for doc in forms:
                    compiled_form(doc, language)
        gc.freeze()  # the caches just filled live as long as the process too
    except Exception:  # noqa: BLE001 - only a head start: every page still fills what it needs itself
        log.warning("The caches could not be filled at start", exc_info=True)


def _workflows_command(argv: list[str] | None = None) -> bool:
    """Tell whether the app is being made for a `flask workflows ...` command.

    The flask CLI makes the app while it still looks for an app-registered command, so the command line is read.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    with_value = {"--app", "-A", "--env-file", "-e"}
    while args:
        arg = args.pop(0)
        if arg in with_value:
            args[:1] = []
        elif not arg.startswith("-"):
            return arg == "workflows"
    return False


# What each start gives documents stored before a field existed (each fill runs once, or finds nothing left to do),
# and what the log says of how many it gave.
STARTUP_FILLS = (
    (fill_list_fields, "Cases given their next deadline for sorted lists: %s"),
    (fill_report_fields, "Cases given the stages they reached, for the reports: %s"),
    (fill_report_counts, "Report counters computed from the stored history: %s"),
    (fill_timeliness_counts, "On-time counters computed from the stored deadlines: %s"),
    (fill_cohort_counts, "Funnel and evaluation counters computed from the stored cases: %s"),
    (fill_name_keys, "Cases given name keys for search: %s"),
    (fill_monitoring, "Ended cases given their monitoring categories: %s"),
    (fill_stage_orders, "Cases given their place in the case list's stage order: %s"),
    (fill_partner_links, "Cases given the ids of their partner records: %s"),
    (fill_unread_counts, "Users given the count of their unread notifications: %s"),
)


def _bootstrap(app: Flask) -> None:
    """Create the first administrator on an empty database and load demo data when asked."""
    now = utcnow()
    # Shipped forms and pathways are loaded on every start; unchanged files cost a hash comparison only.
    # `flask workflows ...` decides itself what to store: checking a file must never store it.
    syncs = [("form", sync_forms)] + ([] if _workflows_command() else [("pathway", sync_workflows)])
    for kind, sync in syncs:
        try:
            report = sync(now=now)
        except DefinitionError as exc:
            # The versions already stored keep working; the broken file is named so it can be fixed.
            log.error("A %s definition file is broken and was not loaded: %s %s", kind, exc.message,
                      "; ".join(f"{p.field}: {p.message}" for p in exc.problems))
            continue
        for key, version, action in report:
            if not version:
                log.error("%s file %s was not loaded (its stored version keeps working): %s", kind, key, action)
            elif action != "unchanged":
                log.info("%s %s: version %s %s", kind.capitalize(), key, version, action)
    for fill, said in STARTUP_FILLS:
        filled = fill()
        if filled:
            log.info(said, filled)
    dropped = drop_retired_indexes()
    if dropped:
        log.info("Indexes no query uses any more dropped: %s", ", ".join(dropped))
    created = ensure_first_admin(now=now)
    if created:
        user, password = created
        # Never printed: a console is often a log file. Only the owner of the instance folder can read this file.
        path = write_secret_file(Path(app.instance_path) / "first-admin-password", password)
        print(
            f"\n  Pathway created the first administrator.\n    email:    {user.email}\n"
            f"    one-time password: in {path} (readable by you only; you must choose a new one at first sign-in)\n",
            file=sys.stderr, flush=True,
        )
    if app.config["DEMO"]:
        load_demo(now=now)


def write_secret_file(path: Path, secret: str) -> Path:
    """Write a secret to a file only its owner can read, replacing an older one."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return path


def served_base_url(configured: str, host: str, port: int, *, explicit: bool) -> str:
    """Return where links in emails should lead: the address set, else the one this process answers on."""
    if explicit:
        return configured
    # The embedded default may answer on another port (the one asked for, or a free one when 5000 is taken).
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a name for links, not a bind
    return f"http://{shown}:{port}"


def main(argv: list[str] | None = None) -> int:
    """Run the embedded default: web and scheduler in one process, on the bundled MongoDB."""
    parser = argparse.ArgumentParser(description="Run Pathway on the embedded default.")
    parser.add_argument("--demo", action="store_true", help="load a demo team and show demo passwords")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    overrides = {"DEMO": True} if args.demo else {}
    try:
        app = create_app(overrides)
    except ConfigurationError as exc:
        print(f"\nPathway cannot start: {exc.message}\n", file=sys.stderr)
        return 2
    host = args.host or app.config["HOST"]
    port = args.port or app.config["PORT"]
    if answers(port):
        port = free_port()
    app.config["BASE_URL"] = served_base_url(app.config["BASE_URL"], host, port,
                                             explicit=bool(os.environ.get("PATHWAY_BASE_URL")))
    if app.config["SCHEDULER_ENABLED"]:
        start_background_scheduler(app)
    print(f"\n  Pathway is running on http://{host}:{port}/  (Ctrl-C to stop)\n", file=sys.stderr, flush=True)
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
