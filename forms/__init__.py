"""Form definitions as data (forms/definitions/<form_key>.json) and the validator built from them."""

from forms.definition import FORMS_DIR, FormDefinition, form_exists, load_form
from forms.problems import definition_problems
from forms.validation import validate_form

__all__ = [
    "FORMS_DIR",
    "FormDefinition",
    "definition_problems",
    "form_exists",
    "load_form",
    "validate_form",
]
