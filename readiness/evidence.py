"""Evidence checks: does each statement say only what its documents say, about whom they say it?

What a program can check of the evidence standard (docs/content.md, "The evidence
standard"), using the bibliography (``sources/bibliography.yaml``) and the texts:

- ``furniture``: a quote drawn only from a page's navigation, sidebar, teasers,
  footer or metadata;
- ``case-not-named``: a statement about a case (in a case file, or a rule or help
  text that names the case) citing a document that never names that case, or a
  passage of it that is about someone else;
- ``rule-case``: a rule whose ``cases`` do not appear in its cited documents or in
  the passages its quotes come from;
- ``aim-as-result``: a statement citing a sentence that states an aim (objective,
  intention, "will", "is going to", striving, potential) without a tense marker of
  its own ("set out to", "aims", "planned", ...);
- ``fragment``: a quote that is not a self-standing clause of its document (below);
- ``review``: every case and rule has a review record covering the documents it cites.

A quote is a **fragment** when, where the document has it,

- it has fewer than six words ("Regional Stakeholder Group", "why it is beneficial");
- it is a link's text (the TALIA "Policy Tips" are links: navigation), or all or part of a
  line that is a heading or page title: a line that is no list item, ends without ".", "?"
  or "!" and has at most 25 words (every sentence of these documents ends with one);
- it ends on a function word (an article, preposition, conjunction, pronoun or auxiliary:
  "Creative Valley emerged during");
- it starts mid-sentence with a relative or interrogative word ("which", "who", "how",
  "why", "such", Greek "που") or starts with a preposition followed by one ("in which"):
  it hangs on the words before it;
- it starts with a preposition and has neither a finite verb nor a comma after which a
  clause could follow ("in an uncertain economic context", "From the experience of
  ..."): a phrase whose clause was left out;
- it starts mid-sentence and has no finite verb, right after an article or a preposition
  ("the | cooperation between small Portuguese municipalities ...") or right after any
  other word that is not a conjunction, "to" or punctuation: a verb, noun or adjective
  that governs it ("successful | pilot projects for landscape 3D modelling", "an
  organisation | working on technologies ...", "EICI | considers collaboration ...");
  a phrase cut out of its clause;
- it is the words in a parenthesis, without a verb ("(accessibility, cultural life,
  technological facilities ...)");
- its sentence opens with "Despite", "Although", "Because", "If" ... and the quote ends
  before the comma after which the main clause comes ("the process might take some time
  ..." out of "Despite it was considered that the process might take some time ..., the
  need ... is already there"): the document's point is cut off;
- it starts in lowercase (never the start of a sentence in these documents) and has no
  subject before its finite verb: it starts with a modal or auxiliary ("can be anytime
  endangered ...", "has been involved in ...", "must get out of ..."), with a bare
  infinitive right after "to" or a modal ("[to] ensure the financial support ...",
  "[to] promote the exchange ..."), with a verb whose subject stays before the quote
  ("[Puglia Creativa] covers the full range ...", "[... come together and] exchange
  their views ...", "[..., ] work in new ways ..."), or with a participle or gerund and
  no finite verb ("providing new opportunities ...", "initiated by a local authority
  ...", "re-thinking tourism ..."); or it is a phrase with no finite verb of its own,
  a relative clause's verb not counting ("the implications in terms of governance",
  "advice to innovate or to access financing", "a European network that has a
  bottom-up approach"). A clause that starts in lowercase with its subject passes
  ("all the initiatives within RUCI can be anytime endangered ...", "trust is among one
  of the most important elements"), and so does a Greek one, whose verb may come first
  ("είναι σημαντική η συμμετοχή ...": the participation ... is important).

A list item of the document (a line that starts with a bullet) quoted whole is the
document's own statement and is accepted, with or without a verb ("Pilot phase
2014-2015: €235,000 - Walloon financing", "Challenges in gathering public/private actors
under the same project"); an item of a list inside a sentence is not ("third places to
meet and network" out of "Creative Valley proposes simultaneously training, third places
to meet and network, ..."). A quote found several times is a fragment only if it is one
everywhere. The verb tests know the English auxiliaries and modals (is, has, can, will,
may, must, need ...) and short lists of full verbs (``PREDICATE_VERBS``,
``LEXICAL_FINITE``): a clause whose only verb is missing from them is flagged, and the
remedy is always the same, to quote the clause with its subject (or add the verb to the
list when the clause is whole).

Each problem is one line naming the file, the line, the id and the check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import yaml

from .bibliography import BIBLIOGRAPHY_FILE, Bibliography, Document, Passage
from .quotes import normalise_for_quote
from .models import CaseStudy, Source

if TYPE_CHECKING:
    from .content_model import Content

# A sentence of a document states an aim, not a result, when it says so.
AIM_IN_DOCUMENT = re.compile(
    r"\b(objective|aim of|the aim|intention|will be|will research|is going to explore|striving|set out to|"
    r"potential to|could be|may be selected|main value-added that .* can produce)\b"
)
# A statement keeps the aim an aim with one of these.
AIM_IN_STATEMENT = re.compile(
    r"\b(set out|sets out|setting out|aim|aims|aimed|aiming|objective|objectives|intend|intends|intended|"
    r"intention|planned|plans to|plan to|meant|will|would|could|may|might|seek|seeks|sought|striving|strive|"
    r"potential|purpose|stated|states|says|said|according|calls|wants|wanted|proposed|propose|"
    r"to be held|is to|are to|goal|goals|hope|hopes|exploring|explore|suggest|suggests|suggested)\b"
)


@dataclass(frozen=True)
class Claim:
    """A piece of text that cites sources, and the cases it speaks about."""

    where: str
    text: str
    sources: tuple[Source, ...]
    cases: tuple[str, ...]  # the cases the text is about (by file, or by the names it mentions)
    in_case_file: bool = False  # then every source must be about the case, not only one of them


@dataclass(frozen=True)
class Occurrence:
    line: int
    furniture: bool
    passage: Passage | None


@dataclass
class SourceText:
    """One document's text, line by line, with its bibliography entry."""

    entry: Document
    raw_lines: list[str]

    @cached_property
    def _index(self) -> tuple[str, list[tuple[int, int]]]:
        """The normalised text (non-empty lines joined by a space) and each line's start offset."""
        parts, starts, pos = [], [], 0
        for number, raw in enumerate(self.raw_lines, start=1):
            norm = normalise_for_quote(raw)
            if not norm:
                continue
            starts.append((pos, number))
            parts.append(norm)
            pos += len(norm) + 1
        return " ".join(parts), starts

    @property
    def text(self) -> str:
        return self._index[0]

    def _line_at(self, offset: int) -> int:
        line = 1
        for start, number in self._index[1]:
            if start > offset:
                break
            line = number
        return line

    @cached_property
    def _inline_furniture(self) -> list[tuple[int, int]]:
        """Offsets of furniture given by text only (it shares its line with content)."""
        out = []
        for span in self.entry.spans:
            if span.lines is None and span.text:
                needle = normalise_for_quote(span.text)
                out += [(m.start(), m.start() + len(needle)) for m in re.finditer(re.escape(needle), self.text)]
        return out

    def occurrences(self, quote: str) -> list[Occurrence]:
        needle = normalise_for_quote(quote)
        out = []
        for m in re.finditer(re.escape(needle), self.text) if needle else []:
            line = self._line_at(m.start())
            inline = any(a <= m.start() and m.end() <= b for a, b in self._inline_furniture)
            out.append(Occurrence(line, bool(self.entry.span_at(line)) or inline, self.entry.passage_at(line)))
        return out

    @cached_property
    def content_text(self) -> str:
        """The document without its furniture: what may be quoted and what 'names' a case."""
        kept = [normalise_for_quote(raw) for n, raw in enumerate(self.raw_lines, start=1) if not self.entry.span_at(n)]
        text = " ".join(k for k in kept if k)
        for span in self.entry.spans:
            if span.lines is None and span.text:
                text = text.replace(normalise_for_quote(span.text), " ")
        return text

    def passage_text(self, passage: Passage) -> str:
        lines = self.raw_lines[passage.lines[0] - 1 : passage.lines[1]]
        return normalise_for_quote(" ".join(lines))

    @cached_property
    def normalised_lines(self) -> list[str]:
        """Each line as quotes are compared with it (``normalise_for_quote``), worked out once."""
        return [normalise_for_quote(raw) for raw in self.raw_lines]

    def sentences_with(self, quote: str) -> list[str]:
        """The sentences (or colon-separated clauses) of the document that overlap the quote.

        A line of these documents is a paragraph, so sentences never cross lines."""
        needle = normalise_for_quote(quote)
        out: list[str] = []
        for line in self.normalised_lines if needle else []:
            for m in re.finditer(re.escape(needle), line):
                pos = 0
                for sentence in _SENTENCE_END.split(line):
                    start, pos = pos, pos + len(sentence) + 1
                    if start < m.end() and m.start() < start + len(sentence):
                        out.append(sentence)
        return out


_SENTENCE_END = re.compile(r"(?<=[.?!:;])\s")


@dataclass
class EvidenceReport:
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def error(self, check: str, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message} [{check}]")
        self.counts[check] = self.counts.get(check, 0) + 1


# --------------------------------------------------------------------------- what the content claims


def case_names(case: CaseStudy) -> list[str]:
    return [n for n in (case.named_as or [case.name]) if n.strip()]


def _mentions(text: str, content: "Content") -> tuple[str, ...]:
    norm = normalise_for_quote(text)
    return tuple(c.id for c in content.cases if any(_names_in(n, norm) for n in case_names(c)))


def _names_in(name: str, normalised_text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(normalise_for_quote(name)) + r"(?!\w)", normalised_text) is not None


def claims(content: "Content") -> Iterator[Claim]:
    """Every cited text of the content: help texts, rule explanations, case statements and notes,
    glossary definitions."""
    files = content.files
    for q in content.questions.values():
        key = "_profile" if q.dimension == "profile" else f"_dim_{q.dimension}"
        if q.sources:
            yield Claim(f"{files.get(key, '?')}:{q.line or '?'}: [{q.id}]", q.help or q.text, tuple(q.sources),
                        _mentions(q.help, content))
    for r in content.rules:
        where = f"{files.get(f'rule:{r.id}', '?')}:{r.line or '?'}: [{r.id}]"
        yield Claim(where, r.explanation, tuple(r.sources), _mentions(r.explanation, content))
    for c in content.cases:
        where = f"{files.get(f'case:{c.id}', '?')}: [{c.id}]"
        yield Claim(f"{where} summary", c.summary, tuple(c.sources), (c.id,), True)
        for group in ("what_they_did", "resources", "results", "difficulties", "transferable"):
            for i, st in enumerate(getattr(c, group)):
                yield Claim(f"{where} {group}[{i}]", st.text, tuple(st.sources), (c.id,), True)
        for dim, judgement in c.profile.items():
            if judgement is not None:
                yield Claim(f"{where} profile.{dim}", judgement.note, tuple(judgement.sources), (c.id,), True)
    if content.glossary is not None:
        for t in content.glossary.terms:
            yield Claim(f"glossary/terms.yaml:{t.line or '?'}: [{t.id}]", t.definition, tuple(t.sources),
                        _mentions(t.definition, content))


# --------------------------------------------------------------------------- the checks


def load_texts(bibliography: Bibliography, sources_dir: Path) -> dict[str, SourceText]:
    out = {}
    for doc in bibliography.documents:
        path = sources_dir / doc.document
        if path.exists():
            out[doc.document] = SourceText(doc, path.read_text(encoding="utf-8").splitlines())
    return out


def bibliography_problems(content: "Content", texts: dict[str, SourceText], report: EvidenceReport) -> None:
    bib = content.bibliography
    assert bib is not None
    cited = {s.document for claim in claims(content) for s in claim.sources}
    for name in sorted(cited - set(bib.by_name)):
        report.error("bibliography", BIBLIOGRAPHY_FILE, f"{name} is cited but not in the bibliography")
    for doc in bib.documents:
        for passage in doc.passages:
            for case_id in passage.cases:
                if case_id not in content.case_by_id:
                    report.error("bibliography", BIBLIOGRAPHY_FILE, f"{doc.document}: passage names unknown case {case_id!r}")
        st = texts.get(doc.document)
        if st is None:
            continue
        n = len(st.raw_lines)
        for part in [*doc.spans, *doc.passages]:
            if part.lines and part.lines[1] > n:
                report.error("bibliography", BIBLIOGRAPHY_FILE, f"{doc.document}: lines {list(part.lines)} beyond its {n} lines")
        for span in doc.spans:
            needle = normalise_for_quote(span.text or "")
            if span.lines and needle and needle not in normalise_for_quote(st.raw_lines[span.lines[0] - 1]):
                report.error("bibliography", BIBLIOGRAPHY_FILE,
                             f"{doc.document}: line {span.lines[0]} does not contain {span.text!r} (lines moved?)")
            elif not span.lines and needle not in st.text:
                report.error("bibliography", BIBLIOGRAPHY_FILE, f"{doc.document}: span text {span.text!r} not found")


def furniture_problems(content: "Content", texts: dict[str, SourceText], report: EvidenceReport) -> None:
    for claim in claims(content):
        for src in claim.sources:
            st = texts.get(src.document)
            found = st.occurrences(src.quote) if st else []
            if found and all(o.furniture for o in found):
                kinds = sorted({(st.entry.span_at(o.line).kind if st.entry.span_at(o.line) else "metadata") for o in found})
                report.error("furniture", claim.where,
                             f"quote {src.quote!r} is page furniture ({', '.join(kinds)}, line {found[0].line} of "
                             f"{src.document}), not the document's own content")


# --------------------------------------------------------------------------- fragments

def _folded(words: str) -> frozenset[str]:
    """The words as the normalised text has them (casefold turns the Greek final sigma into σ)."""
    return frozenset(w.casefold() for w in words.split())


MIN_WORDS = 6
# Words a self-standing clause does not end on (English, and the Greek of 004).
FUNCTION_WORDS = _folded(
    "a an the of to in on at by for with from into onto during despite within without through throughout across "
    "between among under over after before regarding like as than and or but nor that which who whom whose its "
    "their our his her this these those such is are was were be been has have had can could will would may might "
    "must should very so if when while because although whether "
    "ο η το οι τα του της των τον την στο στη στην στον στις στα στους σε με για από ανά και ή που ένα μια ενός"
)
# A quote that starts mid-sentence with one of these hangs on the words before it.
DEPENDENT_OPENERS = _folded("which who whom whose how why where when whether what such that "
                              "που οποίος οποία οποίο οποίοι οποίες")
# A quote that starts with one of these is a phrase, and needs a verb of its own to be a clause.
PREPOSITIONS = _folded("in on at by for with from of to into during despite within without through throughout "
                         "across between among under after before regarding like as")
# A quote right after one of these (and with no verb) is the rest of a phrase, not a clause.
PHRASE_HEADS = (PREPOSITIONS - {"to", "as", "like"}) | _folded("a an the its their our ένα μια στις στην στη στο στον στα του της των")
FINITE_VERBS = _folded("is are was were has have had can cannot could will would may might must shall should "
                         "does do did need needs")
# A quote may start right after one of these (or after punctuation): they open a clause, or
# ("to") an infinitive that names an aim and reads on from the statement that cites it.
CONNECTIVES = _folded("and or but nor that because so when while if as whether than to which who "
                      "και ότι που")
# A sentence that opens with one of these has its main clause after the first comma.
SUBORDINATORS = _folded("despite although though while whereas because if unless")
# What may open a sentence's first word: a bullet, a quotation mark, a bracket.
_OPENING = re.compile(r"^[\s\-*•\[\"'(]+")
_LINK_LINE = re.compile(r"^\s*[-*•]?\s*\[[^\]]+\]\([^)]*\)\s*$")
_BULLET_LINE = re.compile(r"^\s*[-*•]")
_FINAL_PUNCTUATION = ".?!:;\"')"


# Verbs that, as a quote's first word followed by a determiner or preposition, are the predicate
# of a subject left before the quote ("[Puglia Creativa] covers the full range ...").
PREDICATE_VERBS = _folded(
    "cover covers exchange exchanges work works ensure ensures encourage encourages promote promotes develop "
    "develops assist assists test tests foster fosters support supports bring brings come comes create creates "
    "help helps share shares build builds provide provides offer offers include includes address addresses "
    "propose proposes consider considers make makes take takes find finds give gives become becomes show shows "
    "lead leads involve involves combine combines connect connects reach reaches explore explores identify "
    "identifies define defines"
)
# Finite forms of full verbs (beyond the auxiliaries) that give a clause its verb.
LEXICAL_FINITE = _folded(
    "come comes considers believes covers proposes includes addresses makes explained concluded added emerged "
    "reached gathered agreed showed shows said says know knew think thinks means became becomes brings took "
    "takes gives offers provides supports aims seems appears remains depends "
    "είναι έχει έχουν αποτελεί αποτελούν"
)
DETERMINERS = _folded("the a an their its our his her this these those all new in with on to from for of at by "
                      "into through across each every some")
RELATIVES = _folded("that which who whom whose")
# Words ending in -ing or -ed that are not participles or gerunds.
NOT_PARTICIPLES = _folded("during thing something nothing everything anything evening morning bring king spring "
                          "string ring sing wing bed need speed seed feed red hundred indeed")


def _own_finite_verb(words: list[str]) -> bool:
    """Whether the words have a finite verb that is not the verb of a relative clause ("that has ...")."""
    return any(w in FINITE_VERBS | LEXICAL_FINITE and (i == 0 or words[i - 1] not in RELATIVES)
               for i, w in enumerate(words))


def _subjectless(quote: str, words: list[str], before: str, raw: str, whole_line: bool) -> str | None:
    """Why a quote that starts in lowercase (never a sentence's start in these documents) has no
    subject before its finite verb, or None. A whole list item is the document's own statement."""
    first = quote.lstrip(" \"'“‘(*-•")[:1]
    if not first.islower() or re.search(r"[\u0370-\u03ff]", quote) or (whole_line and _BULLET_LINE.match(raw)):
        return None
    w0, w1 = words[0], (words[1] if len(words) > 1 else "")
    previous = before.split()[-1].strip("\"“(*") if before.split() else ""
    if w0 in FINITE_VERBS:
        return f"starts with the verb {w0!r}: the subject of its clause is left out"
    if previous in _folded("to can cannot could must may might will would shall should do does did") and w0 not in DETERMINERS:
        return f"starts with a bare infinitive after {previous!r}: the subject of its clause is left out"
    if w0 in PREDICATE_VERBS and w1 in DETERMINERS:
        return f"starts with the verb {w0!r}: the subject of its clause is left out"
    if _own_finite_verb(words):
        return None
    if re.fullmatch(r"[\w-]{3,}(ing|ed)", w0) and w0 not in NOT_PARTICIPLES:
        return f"starts with the participle or gerund {w0!r} and has no finite verb: a phrase, not a clause"
    return "has no finite verb of its own: a phrase, not a clause"


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?\"'()[]*") for w in text.split() if re.search(r"\w", w)]


def _line_core(norm_line: str) -> str:
    """A line (normalised: its emphasis marks already gone) without its bullet and link brackets."""
    core = re.sub(r"\]\([^)]*\)", "", norm_line).replace("[", "")
    return _OPENING.sub("", core).strip()


def fragment_reason(quote: str, st: SourceText) -> str | None:
    """Why a quote is not a self-standing clause of its document, or None (see the module docstring).

    A quote found several times is a fragment only if it is one everywhere."""
    needle = normalise_for_quote(quote)
    reasons = []
    for number, (raw, line) in enumerate(zip(st.raw_lines, st.normalised_lines), start=1):
        for m in re.finditer(re.escape(needle), line) if needle else []:
            reason = _fragment_at(quote, needle, line, m.start(), m.end(), raw)
            if reason is None:
                return None
            reasons.append(f"{reason} (line {number} of {st.entry.document})")
    return reasons[0] if reasons else None


def _fragment_at(quote: str, needle: str, line: str, start: int, end: int, raw: str) -> str | None:
    words = _words(needle)
    core = _line_core(line)
    whole_line = needle.strip(_FINAL_PUNCTUATION + " ") == core.strip(_FINAL_PUNCTUATION + " ")
    if whole_line and _BULLET_LINE.match(raw) and not _LINK_LINE.match(raw) and re.search(r"\d", needle):
        return None  # a list item stating an amount with its label is a full statement of the document
    if _LINK_LINE.match(raw):
        return "a link title (navigation), not a statement"
    unpunctuated = not core.endswith(tuple(".?!"))
    if unpunctuated and not _BULLET_LINE.match(raw) and len(_words(core)) <= 25:
        return "a heading or page title, not a statement" if whole_line else "part of a heading or page title"
    if len(words) < MIN_WORDS:
        return f"only {len(words)} words: a phrase, not a clause"
    if words[-1] in FUNCTION_WORDS:
        return f"ends on {words[-1]!r}: the phrase is cut off"
    before = line[:start].rstrip()
    if before.endswith("(") and not FINITE_VERBS & set(words):
        return "the words in a parenthesis, without a verb: a description cut from what it describes"
    mid_sentence = bool(_OPENING.sub("", before)) and not before.endswith(tuple(".?!:;\"“(*•-"))
    if mid_sentence and words[0] in DEPENDENT_OPENERS:
        return f"starts mid-sentence with {words[0]!r}: it hangs on the words before it"
    if words[0] in PREPOSITIONS and words[1] in DEPENDENT_OPENERS:
        return f"starts with {' '.join(words[:2])!r}: it hangs on the words before it"
    if words[0] in PREPOSITIONS and not FINITE_VERBS & set(words) and "," not in needle:
        return f"starts with {words[0]!r} and has no verb: a phrase without its clause"
    previous = before.split()[-1].strip("\"“(") if mid_sentence else ""
    if previous in PHRASE_HEADS and not FINITE_VERBS & set(words):
        return f"starts after {previous!r} and has no verb: a phrase cut out of its clause"
    if previous and previous not in CONNECTIVES and not before.endswith(",") and not FINITE_VERBS & set(words):
        return f"starts right after {previous!r} and has no verb: a phrase cut from the words that govern it"
    subjectless = _subjectless(quote, words, before, raw, whole_line)
    if subjectless:
        return subjectless
    sentence_start = max(before.rfind(c) for c in ".?!;") + 1
    sentence = line[sentence_start:]
    opener = _words(sentence[:80])[:1]
    comma = sentence.find(", ")
    if opener and opener[0] in SUBORDINATORS and comma != -1 and end - sentence_start <= comma:
        return f"part of the {opener[0]!r} clause only: its sentence's main clause is cut off"
    return None


def fragment_problems(content: "Content", texts: dict[str, SourceText], report: EvidenceReport) -> None:
    for claim in claims(content):
        for src in claim.sources:
            st = texts.get(src.document)
            reason = fragment_reason(src.quote, st) if st else None
            if reason:
                report.error("fragment", _quote_where(content, claim, src),
                             f"quote {src.quote!r} is not a self-standing clause: {reason}; quote a clause "
                             f"of the document that supports the whole statement")


def _quote_where(content: "Content", claim: Claim, src: Source) -> str:
    """The claim's place with the line of the quote itself in its file."""
    path, _, rest = claim.where.partition(":")
    line_text, _, tail = rest.lstrip().partition(":")
    if line_text.isdigit():
        after = int(line_text)
    else:  # a case statement: "[id] group[i]" or "[id] profile.dimension"
        tail, after = rest, _key_line(content.root / path, rest.split("] ", 1)[-1])
    line = _quote_line(content.root / path, src.quote, after)
    return f"{path}:{line or after}:{tail}" if line or after else claim.where


def _key_line(path: Path, key: str) -> int:
    """The line of a case file's group (``results[1]``) or profile entry (``profile.heritage``)."""
    names = key.split("[")[0].split(".")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    number = 0
    for name in names:
        number = next((n for n, raw in enumerate(lines, start=1)
                       if n > number and re.match(rf"\s*{re.escape(name)}:", raw)), number)
    return number


def _quote_line(path: Path, quote: str, after: int) -> int | None:
    """The first line at or after ``after`` whose ``quote:`` is this quote."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, raw in enumerate(lines, start=1):
        if number >= after and raw.lstrip().startswith("quote:"):
            try:
                value = yaml.safe_load(raw.split("quote:", 1)[1])
            except yaml.YAMLError:
                continue
            if value == quote:
                return number
    return None


def _quote_cases(st: SourceText, quote: str) -> set[str] | None:
    """The cases the quote's passages are about; None when it lies outside every passage."""
    passages = [o.passage for o in st.occurrences(quote) if not o.furniture]
    if not passages or any(p is None for p in passages):
        return None
    return {c for p in passages if p is not None for c in p.cases}


def _supports(content: "Content", texts: dict[str, SourceText], src: Source, case_id: str) -> bool:
    """Whether this quote can speak for the case: its passage is about the case, or it is in no
    passage and its document names the case."""
    st = texts.get(src.document)
    if st is None:
        return True  # reported elsewhere (document not found)
    cases = _quote_cases(st, src.quote)
    if cases is not None:
        return case_id in cases
    return any(_names_in(n, st.content_text) for n in case_names(content.case_by_id[case_id]))


def _about(texts: dict[str, SourceText], src: Source) -> str:
    st = texts.get(src.document)
    found = [o.passage.about for o in st.occurrences(src.quote) if o.passage] if st else []
    return found[0] if found else src.document


def case_problems(content: "Content", texts: dict[str, SourceText], report: EvidenceReport) -> None:
    for claim in claims(content):
        for case_id in claim.cases:
            case = content.case_by_id[case_id]
            quoted = [s for s in claim.sources if s.document in texts and texts[s.document].occurrences(s.quote)]
            unnamed = sorted({s.document for s in quoted
                              if not any(_names_in(n, texts[s.document].content_text) for n in case_names(case))})
            if claim.in_case_file and unnamed:
                # A case statement may cite only documents that speak of the case.
                report.error("case-not-named", claim.where,
                             f"speaks of {case.name} but cites {', '.join(unnamed)}, which never names it")
            elif quoted and not any(_supports(content, texts, s, case_id) for s in quoted):
                about = "; ".join(sorted({_about(texts, s) for s in quoted}))
                report.error("case-not-named", claim.where, f"speaks of {case.name}, but its quotes are about {about}")
    for r in content.rules:
        where = f"{content.files.get(f'rule:{r.id}', '?')}:{r.line or '?'}: [{r.id}]"
        for case_id in r.cases:
            case = content.case_by_id.get(case_id)
            if case is None:
                continue
            named = [s.document for s in r.sources if s.document in texts
                     and any(_names_in(n, texts[s.document].content_text) for n in case_names(case))]
            if not named:
                report.error("rule-case", where, f"links case {case_id!r}, which none of its cited documents "
                             f"({', '.join(sorted({s.document for s in r.sources}))}) names")
            elif not any(_supports(content, texts, s, case_id) for s in r.sources):
                report.error("rule-case", where, f"links case {case_id!r}, but its quotes are about "
                             f"{_about(texts, r.sources[0])}")


def aim_problems(content: "Content", texts: dict[str, SourceText], report: EvidenceReport) -> None:
    for claim in claims(content):
        if AIM_IN_STATEMENT.search(claim.text.casefold()):
            continue
        for src in claim.sources:
            st = texts.get(src.document)
            aims = [s for s in (st.sentences_with(src.quote) if st else []) if AIM_IN_DOCUMENT.search(s)]
            if aims:
                report.error("aim-as-result", claim.where,
                             f"cites an aim ({aims[0][:90]!r}...) but says it as a fact: keep it an aim "
                             f"('set out to', 'aims', 'planned', 'the objective is')")
                break


def review_problems(content: "Content", report: EvidenceReport) -> None:
    items: list[tuple[str, list, set[str]]] = []
    for r in content.rules:
        items.append((f"{content.files.get(f'rule:{r.id}', '?')}:{r.line or '?'}: [{r.id}]", r.review,
                      {s.document for s in r.sources}))
    for c in content.cases:
        cited = {s.document for cl in claims(content) if cl.where.startswith(f"{content.files.get(f'case:{c.id}', '?')}: [{c.id}]")
                 for s in cl.sources}
        items.append((f"{content.files.get(f'case:{c.id}', '?')}: [{c.id}]", c.review, cited))
    stale = 0
    for where, reviews, cited in items:
        if not reviews:
            report.error("review", where, "no review record: say who checked it against which document, on which content version")
            continue
        checked = {d for rv in reviews for d in rv.documents}
        missing = sorted(cited - checked)
        if missing:
            report.error("review", where, f"cites {', '.join(missing)}, which no review record covers")
        if reviews[-1].content_version != content.version:
            stale += 1
    if stale:
        report.notes.append(f"{stale} case(s) and rule(s) were last reviewed on an older content version than {content.version}")


def evidence_report(content: "Content", sources_dir: Path | None) -> EvidenceReport:
    report = EvidenceReport()
    review_problems(content, report)
    if content.bibliography is None:
        report.notes.append(f"evidence not checked: no {BIBLIOGRAPHY_FILE}")
        return report
    if sources_dir is None or not sources_dir.is_dir():
        report.notes.append("evidence checks on the texts skipped: no source documents given")
        return report
    texts = load_texts(content.bibliography, sources_dir)
    bibliography_problems(content, texts, report)
    furniture_problems(content, texts, report)
    fragment_problems(content, texts, report)
    case_problems(content, texts, report)
    aim_problems(content, texts, report)
    return report
