"""`flask audit verify`: check the audit trail's hash chain."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from services.audit.chain import verify_chain


@click.group("audit")
def audit():
    """Check the audit trail."""


@audit.command("verify")
@click.option("--expect-seq", type=int, default=None, help="a chain head link number logged earlier")
@click.option("--expect-hash", default="", help="the hash logged with that link")
@with_appcontext
def verify(expect_seq, expect_hash):
    """Check every link of the chain; exit 1 at the first broken or missing one."""

    result = verify_chain(expect_seq=expect_seq, expect_hash=expect_hash)
    if result.ok:
        click.echo(f"Audit chain intact: {result.checked} entries, head link {result.head_seq} {result.head_hash}")
        return
    click.echo(f"Audit chain BROKEN: {result.problem}. {result.checked} entries checked before it.", err=True)
    sys.exit(1)
