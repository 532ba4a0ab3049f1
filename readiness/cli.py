"""``readiness``: the engine without the web, for batch use, tests and benchmarks.

JSON on stdout; exit 0 on success, exit 2 with one clear line on stderr on bad
input. Never a traceback for a user mistake.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib
import json
import sys
from pathlib import Path
from typing import Any, Callable

import yaml

from .answers import COUNTRY_MAX, TOWN_NAME_MAX, AnswerError, check_answers, clean_name, has_visible
from .content import Content, ContentError, load_content
from .catalogs import compile_catalogs
from .i18n import LANGUAGES, SECTIONS, mark_current, scaffold, translation_path, translation_status
from .lint import lint
from .models import Question
from .scoring import score_assessment

EXIT_USAGE = 2


class UserError(Exception):
    """A mistake in what the user gave us: message on stderr, exit 2."""


def _question_json(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": q.id,
        "text": q.text,
        "help": q.help,
        "type": q.type.value,
        "required": q.required,
        "weight": q.weight,
        "options": [{"value": o.value, "label": o.label, "score": o.score} for o in q.options],
    }
    if q.min is not None:
        out["min"] = q.min
    if q.max is not None:
        out["max"] = q.max
    if q.show_if is not None:
        out["show_if"] = q.show_if.model_dump(by_alias=True, exclude_none=True)
    return out


def questions_json(content: Content) -> dict[str, Any]:
    return {
        "version": content.version,
        "profile": [_question_json(q) for q in content.bank.profile],
        "dimensions": [
            {"id": d.id, "title": d.title, "summary": d.summary, "questions": [_question_json(q) for q in d.questions]}
            for d in content.dimensions
        ],
    }


def rules_json(content: Content) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "dimension": r.dimension,
            "severity": r.severity,
            "codes": r.codes,
            "title": r.title,
            "cases": r.cases,
            "sources": [s.model_dump() for s in r.sources],
        }
        for r in content.rules
    ]


def cases_json(content: Content) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "name": c.name,
            "place": c.place,
            "country": c.country,
            "type": c.type,
            "period": c.period,
            "sources": [s.model_dump() for s in c.sources],
        }
        for c in content.cases
    ]


# What an answers file may be: a few kilobytes in practice, so these bounds cost nobody.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 100_000


def _check_yaml_shape(text: str, path: str) -> None:
    """Walk the YAML events (no recursion, no objects built) and refuse what no answers
    file needs: aliases (a "billion laughs" expands them), tags, deep nesting, huge counts."""
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise UserError(f"answers file {path}: YAML anchors and aliases (&, *) are not allowed")
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.tag is not None:
                raise UserError(f"answers file {path}: YAML tags (!) are not allowed")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise UserError(f"answers file {path}: nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > MAX_NODES:
                    raise UserError(f"answers file {path}: more than {MAX_NODES} values")
    except yaml.YAMLError as exc:
        raise UserError(f"answers file {path} is not valid YAML or JSON: {getattr(exc, 'problem', exc)}") from exc


def _text_field(data: dict, key: str, path: str, limit: int, required: bool) -> str:
    value = data.get(key, "")
    if value is None or not isinstance(value, str):
        raise UserError(f"answers file {path}: '{key}' must be text, not {_kind(value)}")
    name = clean_name(value)
    if (required and not has_visible(name)) or len(name) > limit:
        raise UserError(f"answers file {path}: '{key}' must be 1 to {limit} characters with a letter or digit")
    return name


def _kind(value: Any) -> str:
    return {type(None): "empty (null)", bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a mapping", bytes: "binary data"}.get(type(value), type(value).__name__)


def read_answers_file(path: str, content: Content) -> dict[str, Any]:
    """Read a YAML/JSON answers file into {town, country, answers}, checked: every bad
    file is one UserError line, whatever it holds."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"cannot read answers file {path}: {exc.strerror}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise UserError(f"answers file {path} is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"answers file {path} is not UTF-8 text") from exc
    _check_yaml_shape(text, path)
    try:
        data = yaml.safe_load(text)  # JSON is YAML too
    except yaml.YAMLError as exc:
        raise UserError(f"answers file {path} is not valid YAML or JSON: {getattr(exc, 'problem', exc)}") from exc
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. an integer of thousands of digits
        raise UserError(f"answers file {path} holds a value too large to read ({type(exc).__name__})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), (dict, type(None))):
        raise UserError(f"answers file {path} must be a mapping with 'town', 'country' and 'answers'")
    town = _text_field(data, "town", path, TOWN_NAME_MAX, required=True)
    country = _text_field(data, "country", path, COUNTRY_MAX, required=False)
    answers = data.get("answers") or {}
    for qid, value in answers.items():
        if not isinstance(qid, str) or not _answer_shape(value):
            raise UserError(f"answers file {path}: question {str(qid)[:64]!r}: the answer must be text, a number, "
                            f"true/false or a list of texts, not {_kind(value)}")
    try:
        answers = check_answers(content.questions, answers)
    except AnswerError as exc:
        raise UserError(f"answers file {path}: question {exc.question_id[:64]!r}: {exc.message}") from exc
    share = data.get("share_findings", True)
    if not isinstance(share, bool):
        raise UserError(f"answers file {path}: 'share_findings' must be true or false")
    role = data.get("role", "")
    if not isinstance(role, str):
        raise UserError(f"answers file {path}: 'role' must be text, not {_kind(role)}")
    return {"town": town, "country": country, "answers": answers, "role": clean_name(role), "share_findings": share}


def _answer_shape(value: Any) -> bool:
    if isinstance(value, (str, bool, int, float)) or value is None:
        return True
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_lint(args: argparse.Namespace) -> int:
    try:
        content = load_content(args.content)
    except ContentError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"lint: {len(exc.problems)} problem(s)", file=sys.stderr)
        return 1
    sources = Path(args.sources) if args.sources else None
    report = lint(content, sources)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    for err in report.errors:
        print(f"error: {err}", file=sys.stderr)
    print_json({"ok": report.ok, "errors": len(report.errors), "coverage": report.coverage})
    return 0 if report.ok else 1


def cmd_questions(args: argparse.Namespace) -> int:
    print_json(questions_json(load_content(args.content)))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    print_json(rules_json(load_content(args.content)))
    return 0


def cmd_cases(args: argparse.Namespace) -> int:
    print_json(cases_json(load_content(args.content)))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    content = load_content(args.content)
    data = read_answers_file(args.answers, content)
    print_json(score_assessment(content, data["answers"], data["town"], data["country"]).to_json())
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import ReportMeta, build_report_html, render_pdf  # WeasyPrint only when needed

    base = load_content(args.content)
    if args.language not in base.translations and args.language != "en":
        raise UserError(f"no translation for language {args.language!r} (have: en, {', '.join(sorted(base.translations))})")
    content = base.for_language(args.language)
    data = read_answers_file(args.answers, content)
    result = score_assessment(content, data["answers"], data["town"], data["country"])
    if args.bilingual and args.edition != "summary":
        raise UserError("--bilingual gives the summary in two languages; the full report stays in one language")
    meta = dataclasses.replace(ReportMeta.for_cli(data["town"], data["country"]),
                               language=args.language, bilingual=args.bilingual, edition=args.edition)
    if not args.output and not args.html:
        raise UserError("give -o OUT.pdf and/or --html OUT.html")
    if args.html:
        Path(args.html).write_text(build_report_html(content, result, meta, inline_assets=True), encoding="utf-8")
    if args.output and args.format == "docx":
        from .report_docx import build_docx

        if args.edition != "summary" or args.bilingual:
            raise UserError("the DOCX is the summary in one language: drop --edition full and --bilingual")
        Path(args.output).write_bytes(build_docx(content, result, meta))
    elif args.output:
        Path(args.output).write_bytes(render_pdf(content, result, meta))
    print_json({k: v for k, v in ((args.format, args.output), ("html", args.html), ("edition", args.edition)) if v})
    return 0


def _read_group(paths: list[str], content: Content) -> tuple[list[dict[str, Any]], Any]:
    """Several answers files, each with a stakeholder ``role``: the group's voices and its result."""
    from . import group

    if len(paths) < 2:
        raise UserError("give at least two answers files, one per voice")
    files = [read_answers_file(p, content) for p in paths]
    for path, data in zip(paths, files):
        if data["role"] not in group.ROLES:
            raise UserError(f"answers file {path}: 'role' must be one of {', '.join(group.ROLES)}")
    profile_ids = {q.id for q in content.bank.profile}
    shared = {k: v for k, v in files[0]["answers"].items() if k in profile_ids}
    voices = [group.Voice(Path(p).stem, d["role"], {k: v for k, v in d["answers"].items() if k not in profile_ids})
              for p, d in zip(paths, files)]
    return files, group.group_result(content, voices, shared, town=files[0]["town"], country=files[0]["country"])


def cmd_group(args: argparse.Namespace) -> int:
    """The group's consolidated result and where its voices differ (the web's engine)."""
    content = load_content(args.content)
    files, result = _read_group(args.answers, content)
    if args.output:
        from .group_view import group_section
        from .i18n import ui_translations
        from .report import ReportMeta, render_pdf

        assert result.consolidated is not None
        meta = dataclasses.replace(ReportMeta.for_cli(files[0]["town"], files[0]["country"]),
                                   group=group_section(result, ui_translations("en").gettext, body_is_consolidated=True))
        Path(args.output).write_bytes(render_pdf(content, result.consolidated, meta))
    out = result.to_json()
    out = {"town": files[0]["town"], "country": files[0]["country"], **out}
    if args.output:
        out["pdf"] = args.output
    print_json(out)
    return 0


def cmd_network(args: argparse.Namespace) -> int:
    """Several towns side by side: profiles, the risks most share, the nearest towns."""
    from . import network

    content = load_content(args.content)
    if len(args.answers) < 2:
        raise UserError("give at least two answers files, one per town")
    members = []
    for path in args.answers:
        data = read_answers_file(path, content)
        result = score_assessment(content, data["answers"], data["town"], data["country"])
        # a file is the town's own: it shares its findings unless it says "share_findings: false"
        members.append(network.Member(Path(path).stem, data["town"], data["country"], result,
                                      share_details=data["share_findings"]))
    result = network.network_result(content, members)
    if args.output:
        from .network_view import network_pdf

        # answers files carry no submission dates: the document is as of the day it is made
        Path(args.output).write_bytes(network_pdf(content, result, args.name, as_of=dt.date.today()))
    out = {"name": args.name, **result.to_json()}
    if args.output:
        out["pdf"] = args.output
    print_json(out)
    return 0


def cmd_translations(args: argparse.Namespace) -> int:
    """status: per-language counts; scaffold: add missing entries as drafts; mark: declare entries current."""
    content = load_content(args.content)
    if args.action == "compile":
        print_json({"compiled": [str(p) for p in compile_catalogs(content.root)]})
        return 0
    if args.action == "status":
        langs = [args.lang] if args.lang else sorted(content.translations)
        out = {}
        for lang in langs:
            st = translation_status(content, lang)
            out[lang] = {"entries": st.total, "translated": st.translated, "missing": st.missing,
                         "stale": st.stale, "mismatched": st.mismatched, "unknown": st.unknown}
        print_json(out)
        return 0
    if not args.lang or args.lang == "en" or args.lang not in LANGUAGES:
        raise UserError(f"give --lang, one of {', '.join(k for k in LANGUAGES if k != 'en')}")
    path = translation_path(content.root, args.lang)
    data = scaffold(content, args.lang)
    if args.action == "mark":
        ids = None if args.all else set(args.ids)
        if ids is not None and not ids:
            raise UserError("name the entries to mark (e.g. questions.strategy_plan) or use --all")
        marked = mark_current(data, content, ids)
        print_json({"marked": marked, "file": str(path)})
    else:
        print_json({"file": str(path), "entries": sum(len(data[s]) for s in SECTIONS)})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="readiness", description=__doc__.splitlines()[0])
    parser.add_argument("--content", help="content root (folder with questions/, rules/, cases/)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("lint", help="validate questions, rules and cases; print coverage")
    p.add_argument("--sources", help="folder with the source documents, to check quotes verbatim")
    p.set_defaults(func=cmd_lint)
    for name, func, helptext in (
        ("questions", cmd_questions, "the question bank as JSON"),
        ("rules", cmd_rules, "the rules as JSON"),
        ("cases", cmd_cases, "the case studies as JSON"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--json", action="store_true", help="JSON output (the default and only format)")
        p.set_defaults(func=func)
    p = sub.add_parser("score", help="score an answers file (YAML or JSON)")
    p.add_argument("answers")
    p.add_argument("--json", action="store_true", help="JSON output (the default and only format)")
    p.set_defaults(func=cmd_score)
    sub.add_parser("export", help="export the app's database as JSON (see `readiness export --help`)",
                   add_help=False)
    p = sub.add_parser("group", help="consolidate several answers files (one per stakeholder, each with a 'role')")
    p.add_argument("answers", nargs="+", help="answers files (YAML or JSON), each with 'role': "
                   "government, business, education or civil_society")
    p.add_argument("--json", action="store_true", help="JSON output (the default and only format)")
    p.add_argument("-o", "--output", help="also write the group's PDF report")
    p.set_defaults(func=cmd_group)
    p = sub.add_parser("network", help="several towns side by side: profiles, shared risks, nearest towns")
    p.add_argument("answers", nargs="+", help="one answers file (YAML or JSON) per town")
    p.add_argument("--name", default="Network of towns", help="the network's name, for the PDF")
    p.add_argument("--json", action="store_true", help="JSON output (the default and only format)")
    p.add_argument("-o", "--output", help="also write the network PDF")
    p.set_defaults(func=cmd_network)
    p = sub.add_parser("translations", help="content translations: status, scaffold, mark; compile UI catalogs")
    p.add_argument("action", choices=["status", "scaffold", "mark", "compile"])
    p.add_argument("--lang", help="language code, e.g. pt or it")
    p.add_argument("--all", action="store_true", help="with mark: every entry of the file")
    p.add_argument("ids", nargs="*", help="with mark: entries such as questions.strategy_plan")
    p.set_defaults(func=cmd_translations)
    p = sub.add_parser("report", help="write the report (PDF or DOCX, and/or its HTML) for an answers file")
    p.add_argument("answers")
    p.add_argument("-o", "--output", help="PDF (or, with --format docx, DOCX) file to write")
    p.add_argument("--html", help="also write the exact HTML given to WeasyPrint, assets inlined")
    p.add_argument("--language", default="en", help="report language: en (default), pt, it")
    p.add_argument("--bilingual", action="store_true", help="the summary in --language followed by English")
    p.add_argument("--edition", choices=["summary", "full"], default="summary",
                   help="summary (at most six pages, the default) or full (every dimension, finding and answer)")
    p.add_argument("--format", choices=["pdf", "docx"], default="pdf", help="pdf (default) or docx (the summary, editable)")
    p.set_defaults(func=cmd_report)
    return parser


def run_command(prog: str, func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command the way every console script of the project does: a user's
    mistake is one line on stderr and exit 2, never a traceback."""
    try:
        return func(args)
    except UserError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        print(f"{prog}: the content has problems (run 'readiness lint'):", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0


# `readiness export` reads the web app's database: that code lives with the app
# (webapp/export/exporter.py, also installed as `readiness-export`). It is found by name at
# run time so that this package keeps no dependency on the web package.
EXPORTER = "webapp.export.exporter"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export"]:
        return importlib.import_module(EXPORTER).main(argv[1:])
    args = build_parser().parse_args(argv)
    return run_command("readiness", args.func, args)


if __name__ == "__main__":
    sys.exit(main())
