"""Drop-down: one answer from a long list of labelled options."""

from __future__ import annotations

from forms.catalogue import N_
from forms.widgets.base import register
from forms.widgets.radios import Radios


@register
class Select(Radios):
    """One answer from a long list."""

    name = "select"
    label = N_("One choice from a long list (drop-down)")
    hint = N_("One answer from a long list.")
    asks = ("options",)
    layout = {}
