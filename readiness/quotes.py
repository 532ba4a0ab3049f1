"""How a quote is compared with its document."""

from __future__ import annotations

import re
import unicodedata


def normalise_for_quote(text: str) -> str:
    """Fold what differs between a quote and its document without changing meaning."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("“", '"'), ("”", '"'), ("„", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().casefold()
