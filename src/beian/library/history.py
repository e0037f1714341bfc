"""File-based change history of a library folder, and imports that record it.

A library folder is self-contained: ``keywords.jsonl`` (or ``questions.jsonl``) holds the
entries, ``history.jsonl`` one event per change — what changed (keys added, changed, removed),
when, by whom and from which file (name and sha256). Removing never deletes: the entry keeps a
``removed`` date, so the history and the update cadence can be reconstructed later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from beian.errors import InputError
from beian.library.io import (
    HISTORY_FILE,
    read_keywords,
    read_questions,
    save_keywords,
    save_questions,
)
from beian.library.records import Bank, KeywordEntry, Question
from beian.standard.schema import Profile

Kind = Literal["keywords", "questions"]
STORE = {"keywords": "keywords.jsonl", "questions": "questions.jsonl"}
E = TypeVar("E", KeywordEntry, Question)


class Event(BaseModel):
    """One change to a library folder."""

    model_config = ConfigDict(extra="forbid")

    ts: datetime
    actor: str
    action: Literal["import", "build", "add", "remove"]
    kind: Kind
    source: str = ""
    sha256: str = ""
    counts: dict[str, int] = {}
    added: list[str] = []
    changed: list[str] = []
    removed: list[str] = []
    note: str = ""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, plus the encoding notes of the files read."""

    event: Event
    notes: list[str]
    encodings: dict[str, str]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, or of a folder's files in name order."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()


def read_history(folder: str | Path) -> list[Event]:
    """The events of ``folder``'s ``history.jsonl`` in file order (empty when there is none)."""
    path = (
        Path(folder) / HISTORY_FILE if Path(folder).is_dir() else Path(folder).parent / HISTORY_FILE
    )
    if not path.is_file():
        return []
    events: list[Event] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            events.append(Event.model_validate_json(line))
        except ValidationError:
            raise InputError(f"{path}:{lineno}: not a history event") from None
    return events


def append_event(folder: Path, event: Event) -> None:
    """Append ``event`` to ``folder``'s history."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / HISTORY_FILE).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(event.model_dump(mode="json"), ensure_ascii=False) + "\n")


def keyword_key(e: KeywordEntry) -> str:
    """Identity of a keyword entry across imports: term, risk and allow flag."""
    return f"{e.term}\t{e.risk or ''}\t{'allow' if e.allow else 'deny'}"


def question_key(q: Question) -> str:
    """Identity of a question across imports: its id."""
    return q.id


def _merge(
    current: Sequence[E],
    incoming: Sequence[E],
    key: Callable[[E], str],
    today: date,
    replace: bool,
) -> tuple[list[E], list[str], list[str], list[str]]:
    by_key = {key(e): e for e in current}
    seen: set[str] = set()
    added: list[str] = []
    changed: list[str] = []
    for item in incoming:
        k = key(item)
        seen.add(k)
        old = by_key.get(k)
        if old is None or not _is_active(old):
            by_key[k] = item if item.added else item.model_copy(update={"added": today})
            added.append(k)
            continue
        fresh = item.model_copy(update={"added": item.added or old.added})
        if fresh != old:
            by_key[k] = fresh
            changed.append(k)
    removed: list[str] = []
    if replace:
        for k, e in by_key.items():
            if k not in seen and _is_active(e):
                by_key[k] = _removed(e, today)
                removed.append(k)
    return list(by_key.values()), added, changed, removed


def _is_active(e: KeywordEntry | Question) -> bool:
    return not isinstance(e, KeywordEntry) or e.removed is None


def _removed(e: E, today: date) -> E:
    if isinstance(e, KeywordEntry):
        return e.model_copy(update={"removed": today})
    return e  # questions carry no removed date; replace drops them (the event lists them)


def import_into(
    source: str | Path,
    folder: str | Path,
    kind: Kind,
    *,
    actor: str,
    profile: Profile,
    replace: bool = False,
    bank: Bank | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Merge ``source`` into the library folder and record the change in its history.

    New entries get today's ``added`` date when they carry none. With ``replace``, entries
    missing from ``source`` are marked removed (keywords) or dropped (questions).
    """
    at = now or datetime.now(UTC)
    src, dest = Path(source), Path(folder)
    store = dest / STORE[kind]
    if kind == "keywords":
        loaded_k = read_keywords(src, profile)
        current_k = read_keywords(store, profile).items if store.is_file() else []
        merged_k, added, changed, removed = _merge(
            current_k, loaded_k.items, keyword_key, at.date(), replace
        )
        save_keywords(merged_k, store)
        notes, encodings, total = (
            loaded_k.notes,
            loaded_k.encodings,
            sum(e.removed is None for e in merged_k),
        )
    else:
        loaded_q = read_questions(src, profile, bank)
        current_q = read_questions(store, profile).items if store.is_file() else []
        merged_q, added, changed, removed = _merge(
            current_q, loaded_q.items, question_key, at.date(), replace
        )
        merged_q = [q for q in merged_q if q.id not in set(removed)]
        save_questions(merged_q, store)
        notes, encodings, total = loaded_q.notes, loaded_q.encodings, len(merged_q)
    event = Event(
        ts=at,
        actor=actor,
        action="import",
        kind=kind,
        source=str(src),
        sha256=sha256_of(src),
        counts={
            "added": len(added),
            "changed": len(changed),
            "removed": len(removed),
            "total": total,
        },
        added=added,
        changed=changed,
        removed=removed,
        note="; ".join(notes),
    )
    append_event(dest, event)
    return ImportResult(event, notes, encodings)


def _changes(e: Event) -> int:
    return sum(e.counts.get(k, 0) for k in ("added", "changed", "removed"))


def update_dates(events: Sequence[Event], entries: Sequence[KeywordEntry | Question]) -> list[date]:
    """Every day on which the library changed: event days plus entries' added/removed days."""
    days = {e.ts.date() for e in events if e.action == "build" or _changes(e) > 0}
    for item in entries:
        if item.added is not None:
            days.add(item.added)
        if isinstance(item, KeywordEntry) and item.removed is not None:
            days.add(item.removed)
    return sorted(days)
