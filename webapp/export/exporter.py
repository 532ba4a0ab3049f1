"""Export (and import) of assessments, workspaces and group contributions.
Plain SQLAlchemy, no Flask request needed: the web views and the operator's command
``readiness-export`` both call it.

``export_document`` reads one assessment, one workspace or the whole database into the
JSON of ``readiness.export.document``; ``export_csv`` gives the CSV of the same
assessments; ``import_document`` writes such a JSON into a database (a restore, or
the round-trip test). Scores and findings are recomputed from the answers with the
content in use, in each assessment's language. Token hashes are never exported;
imported rows get fresh, unknown ones (issue a new link to reach them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, StringConstraints,
                      ValidationError)

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from readiness import export as fmt
from readiness.answers import (COUNTRY_MAX, ROLE_MAX, TOWN_NAME_MAX, AnswerError, clean_name, has_visible,
                               normalise_answer)
from readiness.cli import UserError, print_json, run_command
from readiness.content import Content, load_content
from readiness.group import ROLES, group_result
from readiness.i18n import LANGUAGES
from readiness.scoring import score_assessment

from webapp.config import Settings
from webapp.i18n.countries import COUNTRIES
from webapp.models import Answer, Assessment, Contribution, Invitation, Workspace, utcnow
from webapp.tokens import hash_token, new_token
from webapp.wizard.store import Sessions



# --------------------------------------------------------------------------- export


def _assessments(session: Session, workspace_id: int | None, assessment_id: int | None) -> list[Assessment]:
    query = select(Assessment).order_by(Assessment.created_at, Assessment.id)
    if workspace_id is not None:
        query = query.where(Assessment.workspace_id == workspace_id)
    if assessment_id is not None:
        query = query.where(Assessment.id == assessment_id)
    return list(session.scalars(query))


def _meta(a: Assessment) -> dict[str, Any]:
    return {"assessment": a.public_id, "town": a.town, "country": a.country, "status": a.status,
            "language": a.language, "content_version": a.content_version,
            "created_at": fmt.iso(a.created_at), "submitted_at": fmt.iso(a.submitted_at)}


@dataclass
class _Read:
    assessment: Assessment
    workspace: str | None
    answers: dict[str, Any]
    invitations: list[Invitation]
    contributions: list[Contribution]


def _read(sessions: Sessions, workspace_id: int | None, assessment_id: int | None) -> tuple[list[Workspace], list[_Read]]:
    """Everything needed, read in one short session (one consistent snapshot)."""
    with sessions() as session:
        rows = _assessments(session, workspace_id, assessment_id)
        if workspace_id is not None:
            workspaces = list(session.scalars(select(Workspace).where(Workspace.id == workspace_id)))
        elif assessment_id is not None:
            workspaces = []
        else:
            workspaces = list(session.scalars(select(Workspace).order_by(Workspace.created_at, Workspace.id)))
        linked = {a.workspace_id for a in rows if a.workspace_id is not None}
        ws_ids = {wid: pid for wid, pid in session.execute(
            select(Workspace.id, Workspace.public_id).where(Workspace.id.in_(linked)))} if linked else {}
        ids = [a.id for a in rows]
        answers: dict[int, dict[str, Any]] = {i: {} for i in ids}
        for aid, qid, value in session.execute(select(Answer.assessment_id, Answer.question_id, Answer.value)
                                               .where(Answer.assessment_id.in_(ids)).order_by(Answer.id)):
            answers[aid][qid] = value
        invitations: dict[int, list[Invitation]] = {i: [] for i in ids}
        for inv in session.scalars(select(Invitation).where(Invitation.assessment_id.in_(ids)).order_by(Invitation.id)):
            invitations[inv.assessment_id].append(inv)
        contributions: dict[int, list[Contribution]] = {i: [] for i in ids}
        for c in session.scalars(select(Contribution).where(Contribution.assessment_id.in_(ids)).order_by(Contribution.id)):
            contributions[c.assessment_id].append(c)
        read = [_Read(a, ws_ids.get(a.workspace_id) if a.workspace_id else None, answers[a.id], invitations[a.id],
                      contributions[a.id]) for a in rows]
        return workspaces, read


def _assessment_json(content: Content, r: _Read) -> dict[str, Any]:
    a = r.assessment
    worded = content.for_language(a.language)
    result = score_assessment(worded, r.answers, a.town, a.country)
    inv_ids = {inv.id: inv.public_id for inv in r.invitations}
    out: dict[str, Any] = {
        "id": a.public_id,
        "workspace": r.workspace,
        "town": a.town,
        "country": a.country,
        "contact_role": a.contact_role,
        "language": a.language,
        "status": a.status,
        "current_step": a.current_step,
        "content_version": a.content_version,
        "created_at": fmt.iso(a.created_at),
        "updated_at": fmt.iso(a.updated_at),
        "submitted_at": fmt.iso(a.submitted_at),
        "share_contributions": a.share_contributions,
        "answers": r.answers,
        "result": result.to_json(),
        "invitations": [{"id": inv.public_id, "created_at": fmt.iso(inv.created_at), "revoked_at": fmt.iso(inv.revoked_at)}
                        for inv in r.invitations],
        "contributions": [
            {"id": c.public_id, "invitation": inv_ids.get(c.invitation_id), "role": c.role,
             "role_label": ROLES.get(c.role, c.role), "answers": dict(c.answers or {}),
             "created_at": fmt.iso(c.created_at), "updated_at": fmt.iso(c.updated_at)}
            for c in r.contributions
        ],
        "group": None,
    }
    if r.contributions:
        profile = {q.id: r.answers[q.id] for q in worded.bank.profile if q.id in r.answers}
        people = [(c.public_id, c.role, c.answers or {}) for c in r.contributions]
        out["group"] = fmt.group_json(group_result(worded, people, profile))
    return out


def export_document(sessions: Sessions, content: Content, *, workspace_id: int | None = None,
                    assessment_id: int | None = None) -> dict[str, Any]:
    """The JSON export of one assessment, one workspace (with its details) or, with
    neither given, the whole database."""
    workspaces, read = _read(sessions, workspace_id, assessment_id)
    by_ws: dict[str, list[str]] = {}
    for r in read:
        if r.workspace:
            by_ws.setdefault(r.workspace, []).append(r.assessment.public_id)
    ws_json = [{"id": w.public_id, "town": w.town, "country": w.country, "created_at": fmt.iso(w.created_at),
                "assessments": by_ws.get(w.public_id, [])} for w in workspaces]
    return fmt.document(ws_json, [_assessment_json(content, r) for r in read], content.version, utcnow())


def export_csv(sessions: Sessions, content: Content, *, workspace_id: int | None = None,
               assessment_id: int | None = None) -> bytes:
    """The CSV export (shape: ``readiness.export.CSV_COLUMNS``) of the same assessments."""
    _, read = _read(sessions, workspace_id, assessment_id)
    rows: list[dict[str, Any]] = []
    for r in read:
        a = r.assessment
        worded = content.for_language(a.language)
        rows += fmt.csv_rows(worded, _meta(a), score_assessment(worded, r.answers, a.town, a.country))
    return fmt.write_csv(rows)


# --------------------------------------------------------------------------- import


class ImportProblem(ValueError):
    """The JSON is not an export this version can import; ``problems`` says every reason
    (where in the file, what is wrong). Nothing was written."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        super().__init__("; ".join(shown) + (f"; and {more} more" if more > 0 else ""))


MAX_PROBLEMS_SHOWN = 20


def _no_controls(value: str) -> str:
    if any(unicodedata.category(ch) in {"Cc", "Cs"} and ch not in "\n\t\r" for ch in value):
        raise ValueError("control characters (such as NUL) are not allowed")
    return value


def _name(limit: int) -> Any:
    def check(value: str) -> str:
        if clean_name(value) != value or not has_visible(value) or len(value) > limit:
            raise ValueError(f"must be a name of 1 to {limit} characters with a letter or digit, "
                             "without control or invisible characters")
        return value
    return AfterValidator(check)


Text = Annotated[StrictStr, AfterValidator(_no_controls)]
PublicId = Annotated[StrictStr, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Town = Annotated[StrictStr, _name(TOWN_NAME_MAX)]
Country = Annotated[StrictStr, StringConstraints(max_length=COUNTRY_MAX)]
# Stored answer values as the export writes them; the bank's checks come after.
AnswerIn = Union[StrictBool, StrictInt, Annotated[float, Field(strict=True, allow_inf_nan=False)], Text, list[Text]]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore")  # scores, findings and labels are recomputed, never read


class WorkspaceIn(_In):
    id: PublicId
    town: Town
    country: Country
    created_at: dt.datetime


class InvitationIn(_In):
    id: PublicId
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


class ContributionIn(_In):
    id: PublicId
    invitation: PublicId
    role: Literal[tuple(ROLES)]  # type: ignore[valid-type]
    answers: dict[Annotated[StrictStr, StringConstraints(max_length=64)], AnswerIn] = {}
    created_at: dt.datetime
    updated_at: dt.datetime


class AssessmentIn(_In):
    id: PublicId
    workspace: PublicId | None = None
    town: Town
    country: Country
    contact_role: Annotated[StrictStr, StringConstraints(max_length=ROLE_MAX)] = ""
    language: Literal[tuple(LANGUAGES)] = "en"  # type: ignore[valid-type]
    status: Literal["draft", "submitted"]
    current_step: Annotated[StrictStr, StringConstraints(max_length=32)] = "profile"
    content_version: Annotated[Text, StringConstraints(max_length=32)]
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None = None
    share_contributions: StrictBool = False
    answers: dict[Annotated[StrictStr, StringConstraints(max_length=64)], AnswerIn] = {}
    invitations: list[InvitationIn] = []
    contributions: list[ContributionIn] = []


class ExportFile(_In):
    """The export format (``readiness.export.document``), as an import reads it."""

    format: Literal[fmt.FORMAT]  # type: ignore[valid-type]
    format_version: Literal[fmt.FORMAT_VERSION]  # type: ignore[valid-type]
    workspaces: list[WorkspaceIn]
    assessments: list[AssessmentIn]


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.timezone.utc) if value is not None and value.tzinfo is None else value


def check_document(data: Any, content: Content, step_ids: set[str]) -> tuple[ExportFile, dict[str, dict[str, Any]]]:
    """The file read against the format, then with the web forms' checks; every problem at
    once (``ImportProblem``). Returns the file and each answer set normalised."""
    if not isinstance(data, dict) or data.get("format") != fmt.FORMAT:
        raise ImportProblem(f"not a {fmt.FORMAT} file")
    if data.get("format_version") != fmt.FORMAT_VERSION:
        raise ImportProblem(f"format_version {str(data.get('format_version'))[:20]!r} is not {fmt.FORMAT_VERSION}")
    try:
        doc = ExportFile.model_validate(data)
    except ValidationError as exc:
        raise ImportProblem([f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]) from None
    problems: list[str] = []
    answers: dict[str, dict[str, Any]] = {}

    def unique(kind: str, ids: list[tuple[str, str]]) -> None:
        seen: set[str] = set()
        for where, pid in ids:
            if pid in seen:
                problems.append(f"{where}: {kind} id {pid!r} appears twice in the file")
            seen.add(pid)

    unique("workspace", [(f"workspaces[{i}]", w.id) for i, w in enumerate(doc.workspaces)])
    unique("assessment", [(f"assessments[{i}]", a.id) for i, a in enumerate(doc.assessments)])
    unique("invitation", [(f"assessments[{i}].invitations[{j}]", inv.id)
                          for i, a in enumerate(doc.assessments) for j, inv in enumerate(a.invitations)])
    unique("contribution", [(f"assessments[{i}].contributions[{j}]", c.id)
                            for i, a in enumerate(doc.assessments) for j, c in enumerate(a.contributions)])
    workspaces = {w.id for w in doc.workspaces}
    for i, w in enumerate(doc.workspaces):
        if w.country not in COUNTRIES:
            problems.append(f"workspaces[{i}].country: {w.country[:40]!r} is not a country of the list")

    def checked(where: str, raw: Mapping[str, Any], language: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for qid, value in raw.items():
            q = content.questions.get(qid)
            if q is None:
                problems.append(f"{where}.answers.{qid[:64]}: no such question in the question bank")
                continue
            try:
                normal = normalise_answer(q, value, language)
            except AnswerError as exc:
                problems.append(f"{where}.answers.{qid}: {exc.message}")
                continue
            if normal is not None:
                out[qid] = normal
        return out

    for i, a in enumerate(doc.assessments):
        where = f"assessments[{i}]"
        if a.workspace is not None and a.workspace not in workspaces:
            problems.append(f"{where}.workspace: {a.workspace!r} is not among the file's workspaces")
        if a.country not in COUNTRIES:
            problems.append(f"{where}.country: {a.country[:40]!r} is not a country of the list")
        if a.contact_role and clean_name(a.contact_role) != a.contact_role:
            problems.append(f"{where}.contact_role: control or invisible characters are not allowed")
        if a.current_step not in step_ids:
            problems.append(f"{where}.current_step: {a.current_step!r} is not a step of the questionnaire")
        answers[a.id] = checked(where, a.answers, "en")
        invitations = {inv.id for inv in a.invitations}
        for j, c in enumerate(a.contributions):
            if c.invitation not in invitations:
                problems.append(f"{where}.contributions[{j}].invitation: {c.invitation!r} is not in the file")
            answers[f"{a.id}/{c.id}"] = checked(f"{where}.contributions[{j}]", c.answers, "en")
    if problems:
        raise ImportProblem(problems)
    return doc, answers


def import_document(sessions: Sessions, data: Any, content: Content | None = None) -> dict[str, int]:
    """Write an export (``export_document``'s JSON) into the database, all or nothing: the
    file is checked whole first (``check_document``), then written in one transaction.
    Public ids are kept, so importing into a database that has them fails."""
    content = content or load_content()
    steps = {"profile", *(d.id for d in content.dimensions)}
    doc, answers = check_document(data, content, steps)
    counts = {"workspaces": 0, "assessments": 0, "answers": 0, "invitations": 0, "contributions": 0}
    with sessions.begin() as session:
        taken = [f"workspace {pid!r} already exists" for pid in session.scalars(
            select(Workspace.public_id).where(Workspace.public_id.in_([w.id for w in doc.workspaces])))]
        taken += [f"assessment {pid!r} already exists" for pid in session.scalars(
            select(Assessment.public_id).where(Assessment.public_id.in_([a.id for a in doc.assessments])))]
        taken += [f"invitation {pid!r} already exists" for pid in session.scalars(
            select(Invitation.public_id).where(Invitation.public_id.in_(
                [inv.id for a in doc.assessments for inv in a.invitations])))]
        taken += [f"contribution {pid!r} already exists" for pid in session.scalars(
            select(Contribution.public_id).where(Contribution.public_id.in_(
                [c.id for a in doc.assessments for c in a.contributions])))]
        if taken:
            raise ImportProblem(taken)
        ws_rows: dict[str, Workspace] = {}
        for w in doc.workspaces:
            ws_rows[w.id] = Workspace(public_id=w.id, token_hash=_hidden_token_hash(), town=w.town, country=w.country,
                                      created_at=_utc(w.created_at))
            session.add(ws_rows[w.id])
            counts["workspaces"] += 1
        session.flush()
        for a in doc.assessments:
            ws = ws_rows.get(a.workspace) if a.workspace else None
            row = Assessment(
                public_id=a.id, token_hash=_hidden_token_hash(), town=a.town, country=a.country,
                contact_role=a.contact_role, language=a.language, status=a.status, current_step=a.current_step,
                content_version=a.content_version, created_at=_utc(a.created_at), updated_at=_utc(a.updated_at),
                submitted_at=_utc(a.submitted_at), workspace_id=ws.id if ws else None,
                share_contributions=a.share_contributions,
            )
            session.add(row)
            session.flush()
            counts["assessments"] += 1
            for qid, value in answers[a.id].items():
                session.add(Answer(assessment_id=row.id, question_id=qid, value=value))
                counts["answers"] += 1
            invitations: dict[str, Invitation] = {}
            for inv in a.invitations:
                invitations[inv.id] = Invitation(public_id=inv.id, assessment_id=row.id, token_hash=_hidden_token_hash(),
                                                 created_at=_utc(inv.created_at), revoked_at=_utc(inv.revoked_at))
                session.add(invitations[inv.id])
                counts["invitations"] += 1
            session.flush()
            for c in a.contributions:
                session.add(Contribution(
                    public_id=c.id, invitation_id=invitations[c.invitation].id, assessment_id=row.id, role=c.role,
                    answers=answers[f"{a.id}/{c.id}"], created_at=_utc(c.created_at), updated_at=_utc(c.updated_at)))
                counts["contributions"] += 1
    return counts


def _hidden_token_hash() -> str:
    """A hash nobody holds the token of: imported rows are reached by issuing a new link."""
    return hash_token(new_token())


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


MAX_IMPORT_BYTES = 200_000_000


def read_import_file(path: str) -> Any:
    """The JSON of an import file: NaN and Infinity refused, size and nesting bounded."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise UserError(f"{path} is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not JSON: not UTF-8 text") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise UserError(f"{path} is not JSON this tool reads: nested too deeply") from None
    except ValueError as exc:
        raise UserError(f"{path} is not JSON: {exc}") from None


# --------------------------------------------------------------------------- the operator's command




def default_database_url() -> str:
    """As the app: DATABASE_URL from the environment, else the SQLite file in instance/."""
    return Settings().DATABASE_URL


def open_database(url: str) -> tuple[Any, sessionmaker[Session]]:
    """An engine and sessions over an existing database; UserError if the URL is unusable."""
    from webapp.db import make_engine

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError("not a database URL (e.g. sqlite:////path/readiness.sqlite3 or "
                        "postgresql+psycopg://user@host/db)") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if not path or path == ":memory:" or not Path(path).is_file():
            raise UserError(f"no SQLite database at {path or '(no path)'} ({shown})")
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1 FROM assessment WHERE 1 = 0")
    except NoSuchModuleError:
        raise UserError(f"unsupported database kind in {shown}") from None
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0:1]
        raise UserError(f"cannot read a Cluster Readiness database at {shown}: {first[0] if first else type(exc).__name__}"
                        " (run 'flask --app webapp upgrade-db' to create one)") from None
    return engine, sessionmaker(engine, expire_on_commit=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readiness-export",
        description="Export every workspace, assessment and contribution of the database as JSON "
                    "(no capability tokens or their hashes).")
    parser.add_argument("--database", help="database URL (default: DATABASE_URL, else the app's SQLite file)")
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    parser.add_argument("--import", dest="import_file", metavar="FILE",
                        help="instead: import an export file into the database (public ids must be new there)")
    parser.add_argument("--content", help="content root (default: READINESS_CONTENT_DIR, else the repository's)")
    return parser


def run(args: argparse.Namespace) -> int:
    url = args.database or default_database_url()
    if args.import_file:
        data = read_import_file(args.import_file)
        content = load_content(args.content or Settings().READINESS_CONTENT_DIR)
        engine, sessions = open_database(url)
        try:
            print_json({"imported": import_document(sessions, data, content)})
        except ImportProblem as exc:
            lines = "\n".join(f"  {p}" for p in exc.problems[:MAX_PROBLEMS_SHOWN])
            more = len(exc.problems) - MAX_PROBLEMS_SHOWN
            raise UserError(f"{args.import_file}: {len(exc.problems)} problem(s), nothing imported:\n{lines}"
                            + (f"\n  ... and {more} more" if more > 0 else "")) from None
        except SQLAlchemyError as exc:
            raise UserError(f"{args.import_file}: the database refused the import, nothing imported: "
                            f"{str(getattr(exc, 'orig', exc)).splitlines()[0][:200]}") from None
        finally:
            engine.dispose()
        return 0
    content = load_content(args.content or Settings().READINESS_CONTENT_DIR)
    engine, sessions = open_database(url)
    try:
        doc = export_document(sessions, content)
    finally:
        engine.dispose()
    if args.output:
        try:
            Path(args.output).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
        print_json({"file": args.output, "workspaces": len(doc["workspaces"]), "assessments": len(doc["assessments"])})
    else:
        print_json(doc)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command("readiness-export", run, args)


if __name__ == "__main__":
    sys.exit(main())
