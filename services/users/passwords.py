"""Hash and check passwords with argon2."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 copes, but a megabyte "password" is an attack on the CPU
DENY_LIST = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt"
_EDGES = re.compile(r"^[\d\W_]+|[\d\W_]+$")


def use_fast_hashing() -> None:
    """Use the cheapest argon2 parameters: for tests only, where thousands of hashes would be slow."""
    global _hasher
    from argon2.profiles import CHEAPEST

    _hasher = PasswordHasher.from_parameters(CHEAPEST)


def hash_password(password: str) -> str:
    """Return the argon2 hash of a password."""
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    """Tell whether the password matches the hash (False for an empty or broken hash)."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """Return a random password that is easy to type once."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """Return the shipped deny-list of common and breached passwords, lower-cased."""
    lines = DENY_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _predictable(password: str) -> bool:
    """Tell whether a password is a breached one, or one padded with digits and symbols, or a pattern."""
    lowered = password.lower()
    common = _common()
    core = _EDGES.sub("", lowered)
    # Fewer than five different characters: "aaaaaaaaaaaa", "abababababab".
    return lowered in common or not core or core in common or len(set(lowered)) < 5


def password_problem(password: str, *, current_hash: str = "", personal: tuple[str, ...] = ()) -> str | None:
    """Return why a new password is not acceptable (NCSC: long, not common, not the current one), or None."""
    if len(password) < MIN_LENGTH:
        return _("Password must be %(count)s characters or more", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Password must be %(count)s characters or fewer", count=MAX_LENGTH)
    lowered = password.lower()
    # The service's name and the person's own email are the first things an attacker tries.
    personal = ("pathway", *personal)
    if _predictable(password) or any(p and len(p) >= 4 and p.lower() in lowered for p in personal):
        return _("Choose a password that is harder to guess: it is too common or too easy to work out")
    if current_hash and check_password(current_hash, password):
        return _("Your new password must be different from your current one")
    return None
