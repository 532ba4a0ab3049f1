"""Database access: one engine per app, a session per request, Alembic migrations.

SQLite is set up per SQLAlchemy's documented recipe for correct transactions:
WAL, a busy timeout, pysqlite's own BEGIN disabled and ``BEGIN IMMEDIATE``
emitted instead, so concurrent read-then-write saves serialise instead of
silently losing updates. PostgreSQL needs none of this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from flask import current_app
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Execution option of a connection that runs one SELECT and nothing else: on SQLite no BEGIN at
# all (a statement outside a transaction reads one snapshot of its own, which in WAL mode neither
# waits for nor blocks a save), PostgreSQL as before. Every other SQLite transaction is
# BEGIN IMMEDIATE.
ONE_READ = "readiness_one_read"
EXTENSION = "readiness_db"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            try:
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # the first connection says what is wrong (upgrade-db, the schema check)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            if not conn.get_execution_options().get(ONE_READ):
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass(frozen=True)
class BoundDatabase:
    """One app's database: its engine and its session factory (``app.extensions``)."""

    engine: Engine
    # expire_on_commit=False: objects stay readable after their short session ends.
    sessions: sessionmaker[Session]


class Database:
    """Created unbound, attached with ``init_app`` (the Flask extension pattern).

    The engine lives in the app (``app.extensions["readiness_db"]``), never on
    this object: two apps in one process each keep their own database. Views use
    ``db.sessions``, the current app's session factory, and hand it to the stores;
    each store call opens and closes its own session."""

    def init_app(self, app: Any) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions[EXTENSION] = BoundDatabase(engine, sessionmaker(engine, expire_on_commit=False))

    @staticmethod
    def bound(app: Any = None) -> BoundDatabase:
        """The database of ``app`` (the current app by default)."""
        return (app or current_app).extensions[EXTENSION]

    @property
    def engine(self) -> Engine:
        return self.bound().engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.bound().sessions


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


class SchemaNotReady(RuntimeError):
    """The database has no tables yet, or an older schema: the message says what to run."""


UPGRADE_COMMAND = "flask --app webapp upgrade-db"


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: never migrated)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine, shown_url: str) -> None:
    """Refuse to serve a database that is not migrated to this version's schema."""
    from sqlalchemy.exc import OperationalError

    try:
        current = schema_revision(engine)
    except OperationalError as exc:
        first = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        raise SchemaNotReady(f"cannot open the database {shown_url}: {first}") from None
    head = head_revision()
    if current != head:
        state = "has no tables yet" if current is None else f"is at migration {current}, this version needs {head}"
        raise SchemaNotReady(f"the database {shown_url} {state}: run `{UPGRADE_COMMAND}` first")


def health(engine: Engine) -> dict[str, str]:
    """Whether the database answers and can write: {"database": "ok"} or the problem.

    Each probe is a real write, rolled back, that must get new space on disk: a full disk, a
    read-only database or credentials that may not write fail here, not on an officer's save."""
    import secrets

    from sqlalchemy import text

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            if engine.dialect.name == "sqlite":
                if conn.exec_driver_sql("PRAGMA query_only").scalar():
                    return {"database": "read-only"}
            elif conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on":
                return {"database": "read-only"}
        with engine.connect() as conn:
            with conn.begin() as probe:
                if engine.dialect.name == "sqlite":
                    # BEGIN IMMEDIATE takes the write lock; a row larger than a page proves the
                    # file can still grow
                    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                                 {"v": "health-" + "x" * 70_000})
                else:
                    # A row in an existing page may fit in space already on disk: a table made
                    # for the probe needs a page of its own, which a full disk refuses ("could not
                    # extend file"); the INSERT into alembic_version proves the app's tables are
                    # there and writable with these credentials. A random name: probes never wait
                    # for each other.
                    conn.exec_driver_sql("SET LOCAL statement_timeout = '5s'")
                    conn.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
                    name = "readiness_health_" + secrets.token_hex(6)
                    conn.exec_driver_sql(f"CREATE TABLE {name} (probe text)")
                    conn.exec_driver_sql(f"INSERT INTO {name} VALUES ('probe')")
                    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                                 {"v": "health-" + secrets.token_hex(8)})
                probe.rollback()
    except Exception as exc:  # any failure is the answer, never a traceback
        first = str(getattr(exc, "orig", exc) or type(exc).__name__).strip().splitlines()
        return {"database": "error: " + (first[0][:200] if first else type(exc).__name__)}
    return {"database": "ok"}
