"""Hash and check passwords with argon2."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 12


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


def password_problem(password: str) -> str | None:
    """Return why a new password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if password.lower() in ("password1234", "123456789012", "pathwaypathway"):
        return "Choose a password that is harder to guess"
    return None
