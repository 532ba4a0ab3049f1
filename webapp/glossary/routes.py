"""The glossary on the web: a page of its own, and the first mention of a term on any page
marked with a footnote link to it (works without JavaScript, with the keyboard and a screen
reader: the definition is the link's description and shows on hover and focus)."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g, render_template, request, url_for
from markupsafe import Markup, escape

from readiness.documents import SEED_DOCUMENTS
from readiness.glossary import Glossary
from readiness.quote_translations import quote_translations

from webapp.i18n.locale import current_language, localized_content

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
    # each quote in its document's words, then its translation into the page's language
    return render_template("glossary.html", terms=glossary.terms if glossary else [], documents=documents,
                           quote_language=quote_language,
                           translations=quote_translations(content.root, current_language()))


def quote_language(quote: str) -> str:
    """Quotes stay in the document's words: English, except the Greek part of the CREADIS3 sheet."""
    return "el" if any("\u0370" <= ch <= "\u03ff" for ch in quote) else "en"


# Texts marked per app: the bank's help texts, each in a few variants (which of its terms an
# earlier text on the page already marked); anything beyond this many is marked and not kept.
_MARKED_KEPT = 4096


def glossed(text: str | None) -> Markup:
    """``text`` escaped, with the first mention on this page of each glossary term marked."""
    text = text or ""
    glossary = localized_content().glossary
    if glossary is None:
        return Markup(escape(text))
    seen: set[str] = g.setdefault("glossary_seen", set())
    # What the marks look like depends only on the text and on which of its terms this page has
    # marked before: kept per app (the content never changes while the app runs).
    kept: dict[tuple, tuple] = current_app.extensions.setdefault("readiness_glossed", {})
    terms = _terms_in(glossary, text, kept)
    key = (id(glossary), text, terms & seen, request.script_root)  # the marks link to this app's glossary page
    found = kept.get(key)
    if found is None or found[0] is not glossary:
        found = (glossary, *_mark(glossary, text, terms & seen))
        if len(kept) < _MARKED_KEPT:
            kept[key] = found
    seen.update(found[2])
    return found[1]


def _terms_in(glossary: Glossary, text: str, kept: dict) -> frozenset[str]:
    found = kept.get((id(glossary), text, None))
    if found is None or found[0] is not glossary:
        found = (glossary, frozenset(m.term.id for m in glossary.mentions(text)))
        if len(kept) < _MARKED_KEPT:
            kept[(id(glossary), text, None)] = found
    return found[1]


def _mark(glossary: Glossary, text: str, seen_before: frozenset[str]) -> tuple[Markup, frozenset[str]]:
    """``text`` with each term not in ``seen_before`` marked at its first mention; and those terms."""
    out, last, marked, page = [], 0, set(), url_for("glossary.index")
    for m in glossary.mentions(text):
        if m.term.id in seen_before or m.term.id in marked:
            continue
        marked.add(m.term.id)
        tip = escape(f"tip-{m.term.id}")
        href = escape(f"{page}#term-{m.term.id}")
        out.append(escape(text[last:m.start]))
        # Built from escaped parts (Markup.format's formatter cost more than the rest of the page's glossary)
        out.append(Markup(f'<span class="term"><a href="{href}" aria-describedby="{tip}">{escape(text[m.start:m.end])}</a>'
                          f'<span class="term-tip" role="tooltip" id="{tip}">{escape(m.term.definition)}</span></span>'))
        last = m.end
    out.append(escape(text[last:]))
    return Markup("").join(out), frozenset(marked)
