"""The summary edition as an editable Word document (python-docx).

For pasting into council papers and funding applications: the same content as
the summary PDF, from the same view model (``report_view.report_context``),
as headings, paragraphs and tables with Word's built-in styles; no layout
tricks. Everything a user typed goes in as text runs, never as markup.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from .content_model import Content
from .i18n import ui_translations
from .report_view import ReportMeta, report_context
from .scoring import AssessmentResult


def _table(doc: DocxDocument, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = str(text)
    doc.add_paragraph()


def _meta_line(doc: DocxDocument, parts: list[tuple[str, str]]) -> None:
    p = doc.add_paragraph()
    for i, (label, value) in enumerate(parts):
        if i:
            p.add_run(" · ")
        p.add_run(label + " ").bold = True
        p.add_run(value)
    for run in p.runs:
        run.font.size = Pt(9)


def build_docx(content: Content, result: AssessmentResult, meta: ReportMeta) -> bytes:
    """The summary as DOCX bytes, in ``meta.language`` (one language: no bilingual DOCX)."""
    ctx: dict[str, Any] = report_context(content, result, meta)
    catalog = ui_translations(meta.language)
    _, ngettext = catalog.gettext, catalog.ngettext
    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.language = ctx["title"], ctx["author"], meta.language
    moment = dt.datetime.combine(meta.created, dt.time(), tzinfo=dt.timezone.utc)
    props.created = props.modified = moment

    # ---- cover
    doc.add_paragraph(_("Creative cluster readiness"))
    doc.add_heading(meta.town, level=0)
    if meta.country:
        doc.add_paragraph(meta.country)
    doc.add_paragraph(_("Summary of the self-assessment and recommendations"))
    facts = [(_("Date"), ctx["created_words"]), (_("Assessment"), meta.assessment_id)]
    if meta.contact_role:
        facts.append((_("Prepared by"), meta.contact_role))
    facts += [
        (_("Questions and rules"), _("version %(version)s") % {"version": content.version}),
        (_("Status"), _("Self-assessment: the town's own answers, not an external audit")),
    ]
    _table(doc, [_("Assessment"), ""], [[k, v] for k, v in facts])

    # ---- executive summary
    doc.add_heading(_("Executive summary"), level=1)
    changes = ctx["changes"]
    if changes:
        doc.add_heading(_("What changed since %(date)s") % {"date": changes["date"]}, level=2)
        if changes["level_before"] and changes["level_after"] and changes["level_before"] != changes["level_after"]:
            doc.add_paragraph(_("Level: %(before)s then, %(after)s now (overall score %(score_before)s → %(score_after)s).") % {
                "before": changes["level_before"], "after": changes["level_after"],
                "score_before": changes["overall"]["before"], "score_after": changes["overall"]["after"]})
        elif changes["level_after"]:
            doc.add_paragraph(_("Level: still %(level)s (overall score %(score_before)s → %(score_after)s).") % {
                "level": changes["level_after"], "score_before": changes["overall"]["before"],
                "score_after": changes["overall"]["after"]})
        if changes["biggest_moves"]:
            moves = "; ".join(f"{m['title']} {m['delta']} ({m['before']} → {m['after']})" for m in changes["biggest_moves"])
            doc.add_paragraph(f"{_('Biggest moves:')} {moves}.")
        else:
            doc.add_paragraph(_("No dimension score moved."))
        # the same sentences as the PDF's progress box: the first few named, then how many more
        resolved, new, more = changes["risks_resolved"], changes["risks_new"], changes["resolved_more"]
        if resolved:
            tail = " " + ngettext("and %(num)s more", "and %(num)s more", more) % {"num": more} if more else ""
            doc.add_paragraph(ngettext("%(num)s risk resolved:", "%(num)s risks resolved:", len(resolved)) % {"num": len(resolved)}
                              + " " + "; ".join(changes["resolved_named"]) + tail + ".")
        else:
            doc.add_paragraph(_("No risk was resolved since then."))
        if new:  # counted, not named: the one-page summary keeps to one page (the new ones are in the priorities)
            doc.add_paragraph(ngettext("%(num)s new risk.", "%(num)s new risks.", len(new)) % {"num": len(new)})
        if changes["content_changed"]:
            doc.add_paragraph(_("The questions and rules changed between the two assessments (version %(before)s, now %(after)s): some differences come from the content, not from the town.") % {
                "before": changes["content_before"], "after": changes["content_after"]})
    if ctx["level"]:
        doc.add_paragraph(_("%(town)s is at the %(level)s level of readiness (overall score %(overall)s out of 100).") % {
            "town": meta.town, "level": ctx["level"].label, "overall": ctx["overall"]})
        doc.add_paragraph(ctx["level"].description)
    else:
        doc.add_paragraph(_("Not enough questions were answered to give %(town)s a readiness level.") % {"town": meta.town})

    doc.add_heading(_("Main risks"), level=2)
    for f in ctx["top_risks"]:
        doc.add_paragraph(f"{f['title']} ({f['severity_word']} · {f['dimension']})", style="List Number")
    if not ctx["top_risks"]:
        doc.add_paragraph(_("No risk rule applies to these answers."))
    doc.add_heading(_("Main strengths"), level=2)
    for f in ctx["top_strengths"]:
        doc.add_paragraph(f"{f['title']} ({f['dimension']})", style="List Number 2")
    if not ctx["top_strengths"]:
        doc.add_paragraph(_("No strength rule applies to these answers yet."))
    doc.add_heading(_("First actions"), level=2)
    for a in ctx["first_actions"]:
        doc.add_paragraph(a["action"], style="List Number 3")
        _meta_line(doc, [(_("Who:"), a["lead"]), (_("When:"), a["horizon"])])
    if not ctx["first_actions"]:
        doc.add_paragraph(_("No action is recommended for these answers."))

    # ---- profile
    doc.add_heading(_("Readiness profile"), level=1)
    _table(doc, ["#", _("Dimension"), _("Score"), _("Level"), _("Answered")],
           [[str(d["number"]), d["title"], d["score"], d["level"],
             _("%(answered)s of %(applicable)s") % {"answered": d["answered"], "applicable": d["applicable"]}]
            for d in ctx["dimensions"]]
           + [["", _("Overall"), ctx["overall"], ctx["level"].label if ctx["level"] else _("Not assessed"),
               _("%(answered)s of %(applicable)s") % {"answered": ctx["answered"], "applicable": ctx["applicable"]}]])

    # ---- priorities
    doc.add_heading(_("Priorities and what to do"), level=1)
    for i, f in enumerate(ctx["priorities"], start=1):
        kind = f["kind_word"] + (f" · {f['severity_word']}" if f["kind"] == "risk" else "")
        doc.add_heading(f"{i}. {f['title']}", level=2)
        doc.add_paragraph(f"{kind} · {f['dimension']}")
        doc.add_paragraph(f["explanation"])
        for r in f["recommendations"]:
            doc.add_paragraph(r["action"], style="List Bullet")
            _meta_line(doc, [(_("Who:"), r["lead"]), (_("When:"), r["horizon"]), (_("How to know it worked:"), r["indicator"])])
        doc.add_heading(_("Evidence"), level=3)
        for s in f["sources"]:
            doc.add_paragraph(f"“{s['quote']}”", style="Quote")
            if s["translation"]:
                doc.add_paragraph(_("Translation: “%(text)s”") % {"text": s["translation"]})
            doc.add_paragraph(_("Source %(reference)s") % {"reference": s["reference"]})

    # ---- action plan
    doc.add_heading(_("Action plan"), level=1)
    rows = [[h["title"], a["action"], a["lead"]] for h in ctx["summary_plan"] for a in h["actions"]]
    if rows:
        _table(doc, [_("When"), _("Action"), _("Who")], rows)
    else:
        doc.add_paragraph(_("No action is recommended for these answers."))

    # ---- what next, method, sources
    doc.add_heading(_("What to do next"), level=1)
    gaps = ctx["data_gaps"]
    steps = [_("Discuss this summary with the mayor and the partners named in the action plan, and agree who starts each action.")]
    if gaps:
        steps.append(ngettext("Find the answer to the %(num)s open question (the data gaps below) and run the assessment again.",
                              "Find the answers to the %(num)s open questions (the data gaps below) and run the assessment again.",
                              len(gaps)) % {"num": len(gaps)})
    steps += [_("Ask the stakeholders (local government, business, education and research, civil society) to answer separately, and see where views differ."),
              _("Repeat the assessment in a year: the next summary opens with what changed.")]
    for step in steps:
        doc.add_paragraph(step, style="List Number")
    if gaps:
        doc.add_heading(_("Data gaps"), level=2)
        _table(doc, [_("Question"), _("What to find out"), _("Whom to ask")],
               [[g["question"], g["find_out"], g["ask"]] for g in gaps[:5]])
        if len(gaps) > 5:
            doc.add_paragraph(ngettext("%(num)s more open question is listed in the full report.",
                                       "%(num)s more open questions are listed in the full report.", len(gaps) - 5) % {"num": len(gaps) - 5})

    doc.add_heading(_("How the score is made"), level=1)
    level_ranges = ", ".join(_("%(level)s from %(min)s") % {"level": lv["label"], "min": lv["min"]} for lv in ctx["levels"])
    for text in (
        _("Each answer is worth between 0 and 100 points. A dimension's score is the average of its answered questions; the overall score is the average of the eleven dimensions. “Don't know” and unanswered questions are left out and listed as data gaps."),
        _("Levels: %(levels)s points.") % {"levels": level_ranges},
        _("Risks and strengths come from rules written from five documented sources on creative clusters; each cites the passage it rests on. A risk is reported whenever its rule applies, even when the averages look good."),
        ctx["priority_method"],
        _("This is a self-assessment: the town's own answers, not an external audit."),
    ):
        doc.add_paragraph(text)
    doc.add_heading(_("Sources"), level=2)
    for d in ctx["bibliography"]:
        details = " · ".join(f"{item['label']}: {item['value']}" for item in d["details"])
        tail = ". ".join(x for x in (details, d["not_stated"]) if x)
        doc.add_paragraph(f"[{d['number']}] {d['short']}" + (f". {tail}" if tail else ""))
    doc.add_paragraph(_("Questions and rules: version %(version)s (content fingerprint %(digest)s).") % {
        "version": content.version, "digest": content.digest})

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
