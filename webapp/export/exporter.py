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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from readiness import export as fmt
from readiness.cli import UserError, print_json, run_command
from readiness.content import Content, load_content
from readiness.group import ROLES, group_result
from readiness.scoring import score_assessment

from webapp.config import Settings
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
    """The JSON is not an export this version can import; the message says why."""


def _date(value: Any, where: str, required: bool = True) -> dt.datetime | None:
    if value is None and not required:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ImportProblem(f"{where}: not an ISO 8601 date: {str(value)[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _text(obj: Mapping[str, Any], key: str, where: str, limit: int, default: str | None = None) -> str:
    value = obj.get(key, default)
    if not isinstance(value, str) or len(value) > limit:
        raise ImportProblem(f"{where}: {key!r} must be text of at most {limit} characters")
    return value


def _answers(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and len(k) <= 64 for k in value):
        raise ImportProblem(f"{where}: 'answers' must map question ids to values")
    for qid, v in value.items():
        ok = isinstance(v, (str, int, float)) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        if not ok or isinstance(v, bool):
            raise ImportProblem(f"{where}: answer {qid!r} must be text, a number or a list of texts")
    return value


def _hidden_token_hash() -> str:
    """A hash nobody holds the token of: imported rows are reached by issuing a new link."""
    return hash_token(new_token())


def import_document(sessions: Sessions, data: Any) -> dict[str, int]:
    """Write an export (``export_document``'s JSON) into the database, in one transaction;
    public ids are kept, so importing into a database that has them fails (nothing written)."""
    if not isinstance(data, dict) or data.get("format") != fmt.FORMAT:
        raise ImportProblem(f"not a {fmt.FORMAT} file")
    if data.get("format_version") != fmt.FORMAT_VERSION:
        raise ImportProblem(f"format_version {data.get('format_version')!r} is not {fmt.FORMAT_VERSION}")
    workspaces, assessments = data.get("workspaces"), data.get("assessments")
    if not isinstance(workspaces, list) or not isinstance(assessments, list):
        raise ImportProblem("'workspaces' and 'assessments' must be lists")
    counts = {"workspaces": 0, "assessments": 0, "answers": 0, "invitations": 0, "contributions": 0}
    with sessions.begin() as session:
        ws_rows: dict[str, Workspace] = {}
        for i, w in enumerate(workspaces):
            where = f"workspaces[{i}]"
            if not isinstance(w, dict):
                raise ImportProblem(f"{where}: must be an object")
            pid = _text(w, "id", where, 32)
            if pid in ws_rows or session.scalar(select(Workspace.id).where(Workspace.public_id == pid)) is not None:
                raise ImportProblem(f"{where}: workspace {pid!r} already exists")
            row = Workspace(public_id=pid, token_hash=_hidden_token_hash(), town=_text(w, "town", where, 120),
                            country=_text(w, "country", where, 80), created_at=_date(w.get("created_at"), where))
            session.add(row)
            ws_rows[pid] = row
            counts["workspaces"] += 1
        session.flush()
        seen: set[str] = set()
        for i, a in enumerate(assessments):
            where = f"assessments[{i}]"
            if not isinstance(a, dict):
                raise ImportProblem(f"{where}: must be an object")
            pid = _text(a, "id", where, 32)
            if pid in seen or session.scalar(select(Assessment.id).where(Assessment.public_id == pid)) is not None:
                raise ImportProblem(f"{where}: assessment {pid!r} already exists")
            seen.add(pid)
            status = _text(a, "status", where, 16)
            if status not in ("draft", "submitted"):
                raise ImportProblem(f"{where}: 'status' must be draft or submitted")
            ws = ws_rows.get(a.get("workspace")) if isinstance(a.get("workspace"), str) else None
            row = Assessment(
                public_id=pid, token_hash=_hidden_token_hash(), town=_text(a, "town", where, 120),
                country=_text(a, "country", where, 80), contact_role=_text(a, "contact_role", where, 120, ""),
                language=_text(a, "language", where, 8, "en"), status=status,
                current_step=_text(a, "current_step", where, 32, "profile"),
                content_version=_text(a, "content_version", where, 32),
                created_at=_date(a.get("created_at"), where), updated_at=_date(a.get("updated_at"), where),
                submitted_at=_date(a.get("submitted_at"), where, required=False),
                workspace_id=ws.id if ws else None, share_contributions=bool(a.get("share_contributions", False)),
            )
            session.add(row)
            session.flush()
            counts["assessments"] += 1
            for qid, value in _answers(a.get("answers", {}), where).items():
                session.add(Answer(assessment_id=row.id, question_id=qid, value=value))
                counts["answers"] += 1
            invitations: dict[str, Invitation] = {}
            for j, inv in enumerate(a.get("invitations") or []):
                iwhere = f"{where}.invitations[{j}]"
                if not isinstance(inv, dict):
                    raise ImportProblem(f"{iwhere}: must be an object")
                inv_row = Invitation(public_id=_text(inv, "id", iwhere, 32), assessment_id=row.id,
                                     token_hash=_hidden_token_hash(), created_at=_date(inv.get("created_at"), iwhere),
                                     revoked_at=_date(inv.get("revoked_at"), iwhere, required=False))
                session.add(inv_row)
                invitations[inv_row.public_id] = inv_row
                counts["invitations"] += 1
            session.flush()
            for j, c in enumerate(a.get("contributions") or []):
                cwhere = f"{where}.contributions[{j}]"
                if not isinstance(c, dict):
                    raise ImportProblem(f"{cwhere}: must be an object")
                inv_row = invitations.get(c.get("invitation"))  # type: ignore[arg-type]
                if inv_row is None:
                    raise ImportProblem(f"{cwhere}: its invitation {c.get('invitation')!r} is not in the file")
                session.add(Contribution(
                    public_id=_text(c, "id", cwhere, 32), invitation_id=inv_row.id, assessment_id=row.id,
                    role=_text(c, "role", cwhere, 120), answers=_answers(c.get("answers", {}), cwhere),
                    created_at=_date(c.get("created_at"), cwhere), updated_at=_date(c.get("updated_at"), cwhere),
                ))
                counts["contributions"] += 1
    return counts


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
        try:
            data = json.loads(Path(args.import_file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise UserError(f"cannot read {args.import_file}: {exc.strerror}") from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise UserError(f"{args.import_file} is not JSON: {exc}") from None
        engine, sessions = open_database(url)
        try:
            print_json({"imported": import_document(sessions, data)})
        except ImportProblem as exc:
            raise UserError(f"{args.import_file}: {exc}") from None
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
