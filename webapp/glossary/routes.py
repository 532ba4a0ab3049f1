"""The glossary on the web: a page of its own, and the first mention of a term on any page
marked with a footnote link to it (works without JavaScript, with the keyboard and a screen
reader: the definition is the link's description and shows on hover and focus)."""

from __future__ import annotations

from flask import Blueprint, Flask, g, render_template, url_for
from markupsafe import Markup, escape

from readiness.documents import SEED_DOCUMENTS

from webapp.i18n.locale import localized_content

bp = Blueprint("glossary", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["glossed"] = glossed


@bp.get("/glossary")
def index() -> str:
    glossary = localized_content().glossary
    content = localized_content()
    documents = {d: content.bibliography.reference(d) if content.bibliography else name
                 for d, name in SEED_DOCUMENTS.items()}
    return render_template("glossary.html", terms=glossary.terms if glossary else [], documents=documents,
                           quote_language=quote_language)


def quote_language(quote: str) -> str:
    """Quotes stay in the document's words: English, except the Greek part of the CREADIS3 sheet."""
    return "el" if any("\u0370" <= ch <= "\u03ff" for ch in quote) else "en"


def glossed(text: str | None) -> Markup:
    """``text`` escaped, with the first mention on this page of each glossary term marked."""
    text = text or ""
    glossary = localized_content().glossary
    if glossary is None:
        return Markup(escape(text))
    seen: set[str] = g.setdefault("glossary_seen", set())
    out, last = [], 0
    for m in glossary.mentions(text):
        if m.term.id in seen:
            continue
        seen.add(m.term.id)
        tip = f"tip-{m.term.id}"
        out.append(escape(text[last:m.start]))
        out.append(Markup('<span class="term"><a href="{href}" aria-describedby="{tip}">{word}</a>'
                          '<span class="term-tip" role="tooltip" id="{tip}">{definition}</span></span>').format(
            href=url_for("glossary.index", _anchor=f"term-{m.term.id}"), tip=tip,
            word=text[m.start:m.end], definition=m.term.definition))
        last = m.end
    out.append(escape(text[last:]))
    return Markup("").join(out)
