"""The builder's names and hints of the field types, in the language of the page being made."""

from __future__ import annotations

from collections.abc import Mapping

from forms.builder.shape import WidgetTexts
from services.common.language import active_language

WIDGET_LABELS: Mapping[str, str] = WidgetTexts("label", active_language)
WIDGET_HINTS: Mapping[str, str] = WidgetTexts("hint", active_language)
