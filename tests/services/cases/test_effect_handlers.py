"""Every effect a pathway file may name is carried out by a handler: a new effect needs both halves."""

from services.cases.effects import HANDLERS
from services.cases.transitions import open_case  # noqa: F401  (registers the open_linked_case handler)
from workflows import EFFECTS


def test_every_registered_effect_has_a_handler_and_every_handler_an_effect():
    assert set(HANDLERS) == set(EFFECTS.names())
