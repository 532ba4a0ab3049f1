"""The glossary on the web: a page of its own, and the first mention of a term on any page
marked with a footnote link to it (works without JavaScript, with the keyboard and a screen
reader: the definition is the link's description and shows on hover and focus)."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g, render_template, url_for
from markupsafe import Markup, escape

from readiness.documents import SEED_DOCUMENTS
from readiness.glossary import Glossary, Mention
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


# Texts whose mentions are kept per app (the bank's help texts; anything beyond is not kept).
_MENTIONS_KEPT = 4096


def _mentions(glossary: Glossary, text: str) -> tuple[Mention, ...]:
    """``glossary.mentions(text)``, found once per app and text: the texts are the content's,
    which never changes while the app runs, and the search is most of what marking costs."""
    kept: dict[tuple[int, str], tuple[Glossary, tuple[Mention, ...]]] = \
        current_app.extensions.setdefault("readiness_glossary_mentions", {})
    found = kept.get((id(glossary), text))
    if found is None or found[0] is not glossary:
        found = (glossary, tuple(glossary.mentions(text)))
        if len(kept) < _MENTIONS_KEPT:
            kept[(id(glossary), text)] = found
    return found[1]


def glossed(text: str | None) -> Markup:
    """``text`` escaped, with the first mention on this page of each glossary term marked."""
    text = text or ""
    glossary = localized_content().glossary
    if glossary is None:
        return Markup(escape(text))
    mentions = _mentions(glossary, text)
    if not mentions:
        return Markup(escape(text))
    seen: set[str] = g.setdefault("glossary_seen", set())
    out, last, page = [], 0, None
    for m in mentions:
        if m.term.id in seen:
            continue
        seen.add(m.term.id)
        page = page or url_for("glossary.index")
        tip = escape(f"tip-{m.term.id}")
        href = escape(f"{page}#term-{m.term.id}")
        out.append(escape(text[last:m.start]))
        # Built from escaped parts (Markup.format's formatter cost more than the rest of the page's glossary)
        out.append(Markup(f'<span class="term"><a href="{href}" aria-describedby="{tip}">{escape(text[m.start:m.end])}</a>'
                          f'<span class="term-tip" role="tooltip" id="{tip}">{escape(m.term.definition)}</span></span>'))
        last = m.end
    out.append(escape(text[last:]))
    return Markup("").join(out)
