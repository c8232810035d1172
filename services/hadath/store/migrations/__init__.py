"""Schema migrations: numbered SQL files in this folder, applied in order, each once.

``NNNN_name.sql`` files are applied in version order, each in its own transaction together
with its row in ``schema_migrations`` (version, name, sha256 of the file). A transaction-level
advisory lock serialises concurrent runners (two sinks starting at once). An applied file
whose checksum changed is an error: migrations are never edited, the next number is added.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
LOCK_KEY = 0x68616461  # "hada": pg_advisory_xact_lock key of hadath's migration runner


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def available() -> list[Migration]:
    """Every migration file of the package, in version order (numbers must be unique)."""
    found: dict[int, Migration] = {}
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if entry.name.endswith(".sql") and not match:
            raise MigrationError(f"{entry.name}: migration files are named NNNN_lowercase_name.sql")
        if match:
            version = int(match.group(1))
            if version in found:
                raise MigrationError(f"two migrations numbered {version:04d}")
            found[version] = Migration(version, match.group(2), entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def migrate(conn: psycopg.Connection, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply what is not applied yet; returns the migrations applied now."""
    migrations = available() if migrations is None else migrations
    applied_now = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
    for migration in migrations:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            row = conn.execute(
                "SELECT checksum FROM schema_migrations WHERE version = %s", (migration.version,)
            ).fetchone()
            if row is not None:
                if row[0] != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.version:04d}_{migration.name} was changed after it was "
                        "applied: add a new migration instead of editing an applied one"
                    )
                continue
            conn.execute(migration.sql)  # type: ignore[arg-type]  # our own file, no parameters
            conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
            applied_now.append(migration)
    return applied_now


def applied(conn: psycopg.Connection) -> list[int]:
    rows = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    return [r[0] for r in rows]
