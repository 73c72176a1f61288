"""The work folder's memory between runs: one small JSON file per repository, replaced atomically.

    WORKDIR/
      repos/<slug>/            the clone of each repository (ours: reset to the remote on every run)
      state/<slug>.json        what the last run did to it, rewritten after each step
      .lock                    held while a run goes on: two runs never share a work folder

One file per repository (not one for the fleet) keeps each write small however many thousand repositories
there are, and lets the workers write without waiting on each other. Each write goes to a temporary file in
the same folder and is renamed over the old one (`os.replace`), so a run killed at any instant (kill -9)
leaves either the previous record or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = "migrate.fleet-state"
VERSION = 1


class WorkdirBusy(RuntimeError):
    """Another run holds the work folder."""


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StateStore:
    def __init__(self, workdir: str | Path):
        self.workdir = Path(workdir)
        self.folder = self.workdir / "state"
        self._lock_fh = None

    # --- locking ------------------------------------------------------------------------------------------------

    def lock(self) -> None:
        """Take the work folder for this run; raises WorkdirBusy if another live run has it."""
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        fh = open(self.workdir / ".lock", "a+")  # noqa: SIM115 (held open for the run)
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            raise WorkdirBusy(
                f"{self.workdir} is in use by another run ({holder or 'pid unknown'}): wait for it to finish, "
                "or give another --workdir"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {now()}\n")
        fh.flush()
        self._lock_fh = fh  # the kernel drops the lock when the process dies, even with kill -9

    def unlock(self) -> None:
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    # --- records ------------------------------------------------------------------------------------------------

    def path(self, slug: str) -> Path:
        return self.folder / f"{slug}.json"

    def load(self, slug: str) -> dict[str, Any] | None:
        """The last record for a repository, or None (no record, or one this version cannot read)."""
        try:
            data = json.loads(self.path(slug).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            return None
        return data

    def save(self, slug: str, record: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "version": VERSION, **record, "updated": now()}
        fd, tmp = tempfile.mkstemp(prefix=f".{slug}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(tmp, self.path(slug))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def records(self) -> list[dict[str, Any]]:
        """Every readable record in the work folder (for `migrate report` from the last run)."""
        out = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else ():
            record = self.load(path.stem)
            if record is not None:
                out.append(record)
        return out

    def clean_leftovers(self) -> None:
        """Temporary files of a run that was killed mid-write."""
        for tmp in self.folder.glob(".*.tmp") if self.folder.is_dir() else ():
            try:
                tmp.unlink()
            except OSError:
                pass
