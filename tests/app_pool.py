"""One test app per process, reused by every test whose settings are the usual ones.

Building the app compiles every URL rule (~90 ms of CPU) and opens a new database client, whose first use of
each collection then asks for its indexes again: thousands of tests paid that for an app they did not change.
A test gets the shared app back as it was built: its settings restored, the rate-limit counters emptied and the
database client re-made if anything else connected meanwhile. A test that changes the app itself (adds a route,
a hook, a template loader...) leaves an app that is thrown away, and the next test gets a new one.
"""

from __future__ import annotations

import mongoengine
from flask import Flask

from app import create_app
from extensions import limiter
from services.audit.chain import configure as configure_audit_chain
from storage.connection import connect_database

_FREE = ("INSTANCE_PATH",)  # only the secret key (given) and the bundled mongod (not used) live there
_CACHES = "pathway."  # the prefix of the caches the app keeps in `app.extensions` (blueprints/navigation.py)


def _filled(registry) -> str:
    """Return a registry of hooks without the empty entries that merely looking something up leaves behind."""
    if isinstance(registry, dict):
        entries = sorted((repr(key), _filled(value)) for key, value in registry.items())
        return repr([(key, value) for key, value in entries if value != "[]"])
    return repr(registry)


def _shape(app: Flask) -> tuple:
    """Return what a test could change about an app beyond its settings."""
    jinja = app.jinja_env
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
             app.teardown_appcontext_funcs, app.template_context_processors, app.error_handler_spec,
             app.url_value_preprocessors, app.url_default_functions)
    return (
        len(app.url_map._rules), len(app.view_functions), app.wsgi_app, app.json, *map(_filled, hooks),
        tuple(app.blueprints),
        jinja.loader, len(jinja.globals), len(jinja.filters), len(jinja.tests), tuple(app.extensions),
        app.session_interface, app.test_client_class, app.response_class, app.request_class,
    )


class AppPool:
    """Hand out the process's shared app for the usual settings, a new one for any other settings."""

    def __init__(self, usual: dict, database):
        self.usual = {k: v for k, v in usual.items() if k not in _FREE}
        self.database = database  # the ReusedDatabase: its `drops` tells when collections lost their indexes
        self.app: Flask | None = None
        self.config: dict = {}
        self.shape: tuple = ()
        self.extensions: set[str] = set()
        self.client = None
        self.drops = -1

    def take(self, settings: dict) -> Flask:
        """Return an app on these settings: the shared one, made ready, when they are the usual ones."""
        if {k: v for k, v in settings.items() if k not in _FREE} != self.usual:
            return create_app(settings)
        if self.app is None:
            self.app = create_app(settings)
            self.config, self.shape = dict(self.app.config), _shape(self.app)
            self.extensions = set(self.app.extensions)
            self._connected()
            return self.app
        self._reconnect_if_needed()
        return self.app

    def give_back(self, app: Flask) -> None:
        """Make the shared app as it was for the next test; forget it if the test changed more than settings."""
        if app is not self.app:
            mongoengine.disconnect()
            return
        app.config.clear()
        app.config.update(self.config)
        limiter.reset()  # the sign-in and password-change counters of this test must not count for the next
        # Flask refuses new routes and hooks once an app has served a request; a test may add its own (and the
        # app is then thrown away below).
        app._got_first_request = False
        # The app's own caches (`pathway.*`: menus, addresses), made on a page's first use, are forgotten: the next
        # test starts from the app as built, and a cache is not a change that costs a new app (~0.6 s with its
        # templates compiled anew).
        for name in [n for n in app.extensions if n.startswith(_CACHES) and n not in self.extensions]:
            del app.extensions[name]
        if _shape(app) != self.shape:
            self.app = None
            mongoengine.disconnect()

    def _connected(self) -> None:
        self.client = mongoengine.connection._connections.get(mongoengine.DEFAULT_CONNECTION_NAME)
        self.drops = self.database.drops

    def _reconnect_if_needed(self) -> None:
        """Connect the shared app's client again when another app connected, or the database was dropped."""
        current = mongoengine.connection._connections.get(mongoengine.DEFAULT_CONNECTION_NAME)
        if current is not self.client or self.drops != self.database.drops:
            # connect_database disconnects first, which also forgets each model's collection (and so asks for
            # its indexes again on first use): right after a drop, the indexes must be made anew.
            connect_database(self.app.config)
            # The other app also set the audit chain's key used outside requests: the shared app's is put back.
            configure_audit_chain(self.app.config)
            self._connected()
