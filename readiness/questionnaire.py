"""The printable questionnaire: the same questions as the wizard, on paper, for a
workshop with stakeholders who will not use the web. A box to tick per option, lines
for numbers and text, and who answers (the role; a name only if they wish).
The owner then types each sheet in as that person's contribution.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .content_model import Content
from .group import ROLES
from .catalogs import ui_translations
from .report import REPORT_DIR, _environment, render_html_to_pdf
from .report_view import _cap
from .answers import TOWN_NAME_MAX


def questionnaire_html(content: Content, language: str = "en", town: str = "") -> str:
    """``content`` worded in ``language``; the town's name is escaped by the template."""
    _ = ui_translations(language).gettext
    css = Markup((REPORT_DIR / "questionnaire.css").read_text(encoding="utf-8"))
    dims: list[dict[str, Any]] = [
        {"number": i + 1, "title": d.title, "summary": d.summary, "questions": d.questions}
        for i, d in enumerate(content.dimensions)
    ]
    return _environment(language).get_template("questionnaire.html").render(
        css=css, language=language, town=_cap(town, TOWN_NAME_MAX), dimensions=dims,
        roles=[_(label) for label in ROLES.values()], version=content.version)


def questionnaire_pdf(content: Content, language: str = "en", town: str = "") -> bytes:
    return render_html_to_pdf(questionnaire_html(content, language, town))
