"""The state kept on disk (the `data_dir` setting): one SQLite database holding each tenant's snapshot.

A tenant's snapshot is kept as a skeleton row plus, per object, a base row of its records and delta rows of
the records changed since, its creation order and result files as rows (backend.persistence_rows), so a save
writes what changed since the last one, not the tenant.

Durability: WAL journal with synchronous=FULL, so a COMMIT returns only once the WAL is fsynced; the request
pipeline saves the tenant a request wrote before that request's response leaves, so every acknowledged write
survives a crash or a `kill -9`. One lock orders taking a tenant's snapshot and committing it, so a later
commit always holds a later (never an older) state of that tenant.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import orjson

from zuora_mock.backend.customobjects.job_store import existing_job_store
from zuora_mock.backend.persistence_rows import SCHEMA, TABLES_BY_TENANT, SavedRows, assemble_tenant
from zuora_mock.backend.state.dump import VERSION
from zuora_mock.backend.state.load import load_state
from zuora_mock.backend.tenants import Registry, Tenant
from zuora_mock.core.clock import Clock
from zuora_mock.core.errors import ZuoraError
from zuora_mock.core.settings import ConfigError

DATABASE_NAME = "zuora-mock.sqlite3"
_CLOCK_KEY = "clockOffset"
_UPSERT_META = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
# How often background work (mass actions progressing on the clock) is looked at, in seconds.
WATCH_INTERVAL = 0.2


def open_persistence(data_dir: str, registry: Registry, clock: Clock) -> Persistence:
    """Open the database, load the state it keeps (or keep the starting state); a bad one stops start-up."""
    where = f"data directory {data_dir}"
    try:
        persistence = Persistence(data_dir)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"{where}: {exc}") from None
    try:
        document = persistence.document()
        if document is not None:
            load_state(registry, clock, document)
        persistence.save(registry, clock)
    except (sqlite3.Error, orjson.JSONDecodeError) as exc:
        persistence.connection.close()
        raise ConfigError(f"{where}: {exc}") from None
    except ZuoraError as err:
        persistence.connection.close()
        raise ConfigError(f"{where}: the kept state cannot be loaded: {err.message}") from None
    persistence.watch(registry, clock)
    return persistence


class Persistence:
    """One SQLite connection under `directory`; every save is one transaction, committed durably."""

    def __init__(self, directory: str) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / DATABASE_NAME
        # Autocommit mode: transactions are opened and committed explicitly, one per save.
        self.connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=FULL")
        for statement in SCHEMA:
            self.connection.execute(statement)
        self.rows = SavedRows()
        self.lock = threading.Lock()
        self.saved_names: set[str] = set()
        # Each tenant's mass action statuses as last committed: a change made in the background shows here.
        self.job_marks: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def document(self) -> dict[str, Any] | None:
        """The kept state as a snapshot document, or None when the database holds none yet."""
        with self.lock:
            rows = self.connection.execute("SELECT name, body FROM tenants ORDER BY rowid").fetchall()
            clock = self.connection.execute("SELECT value FROM meta WHERE key = ?", (_CLOCK_KEY,)).fetchone()
            if not rows:
                return None
            self.saved_names = {name for name, _body in rows}
            tenants = {
                name: assemble_tenant(self.connection, name, orjson.loads(body)) for name, body in rows
            }
        return {"version": VERSION, "clockOffset": float(clock[0]) if clock else 0.0, "tenants": tenants}

    def save(self, registry: Registry, clock: Clock, names: list[str] | None = None) -> None:
        """Commit the named tenants (None: every tenant, the clock, and removal of tenants now gone)."""
        with self.lock:
            everything = names is None
            chosen = list(registry.tenants) if names is None else names
            writes = []
            for name in chosen:
                tenant = registry.tenants.get(name)
                if tenant is not None:
                    # Marks first: a status that changes after them is seen, and saved, by the watcher.
                    self.job_marks[name] = _job_marks(tenant)
                    writes.append(self.rows.gather(name, tenant, clock))
            cursor = self.connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                for write in writes:
                    self.rows.write(cursor, write)
                dropped = self._drop_others(cursor, set(chosen)) if everything else []
                if everything:
                    cursor.execute(_UPSERT_META, (_CLOCK_KEY, repr(clock.offset)))
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                for write in writes:
                    self.rows.failed(write)
                raise
            for write in writes:
                self.rows.committed(write)
            for name in dropped:
                self.rows.forget(name)
            if everything:
                self.saved_names = set(chosen)

    def _drop_others(self, cursor: sqlite3.Cursor, kept: set[str]) -> list[str]:
        """Remove the tenants no longer there (made on the fly, then reset away); returns their names."""
        dropped = []
        for (name,) in cursor.execute("SELECT name FROM tenants").fetchall():
            if name not in kept:
                for table in TABLES_BY_TENANT:
                    column = "name" if table == "tenants" else "tenant"
                    cursor.execute(f"DELETE FROM {table} WHERE {column} = ?", (name,))
                dropped.append(name)
        return dropped

    def tenants_changed(self, registry: Registry) -> bool:
        """Whether a tenant was made or removed since the last full save (a token for a new client id)."""
        return set(registry.tenants) != self.saved_names

    def watch(self, registry: Registry, clock: Clock) -> None:
        """Commit a tenant whose mass actions moved on in the background (time progression) within moments."""
        self._watcher = threading.Thread(
            target=self._watch, args=(registry, clock), name="zuora-mock-persistence", daemon=True
        )
        self._watcher.start()

    def _watch(self, registry: Registry, clock: Clock) -> None:
        while not self._stop.wait(WATCH_INTERVAL):
            for name, tenant in list(registry.tenants.items()):
                if _job_marks(tenant) != self.job_marks.get(name):
                    self.save(registry, clock, [name])

    def close(self, registry: Registry, clock: Clock) -> None:
        """Stop the watcher, commit everything once more (background progress included), close the file."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        self.save(registry, clock)
        with self.lock:
            self.connection.close()


def _job_marks(tenant: Tenant) -> tuple[tuple[str, str, str], ...]:
    """Every mass action and custom object job of a tenant with its status, read under the tenant's lock."""
    with tenant.lock:
        marks: list[tuple[str, str, str]] = []
        for entity in tenant.entities:
            data = tenant.data(entity.id)
            marks.extend((entity.id, key, job.status) for key, job in data.bulk.jobs.items())
            object_jobs = existing_job_store(data.objects)
            if object_jobs is not None:
                marks.extend((entity.id, job_id, job.status) for job_id, job in object_jobs.jobs.items())
        return tuple(marks)
