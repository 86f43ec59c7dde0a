"""The guards that combine others: not, any_of and all_of, their reasons joined in the reader's language."""

from __future__ import annotations

from wording import N_, say
from workflows.guards import GUARD_ITEM, GUARDS, Verdict, evaluate, guard

__all__ = ["GUARDS"]


@guard("not", params=GUARD_ITEM, nested=lambda p: [p])
def not_(item, ctx):
    """Hold when the inner guard does not."""
    inner = evaluate(item, ctx)
    return Verdict(not inner.ok, inner.passed, inner.fail)


def _join(reasons: list[str], ctx) -> str:
    reasons = [r.rstrip(".") for r in reasons if r]
    if not reasons:
        return ""
    joined = reasons[0]
    for reason in reasons[1:]:
        joined = say(ctx.language, N_("%(first)s, and %(next)s"), first=joined, next=reason[:1].lower() + reason[1:])
    return joined


@guard("any_of", params={"type": "array", "minItems": 1, "items": GUARD_ITEM}, nested=list)
def any_of(items, ctx):
    """Hold when at least one of the guards holds."""
    verdicts = [evaluate(item, ctx) for item in items]
    passed = [v.passed for v in verdicts if v.ok]
    return Verdict(bool(passed), _join([v.fail for v in verdicts], ctx), passed[0] if passed else "")


@guard("all_of", params={"type": "array", "minItems": 1, "items": GUARD_ITEM}, nested=list)
def all_of(items, ctx):
    """Hold when every one of the guards holds."""
    verdicts = [evaluate(item, ctx) for item in items]
    fails = [v.fail for v in verdicts if not v.ok]
    return Verdict(not fails, _join(fails, ctx) if fails else "", _join([v.passed for v in verdicts], ctx))
