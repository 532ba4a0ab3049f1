"""The project's bibliography: what each source document is, and which of its parts count.

``sources/bibliography.yaml`` describes the five source documents only as far as
each states its own title, publisher or project, date and address (``None``: the
document does not say), numbers them for references ("[3] TALIA / Interreg MED
newsletter, Creative Clusters"), and lists per document

- ``spans``: page furniture (navigation, sidebars, teasers, footers, page
  metadata) that is not the document's own content and may never be quoted;
- ``passages``: whom a part of the content is about, so that a quote is used only
  for the case (or person) the document gives it to.

The evidence checks in ``evidence.py`` use both; reports can cite ``Document.reference``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

BIBLIOGRAPHY_FILE = "sources/bibliography.yaml"
DocumentName = Annotated[str, Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")]
CaseId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$", max_length=64)]
SpanKind = Literal["navigation", "sidebar", "teaser", "footer", "metadata"]
# A date as the document gives it: a year, or a day (ISO 8601), so that reports can write it
# in their own language; an event of several days is an ISO interval ("2009-10-29/2009-10-30").
IsoDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}-\d{2})?$")]
IsoDays = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?$")]
# What the document's own date is: when it was published, last edited, its copyright line,
# or a date the page shows without saying what it is.
DateKind = Literal["published", "edited", "copyright", "shown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineRange(_Strict):
    """Lines ``first``..``last`` of a document, 1-based and inclusive."""

    lines: tuple[int, int] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "LineRange":
        if self.lines is not None and not 1 <= self.lines[0] <= self.lines[1]:
            raise ValueError("lines must be [first, last] with 1 <= first <= last")
        return self

    def covers(self, line: int) -> bool:
        return self.lines is not None and self.lines[0] <= line <= self.lines[1]


class Span(LineRange):
    """A part of a page that is not the document's own content.

    Given by ``lines``, by exact ``text`` (furniture that shares a line with
    content), or both (then ``text`` must be on the first line: a check that the
    line numbers still fit the document).
    """

    kind: SpanKind
    text: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _located(self) -> "Span":
        if self.lines is None and self.text is None:
            raise ValueError("a span needs 'lines', 'text' or both")
        return self


class Passage(LineRange):
    """Whom lines of the content are about; ``cases: []`` means none of the case studies."""

    lines: tuple[int, int]
    about: str = Field(min_length=3)
    cases: list[CaseId] = []


class Document(_Strict):
    number: int = Field(ge=1)
    document: DocumentName
    short: str = Field(min_length=3, max_length=90)
    title: str | None = None
    described_as: str = Field(min_length=3)
    publisher: str | None = None
    project: str | None = None
    date: IsoDate | None = None
    date_is: DateKind = "published"
    event_date: IsoDays | None = None  # the day(s) of the event the document reports (a workshop)
    address: str | None = None
    language: str
    note: str = ""
    spans: list[Span] = []
    passages: list[Passage] = []

    @property
    def reference(self) -> str:
        """The numbered short reference used in texts and reports: "[5] CREADIS3 good practice, ..."."""
        return f"[{self.number}] {self.short}"

    def span_at(self, line: int) -> Span | None:
        return next((s for s in self.spans if s.covers(line)), None)

    def passage_at(self, line: int) -> Passage | None:
        return next((p for p in self.passages if p.covers(line)), None)


class Bibliography(_Strict):
    documents: list[Document] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "Bibliography":
        names = [d.document for d in self.documents]
        numbers = [d.number for d in self.documents]
        if len(set(names)) != len(names):
            raise ValueError("a document is listed twice")
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            raise ValueError("documents must be numbered 1, 2, 3, ... without gaps")
        return self

    @cached_property
    def by_name(self) -> dict[str, Document]:
        return {d.document: d for d in self.documents}

    def get(self, document: str) -> Document | None:
        return self.by_name.get(document)

    def reference(self, document: str) -> str:
        doc = self.get(document)
        return doc.reference if doc else document


def bibliography_path(root: Path) -> Path:
    return root / BIBLIOGRAPHY_FILE
