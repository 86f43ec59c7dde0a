"""Health check for load balancers and monitoring."""

from flask import Blueprint, jsonify

from storage.connection import database_status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Report whether the database answers: 200 when it does, 503 when it does not."""
    database = database_status()
    ok = database["status"] == "ok"
    return jsonify({"status": "ok" if ok else "unavailable", "database": database}), 200 if ok else 503
