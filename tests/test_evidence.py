"""The evidence checks of `readiness lint` (readiness/evidence.py): each passes on the real
content and fails on a copy of it with one typical defect put back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from readiness.content import load_content
from readiness.evidence import evidence_report
from readiness.lint import lint

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT.parent / "shared" / "seeds"
FOLDERS = ("questions", "rules", "cases", "translations", "sources", "glossary")

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents not found at {SEEDS}")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for folder in FOLDERS:
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.mo"))
    return tmp_path


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _errors(root: Path, check: str) -> list[str]:
    return [e for e in evidence_report(load_content(root), SEEDS).errors if e.endswith(f"[{check}]")]


def test_real_content_passes_every_evidence_check():
    report = evidence_report(load_content(REPO_ROOT), SEEDS)
    assert report.errors == []
    assert lint(load_content(REPO_ROOT), SEEDS).ok


def test_a_quote_from_a_sidebar_teaser_is_page_furniture(copy: Path):
    # The URBACT project page's "Articles" sidebar: an article teaser, not the project's words.
    talent = (copy / "questions/talent.yaml").read_text(encoding="utf-8")
    start = talent.index("  - id: talent_youth_voice")
    block = talent[start:].replace(
        "      - document: 001_ce7381cf6abf7c69.txt\n        quote: \"Open up a discussion on re-thinking local economic bases at the light of the creative economy: "
        "that was the aim of Creative Clusters project's first thematic workshop entitled \\\"Creative clusters: diversifying "
        "local economic base & opportunities to young people”\"\n",
        "      - document: 003_5359a68c26c8ed2c.txt\n        quote: Putting young people back into Sustainable Urban Development\n")
    (copy / "questions/talent.yaml").write_text(talent[:start] + block, encoding="utf-8")
    errors = _errors(copy, "furniture")
    assert any("[talent_youth_voice]" in e and "sidebar" in e and "line 42" in e for e in errors), errors


def test_a_quote_from_a_newsletter_footer_is_page_furniture(copy: Path):
    erdf = '        quote: "ERDF phase 2014-2020: €13,541,859 (1st call) + €795,790 (3rd call) - EU-Wallonia co-financing"\n'
    _edit(copy, "rules/core.yaml", erdf,
          erdf + "      - document: 002_c60309014ff32336.txt\n        quote: Project co-financed by the European\n")
    errors = _errors(copy, "furniture")
    assert any("[funding-eu-funds-used]" in e and "footer" in e for e in errors), errors


def test_a_case_statement_citing_a_document_that_never_names_the_case(copy: Path):
    # EICI appears only in the CreativeCH report (000); the TALIA newsletter never names it.
    _edit(copy, "cases/eici.yaml", "        quote: EICI reached a further step by becoming a true community\n",
          "        quote: EICI reached a further step by becoming a true community\n"
          "      - document: 002_c60309014ff32336.txt\n"
          "        quote: covers the full range of cultural and creative activities\n")
    errors = _errors(copy, "case-not-named")
    assert any("[eici] results[0]" in e and "002_c60309014ff32336.txt, which never names it" in e for e in errors), errors


def test_a_help_text_that_gives_a_quote_to_the_wrong_person(copy: Path):
    # "Sharing" is Anamaria Wills's (CIDAco), not EICI's: the passage of 000 it comes from says so.
    _edit(copy, "questions/trust.yaml", "said Anamaria Wills of CIDAco: sharing", "said EICI's project manager: sharing")
    errors = _errors(copy, "case-not-named")
    assert any("[trust_sharing]" in e and "EICI" in e and "Anamaria Wills" in e for e in errors), errors


def test_a_rule_linking_a_case_its_documents_do_not_name(copy: Path):
    _edit(copy, "rules/core.yaml", "    cases: [co-create]\n    sources:\n      - document: 000_c8bf369c45f381b7.txt\n        quote: There",
          "    cases: [co-create, puglia-creativa]\n    sources:\n      - document: 000_c8bf369c45f381b7.txt\n        quote: There")
    errors = _errors(copy, "rule-case")
    assert any("[economy-isolated-creative-sector]" in e and "'puglia-creativa'" in e for e in errors), errors


def test_a_rule_linking_creative_valley_to_the_creadis3_stakeholder_group(copy: Path):
    # The Regional Stakeholder Group is the CREADIS3 project's (the Greek text of 004), not Creative Valley's.
    rules = (copy / "rules/core.yaml").read_text(encoding="utf-8")
    start = rules.index("  - id: governance-stakeholder-group")
    block = rules[start:]
    (copy / "rules/core.yaml").write_text(rules[:start] + block.replace("    cases: []", "    cases: [creative-valley]", 1),
                                          encoding="utf-8")
    errors = _errors(copy, "rule-case")
    assert any("[governance-stakeholder-group]" in e and "Regional Stakeholder Group" in e for e in errors), errors


def test_an_aim_told_as_a_result(copy: Path):
    # The URBACT page states an intention; the statement must not say the plans were written.
    _edit(copy, "cases/urbact-creative-clusters.yaml",
          "\"The partners' stated intention: to help policy-makers and managers of Operational Programmes define "
          "initiatives that may be selected for Structural Funds programmes. Whether any was selected is not documented.\"",
          "\"Action plans written so that managers of Operational Programmes can select the initiatives for Structural Funds.\"")
    errors = _errors(copy, "aim-as-result")
    assert any("[urbact-creative-clusters] transferable[0]" in e and "intention" in e for e in errors), errors


def test_every_case_and_rule_needs_a_review_record_covering_its_documents(copy: Path):
    eici = (copy / "cases/eici.yaml").read_text(encoding="utf-8")
    (copy / "cases/eici.yaml").write_text(eici[: eici.index("review:\n")], encoding="utf-8")
    ruci = copy / "cases/ruci.yaml"
    ruci.write_text(ruci.read_text(encoding="utf-8").replace("    documents: [000_c8bf369c45f381b7.txt]",
                                                             "    documents: [004_1abee1b91b2d696e.txt]"), encoding="utf-8")
    errors = _errors(copy, "review")
    assert any("[eici]" in e and "no review record" in e for e in errors), errors
    assert any("[ruci]" in e and "000_c8bf369c45f381b7.txt, which no review record covers" in e for e in errors), errors


def test_bibliography_spans_that_no_longer_fit_the_document(copy: Path):
    _edit(copy, "sources/bibliography.yaml", "lines: [34, 48], text: Articles}", "lines: [33, 48], text: Articles}")
    errors = _errors(copy, "bibliography")
    assert any("line 33 does not contain 'Articles'" in e for e in errors), errors


def test_the_bibliography_gives_numbered_short_references():
    bib = load_content(REPO_ROOT).bibliography
    assert bib is not None
    assert [d.number for d in bib.documents] == [1, 2, 3, 4, 5]
    assert bib.reference("003_5359a68c26c8ed2c.txt") == "[4] URBACT Creative Clusters, project page"
    # Only what the documents state: the CreativeCH report gives no title, publisher or address.
    report = bib.get("000_c8bf369c45f381b7.txt")
    assert report is not None and report.title is None and report.publisher is None and report.address is None


def test_a_bibliography_with_an_unknown_span_kind_is_refused_with_file_and_line(copy: Path):
    from readiness.content import ContentError

    _edit(copy, "sources/bibliography.yaml", "{kind: sidebar, lines: [34, 48]", "{kind: advert, lines: [34, 48]")
    with pytest.raises(ContentError) as exc:
        load_content(copy)
    assert any(p.startswith("sources/bibliography.yaml:") and "kind" in p for p in exc.value.problems), exc.value.problems


# --------------------------------------------------------------------------- fragment quotes

def _texts():
    from readiness.evidence import load_texts

    bib = load_content(REPO_ROOT).bibliography
    assert bib is not None
    return load_texts(bib, SEEDS)


@pytest.mark.parametrize("document, quote, why", [
    ("004_1abee1b91b2d696e.txt", "Regional Stakeholder Group", "only 3 words"),
    ("002_c60309014ff32336.txt", "why it is beneficial", "only 4 words"),
    ("002_c60309014ff32336.txt", "Mapping Creative Clusters in Your Region", "link title"),
    ("004_1abee1b91b2d696e.txt",
     "The Creative Hubs policy: the example of Creative Valley : the creative hub of the city of Mons", "page title"),
    ("001_ce7381cf6abf7c69.txt", "diversifying local economic base and opportunities", "heading"),
    ("004_1abee1b91b2d696e.txt", "Creative Valley emerged during", "only 4 words"),
    ("004_1abee1b91b2d696e.txt", "Creative Valley emerged during “Mons2015, European Capital of Culture” that",
     "ends on 'that'"),
    ("003_5359a68c26c8ed2c.txt", "which may be selected for Structural Funds programmes", "mid-sentence with 'which'"),
    ("000_c8bf369c45f381b7.txt", "who are sometimes too much concentrated on their own work and ideas",
     "mid-sentence with 'who'"),
    ("001_ce7381cf6abf7c69.txt", "such long-term strategies?", "only 3 words"),
    ("000_c8bf369c45f381b7.txt", "in which  Europe cannot afford to fail", "'in which'"),
    ("002_c60309014ff32336.txt", "young people and start up businesses in an uncertain economic context", "after 'for'"),
    ("000_c8bf369c45f381b7.txt", "From the experience of the European Interest Group on Creativity",
     "starts with 'from' and has no verb"),
    ("000_c8bf369c45f381b7.txt",
     "cooperation between small Portuguese municipalities in order to promote regional development", "after 'the'"),
    ("000_c8bf369c45f381b7.txt", "working on technologies in cultural tourism", "right after 'organisation'"),
    ("000_c8bf369c45f381b7.txt", "pilot projects for landscape 3D modelling", "right after 'successful'"),
    ("003_5359a68c26c8ed2c.txt", "accessibility, cultural life, technological facilities, competitive clusters, global networking",
     "parenthesis"),
    ("000_c8bf369c45f381b7.txt", "considers collaboration, trust and relationship as its core values", "right after 'eici'"),
    ("000_c8bf369c45f381b7.txt", "the process might take some time and investments on bringing this partners together",
     "'despite' clause only"),
    ("004_1abee1b91b2d696e.txt", "περιφερειακές συναντήσεις που διεξάγονται ανά εξάμηνο", "no verb"),
    # no subject before the finite verb: a modal or auxiliary, a finite verb, a bare infinitive
    ("000_c8bf369c45f381b7.txt", "can be anytime endangered  by a cut of funding", "starts with the verb 'can'"),
    ("000_c8bf369c45f381b7.txt", "has been involved in successful pilot projects for landscape 3D modelling",
     "starts with the verb 'has'"),
    ("004_1abee1b91b2d696e.txt", "has a strong potential to develop the CCIs in the whole value chain", "the verb 'has'"),
    ("000_c8bf369c45f381b7.txt", "must get out of their comfort zone", "starts with the verb 'must'"),
    ("002_c60309014ff32336.txt", "covers the full range of cultural and creative activities from dance to multimedia",
     "starts with the verb 'covers'"),
    ("000_c8bf369c45f381b7.txt", "work in new ways and with unfamiliar  partners", "starts with the verb 'work'"),
    ("000_c8bf369c45f381b7.txt", "exchange their views and perspectives to find innovative ideas and solutions",
     "starts with the verb 'exchange'"),
    ("002_c60309014ff32336.txt", "ensure the financial support of these activities", "bare infinitive after 'to'"),
    ("003_5359a68c26c8ed2c.txt", "promote the exchange of experiences and best practices", "bare infinitive after 'to'"),
    ("002_c60309014ff32336.txt", "develop a shared understanding of what a cluster is, why it is beneficial, and how it should be promoted",
     "bare infinitive after 'to'"),
    ("002_c60309014ff32336.txt", "test co-design and creative methods applied to entrepreneurs and cluster managers",
     "bare infinitive after 'to'"),
    # a participle or gerund phrase
    ("002_c60309014ff32336.txt", "providing new opportunities for young people and start up businesses", "participle or gerund 'providing'"),
    ("004_1abee1b91b2d696e.txt", "initiated by a local authority (city of Mons)", "participle or gerund 'initiated'"),
    ("001_ce7381cf6abf7c69.txt", "re-thinking tourism in the framework of creative local strategies", "gerund 're-thinking'"),
    # a noun phrase with no finite verb of its own (a relative clause's verb is not its own)
    ("004_1abee1b91b2d696e.txt", "the implications in terms of governance", "no finite verb of its own"),
    ("001_ce7381cf6abf7c69.txt", "the activation of new growth potentials in mature industries", "no finite verb of its own"),
    ("004_1abee1b91b2d696e.txt", "all of them running the hub together", "no finite verb of its own"),
    ("004_1abee1b91b2d696e.txt", "advice to innovate or to access financing", "no finite verb of its own"),
    ("004_1abee1b91b2d696e.txt", "third places to meet and network", "no finite verb of its own"),
    ("000_c8bf369c45f381b7.txt", "a French organisation working on technologies in cultural tourism in Strasbourg",
     "no finite verb of its own"),
    ("000_c8bf369c45f381b7.txt", "a European network that has a bottom-up approach", "no finite verb of its own"),
])
def test_fragments_of_each_kind_are_recognised(document: str, quote: str, why: str):
    from readiness.evidence import fragment_reason

    reason = fragment_reason(quote, _texts()[document])
    assert reason is not None and why in reason, reason


@pytest.mark.parametrize("document, quote", [
    # whole sentences, main clauses and clauses the document sets apart
    ("000_c8bf369c45f381b7.txt", "EICI considers collaboration, trust and relationship as its core values"),
    ("000_c8bf369c45f381b7.txt", "in some events there have been experiments"),
    ("000_c8bf369c45f381b7.txt", "the cultural heritage institutions  must get out of their comfort zone"),
    ("004_1abee1b91b2d696e.txt", "Such a model has a strong potential to develop the CCIs in the whole value chain"),
    ("001_ce7381cf6abf7c69.txt", "What is the role to play by local governments in such long-term strategies?"),
    ("004_1abee1b91b2d696e.txt", "Risks regarding efforts dilution because Creative Valley addresses a large panel of target groups"),
    # clauses that start mid-sentence in lowercase, with their subject
    ("000_c8bf369c45f381b7.txt", "all the initiatives within RUCI can be anytime endangered  by a cut of funding"),
    ("000_c8bf369c45f381b7.txt", "both the  creative and the academic people come together"),
    ("000_c8bf369c45f381b7.txt", "trust is among one of the most  important elements"),
    ("001_ce7381cf6abf7c69.txt", "creativity can act as a driving force for economic development of small urban centres"),
    ("002_c60309014ff32336.txt", "venture capitalists and private investors need to understand the 'business model'"),
    ("000_c8bf369c45f381b7.txt", "the cross-sectorial cooperation advantages were showcased"),
    ("000_c8bf369c45f381b7.txt", "the cultural heritage institutions  must get out of their comfort zone, work in new ways and with unfamiliar  partners"),
    # the same facts quoted with their subjects
    ("002_c60309014ff32336.txt", "The association “**Distretto Produttivo Puglia Creativa**” covers the full range of cultural and "
     "creative activities from dance to multimedia, providing new opportunities for young people and start up businesses"),
    ("003_5359a68c26c8ed2c.txt", "The objective of this URBACT network is to promote the exchange of experiences and best practices"),
    # a Greek clause may put its verb first: "είναι σημαντική η συμμετοχή ..." (the participation ... is important)
    ("004_1abee1b91b2d696e.txt", "είναι σημαντική η συμμετοχή εκπροσώπων των εν λόγω φορέων στις περιφερειακές συναντήσεις που "
     "διεξάγονται ανά εξάμηνο"),
    # the document's whole list items, a figure with its label or a phrase
    ("004_1abee1b91b2d696e.txt", "Pilot phase 2014-2015: €235,000 - Walloon financing"),
    ("004_1abee1b91b2d696e.txt", "Challenges in gathering public/private actors under the same project"),
])
def test_self_standing_clauses_are_not_fragments(document: str, quote: str):
    from readiness.evidence import fragment_reason

    assert fragment_reason(quote, _texts()[document]) is None


def _fragments(root: Path) -> list[str]:
    from readiness.evidence import EvidenceReport, fragment_problems, load_texts

    content = load_content(root)
    assert content.bibliography is not None
    report = EvidenceReport()
    fragment_problems(content, load_texts(content.bibliography, SEEDS), report)
    return report.errors


def _line_of(root: Path, rel: str, text: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_a_fragment_quote_is_reported_with_file_and_line(copy: Path):
    _edit(copy, "questions/trust.yaml", "quote: Trusting each other means that it is going to be  easier to learn from each other",
          "quote: It is a slow process")
    _edit(copy, "cases/eici.yaml", "quote: EICI reached a further step by becoming a true community\n",
          "quote: EICI reached a further step by\n")
    errors = _fragments(copy)
    trust = _line_of(copy, "questions/trust.yaml", "quote: It is a slow process")
    eici = _line_of(copy, "cases/eici.yaml", "quote: EICI reached a further step by")
    assert any(e.startswith(f"questions/trust.yaml:{trust}: [") and "'It is a slow process'" in e
               and "only 5 words" in e and e.endswith("[fragment]") for e in errors), errors
    assert any(e.startswith(f"cases/eici.yaml:{eici}: [eici] results[0]") and "ends on 'by'" in e for e in errors), errors


def test_a_glossary_definition_is_held_to_the_same_standard(copy: Path):
    """A definition cites its documents like a rule: a teaser or a bare phrase is refused."""
    _edit(copy, "glossary/terms.yaml",
          'quote: "The programme objective for all Interreg-MED initiatives under the Innovation Axis reads as follows: '
          '“To increase transnational activity of innovative clusters and networks of key sectors of the MED area”"\n'
          '  - id: interreg-med',
          "quote: TALIA's Network Dissemination Event\n  - id: interreg-med")
    _edit(copy, "glossary/terms.yaml", "quote: Beyond that, KEA is also an initiator",
          "quote: 'Valentina Montalto, KEA political  advisor'\n      - document: 000_c8bf369c45f381b7.txt\n"
          "        quote: Beyond that, KEA is also an initiator")
    furniture, fragments = _errors(copy, "furniture"), _fragments(copy)
    talia = _line_of(copy, "glossary/terms.yaml", "quote: TALIA's Network Dissemination Event")
    assert any("[talia]" in e and "teaser" in e for e in furniture), furniture
    assert any(e.startswith(f"glossary/terms.yaml:{talia}: [talia]") for e in fragments), fragments
    assert any("[kea]" in e and "'Valentina Montalto, KEA political  advisor'" in e for e in fragments), fragments


def test_a_quote_leaves_out_the_pages_markdown_bold(copy: Path):
    """The newsletter's text keeps its bold as ``**``: a quote matches without the stars (the
    report must not print them) and lint refuses one that keeps them."""
    plain = "“Distretto Produttivo Puglia Creativa” covers the full range"
    assert "**Distretto" in (SEEDS / "002_c60309014ff32336.txt").read_text(encoding="utf-8")
    assert not [e for e in lint(load_content(REPO_ROOT), SEEDS).errors if "Puglia" in e]
    line = f"quote: \"The association {plain} of cultural and creative activities from dance to multimedia\"\n"
    case = copy / "cases/puglia-creativa.yaml"
    text = case.read_text(encoding="utf-8")
    assert line in text
    case.write_text(text.replace(line, line.replace("“", "“**").replace("”", "**”"), 1), encoding="utf-8")
    errors = lint(load_content(copy), SEEDS).errors
    assert any("cases/puglia-creativa.yaml" in e and "Markdown bold" in e for e in errors), errors
