"""How a quote is compared with its document."""

from __future__ import annotations

import re
import unicodedata


def normalise_for_quote(text: str) -> str:
    """Fold what differs between a quote and its document without changing meaning."""
    text = unicodedata.normalize("NFKC", text)
    # The web pages' text keeps their bold as Markdown ("the association “**Distretto ...**”"):
    # emphasis, not words, so a quote leaves it out and the report never prints the stars.
    text = text.replace("**", "")
    for a, b in (("“", '"'), ("”", '"'), ("„", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().casefold()
