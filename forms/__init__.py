"""The form engine: check, compile and use JSON-Schema form definitions (pure Python, no web or database)."""

from errors import DefinitionError
from forms.check import METASCHEMA, check_definition
from forms.compiled import CompiledForm, clear_cache, compile_form, content_hash, errors_by_path
from forms.computed import REGISTRY, ComputedFunction, register
from forms.problems import DefinitionProblem
from forms.spec import FieldSpec, Guidance, Page, Section
from forms.summary import SummaryRow, display_text, long_date
from forms.values import Option
from forms.widgets import names as widget_names

__all__ = [
    "METASCHEMA", "REGISTRY", "CompiledForm", "ComputedFunction", "DefinitionError", "DefinitionProblem",
    "FieldSpec", "Guidance", "Option", "Page", "Section", "SummaryRow", "check_definition",
    "clear_cache", "compile_form", "content_hash", "display_text", "errors_by_path", "long_date", "register",
    "widget_names",
]
