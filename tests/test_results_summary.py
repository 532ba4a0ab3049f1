"""The results page shows the same summary as the report, the DOCX and
``readiness score --json`` (those three are compared in test_editions.py): the
main risks and strengths in the ranking's order and the same first actions, for
a weak, a mixed and a strong town, in English and Portuguese."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from conftest import Wizard
from readiness.content import Content
from readiness.models import QuestionType
from readiness.scoring import score_assessment
from flows import choose_language
from towns import TOWNS


def _posted(content: Content, answers: dict) -> dict:  # type: ignore[type-arg]
    """The answers as a form posts them."""
    out = {}
    for qid, value in answers.items():
        q = content.questions[qid]
        out[qid] = str(value) if q.type == QuestionType.number else value
    return out


@pytest.mark.parametrize("town,lang", [(t, lang) for t in ("weak", "mixed", "strong") for lang in ("en", "pt")])
def test_results_page_shows_the_summary(client, wizard: Wizard, content: Content, town: str, lang: str) -> None:
    if lang != "en":
        choose_language(client, lang, "/start")
    answers = TOWNS[town](content)
    wizard.start(town="Óbidos", country="Portugal", population=answers.get("population_band", "10k_50k"))
    wizard.answer_all(lambda q: None, overrides=_posted(content, answers))
    assert wizard.submit().status_code == 302
    html = client.get(wizard.url("results")).get_data(as_text=True)
    local = content.for_language(lang)
    summary = score_assessment(local, answers).summary
    box = html.split('class="summary-grid"')[1].split("</section>")[0]
    positions = [box.find(str(escape(f.title))) for f in summary.risks]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), (town, lang)
    positions = [box.find(str(escape(f.title))) for f in summary.strengths]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), (town, lang)
    actions = box.split('class="summary-box summary-actions"')[1]
    items = re.findall(r"<li>(.*?) <span", actions)
    assert [str(escape(a.action)) for a in summary.actions] == items, (town, lang)
