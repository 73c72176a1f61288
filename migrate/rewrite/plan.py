"""Plan a rewrite over a tree (nothing is written), and apply a plan (refusing files changed since).

Two phases, as in bump-pydantic: the Python files and notebooks first, then the files around the code, whose
rules depend on what phase one did (the openai pin is raised only when the 0.x upgrade ran).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import time
import tokenize
from collections.abc import Sequence
from pathlib import Path

from migrate.config import Config, ConfigError, load_config
from migrate.rewrite.model import ApplyResult, FileChange, Plan, ReviewItem, RuleFailure
from migrate.rewrite.registry import LEGACY_UPGRADE, active_rules, parse_rule_ids
from migrate.scan.findings import Skipped

MAX_BYTES = 8 * 1024 * 1024  # larger files are generated or data: skipped, and reported
PYTHON_SUFFIXES = (".py", ".pyw")


def load_options(config: Config) -> dict:
    """[tool.migrate.rewrite], checked: a bad value names the file and the field."""
    from migrate.rewrite.patterns import PARAMETER_ACTIONS as ACTIONS
    from migrate.rewrite.textfiles import DEFAULT_OPENAI_REQUIREMENT

    section = config.section("rewrite")
    where = f"{config.source}: [{config._prefix()}rewrite"
    parameters = section.get("parameters", {})
    if not isinstance(parameters, dict):
        raise ConfigError(f"{where}.parameters] must be a table of parameter = \"drop\" | \"keep\" | \"comment\"")
    for name, action in parameters.items():
        if action not in ACTIONS:
            raise ConfigError(f"{where}.parameters] {name} = {action!r}: use one of {', '.join(ACTIONS)}")
    requirement = section.get("openai-requirement", DEFAULT_OPENAI_REQUIREMENT)
    if not isinstance(requirement, str) or not requirement.strip():
        raise ConfigError(f"{where}] openai-requirement must be a version specifier such as \">=1.40\"")
    for key in ("select", "ignore", "exclude"):
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}] {key} must be a list of strings")
    for served in config.models.values():
        if served in config.models and config.models[served] != served:
            raise ConfigError(
                f"{config.source}: [{config._prefix()}models] maps to {served!r}, which it also maps on to "
                f"{config.models[served]!r}: a second run would change the code again; map each name once"
            )
    return {"parameters": dict(parameters), "openai_requirement": requirement.strip(),
            "select": section.get("select", []), "ignore": section.get("ignore", []),
            "exclude": section.get("exclude", [])}


def _name_filter(name: str) -> bool:
    from migrate.rewrite.textfiles import file_kind

    return name.endswith((*PYTHON_SUFFIXES, ".ipynb")) or file_kind(name) is not None


def plan_rewrite(
    paths: Sequence[str | Path],
    *,
    config: Config | None = None,
    select: Sequence[str] | None = (),
    ignore: Sequence[str] | None = (),
    exclude: Sequence[str] | None = (),
    include_vendored: bool = False,
    jobs: int | None = None,
) -> Plan:
    """Work out every change the rules would make under `paths`. Reads files; writes nothing.

    `jobs`: worker processes for the Python files and notebooks (default: the idle CPUs; a pool starts only when
    enough files need rewriting, see migrate/rewrite/parallel.py). The plan is the same whatever the number.
    """
    from migrate.rewrite import textfiles
    from migrate.scan.walk import iter_files

    started = time.perf_counter()
    roots = [Path(p) for p in paths] or [Path(".")]
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or directory")
    if config is None:
        config = load_config(start=roots[0])
    options = load_options(config)
    select = tuple(select or ()) or tuple(options["select"])
    ignore = (*(ignore or ()), *options["ignore"])
    active = active_rules(select, ignore)
    explicit = set(parse_rule_ids(select))

    skipped: list[Skipped] = []
    changes: dict[str, dict] = {}  # abs path -> {rel, before, after, sha, encoding, rules}
    review: list[ReviewItem] = []
    failures: list[RuleFailure] = []
    counts: dict[str, int] = {}
    text_files = []
    scanned = parsed = 0
    pending: list = []  # in walk order: a Skipped (unreadable file), or (candidate, bytes) to rewrite
    for candidate in iter_files(roots, exclude=(*options["exclude"], *(exclude or ())),
                                include_vendored=include_vendored, skipped=skipped, name_filter=_name_filter):
        scanned += 1
        name = candidate.path.name
        kind = textfiles.file_kind(name)
        if kind is not None:
            text_files.append((candidate, kind))
        if not name.endswith((*PYTHON_SUFFIXES, ".ipynb")):
            continue
        unreadable: list[Skipped] = []
        data = _read(candidate, unreadable)
        if data is None:
            pending.extend(unreadable)
            continue
        from migrate.rewrite.python import mentions_openai

        if mentions_openai(data):
            pending.append((candidate, data))

    from migrate.rewrite import parallel

    files = [p for p in pending if not isinstance(p, Skipped)]
    outcomes = parallel.run(_plan_file, files, (config, options, active), jobs=jobs, sizes=[len(d) for _, d in files])
    for entry in pending:
        if isinstance(entry, Skipped):
            skipped.append(entry)
            continue
        candidate, data = entry
        outcome, file_skipped = next(outcomes)
        skipped.extend(file_skipped)
        if outcome is None:
            continue
        result, before, after, encoding = outcome
        parsed += result.parsed
        rel = candidate.rel
        if result.failure:
            failures.append(RuleFailure(rel, result.failure[0], result.failure[1]))
            continue
        for rule, n in result.counts.items():
            counts[rule] = counts.get(rule, 0) + n
        review.extend(ReviewItem(rel, line, rule, message) for rule, line, message in result.review)
        if after != before:
            changes[str(candidate.path)] = {"rel": rel, "before": before, "after": after, "encoding": encoding,
                                            "sha": hashlib.sha256(data).hexdigest(), "rules": list(result.rules)}

    upgraded = any(set(c["rules"]) & LEGACY_UPGRADE for c in changes.values())
    for candidate, kind in text_files:
        _text(candidate, kind, config, options, active, explicit, upgraded, changes, review, counts, skipped)

    file_changes = tuple(
        FileChange(path=c["rel"], abs_path=abs_path, before_sha256=c["sha"], before=c["before"], after=c["after"],
                   rules=tuple(sorted(dict.fromkeys(c["rules"]))), encoding=c["encoding"])
        for abs_path, c in sorted(changes.items(), key=lambda kv: kv[1]["rel"])
    )
    plan = Plan(
        roots=tuple(str(r) for r in roots),
        changes=file_changes,
        review=tuple(sorted(review, key=lambda r: (r.path, r.line, r.rule))),
        failures=tuple(failures),
        rule_counts=dict(sorted(counts.items())),
        files_scanned=scanned,
        files_parsed=parsed,
        duration_s=round(time.perf_counter() - started, 3),
        skipped=tuple(skipped),
    )
    return plan


def _plan_file(entry, config, options, active):
    """One Python file or notebook -> (outcome or None, what was skipped); run here or in a pool worker."""
    candidate, data = entry
    skipped: list[Skipped] = []
    if candidate.path.name.endswith(".ipynb"):
        return _notebook(candidate, data, config, options, active, skipped), skipped
    return _python(candidate, data, config, options, active, skipped), skipped


def _read(candidate, skipped: list[Skipped]) -> bytes | None:
    try:
        if candidate.path.stat().st_size > MAX_BYTES:
            skipped.append(Skipped(candidate.rel, "too large", f"over {MAX_BYTES // (1024 * 1024)} MiB"))
            return None
        return candidate.path.read_bytes()
    except PermissionError:
        skipped.append(Skipped(candidate.rel, "permission denied"))
    except OSError as e:
        skipped.append(Skipped(candidate.rel, "unreadable", str(e)))
    return None


def _decode(candidate, data: bytes, skipped: list[Skipped]) -> tuple[str, str] | None:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError) as e:
        skipped.append(Skipped(candidate.rel, "not decodable", str(e)))
        return None


def _python(candidate, data, config, options, active, skipped):
    from migrate.rewrite.python import rewrite_source

    decoded = _decode(candidate, data, skipped)
    if decoded is None:
        return None
    source, encoding = decoded
    result = rewrite_source(source, candidate.rel, config=config, options=options, active=active)
    if result.parse_error:
        skipped.append(Skipped(candidate.rel, "syntax error", result.parse_error))
        return None
    return result, source, result.after, encoding


def _notebook(candidate, data, config, options, active, skipped):
    from migrate.rewrite import notebook
    from migrate.rewrite.python import SourceResult, rewrite_source

    try:
        text = data.decode("utf-8")
        nbs = notebook.load(text)
    except (UnicodeDecodeError, notebook.NotebookError) as e:
        skipped.append(Skipped(candidate.rel, "broken notebook", str(e)))
        return None
    result = rewrite_source(nbs.combined, candidate.rel, config=config, options=options, active=active)
    if result.parse_error:
        skipped.append(Skipped(candidate.rel, "syntax error", f"in a code cell: {result.parse_error}"))
        return None
    if result.failure:
        return result, text, text, "utf-8"
    review = _cell_lines(result.after, result.review)
    try:
        after = notebook.rebuild(nbs, notebook.split(nbs, result.after), text) if result.after != nbs.combined else text
    except notebook.NotebookError as e:
        failed = SourceResult(after=text, failure=(result.rules[-1] if result.rules else "notebook", str(e)), parsed=True)
        return failed, text, text, "utf-8"
    result.review = review
    return result, text, after, "utf-8"


def _cell_lines(combined: str, items):
    """Lines of the joined module -> (cell n: message, line within the cell)."""
    import re

    starts = [(i + 1, int(hit.group(1))) for i, line in enumerate(combined.split("\n"))
              if (hit := re.match(r"^__migrate_cell__\((\d+)\)$", line))]
    out = []
    for rule, line, message in items:
        start, cell = max(((s, c) for s, c in starts if s <= line), default=(0, 0))
        out.append((rule, max(line - start, 1), f"cell {cell}: {message}"))
    return out


def _text(candidate, kind, config, options, active, explicit, upgraded, changes, review, counts, skipped) -> None:
    from migrate.rewrite import textfiles

    name = candidate.path.name
    run_env = "OAI010" in active and (kind == "config" or name == "pyproject.toml")
    run_pins = "OAI011" in active and kind == "requirements" and (upgraded or "OAI011" in explicit)
    if not (run_env or run_pins):
        return
    key = str(candidate.path)
    entry = changes.get(key)
    if entry is None:
        data = _read(candidate, skipped)
        if data is None:
            return
        lowered = data.lower()
        if b"openai" not in lowered and not any(m.encode() in data for m in config.models):
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            skipped.append(Skipped(candidate.rel, "not UTF-8", str(e)))
            return
        current, sha, encoding = text, hashlib.sha256(data).hexdigest(), "utf-8"
    else:
        text, current, sha, encoding = entry["before"], entry["after"], entry["sha"], entry["encoding"]
    rules = list(entry["rules"]) if entry else []
    if run_env:
        result = textfiles.rewrite_config(current, name, config)
        review.extend(ReviewItem(candidate.rel, line, "OAI010", message) for line, message in result.review)
        if result.edits:
            current = result.after
            rules.append("OAI010")
            counts["OAI010"] = counts.get("OAI010", 0) + result.edits
    if run_pins:
        result = textfiles.raise_pins(current, name, options["openai_requirement"])
        if result.edits:
            current = result.after
            rules.append("OAI011")
            counts["OAI011"] = counts.get("OAI011", 0) + result.edits
    if current != text:
        changes[key] = {"rel": candidate.rel, "before": text, "after": current, "encoding": encoding, "sha": sha,
                       "rules": rules}


def apply_plan(plan: Plan) -> ApplyResult:
    """Write every change of the plan. A file whose bytes changed since the plan was made is refused."""
    written: list[str] = []
    refused: list[tuple[str, str]] = []
    for change in plan.changes:
        path = Path(change.abs_path)
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            refused.append((change.path, "deleted since the plan was made: run migrate rewrite again"))
            continue
        except OSError as e:
            refused.append((change.path, f"unreadable: {e}"))
            continue
        if hashlib.sha256(current).hexdigest() != change.before_sha256:
            refused.append((change.path, "changed on disk since the plan was made: run migrate rewrite again"))
            continue
        try:
            _write_atomic(path, change.after.encode(change.encoding))
        except (OSError, UnicodeEncodeError) as e:
            refused.append((change.path, f"could not be written: {e}"))
            continue
        written.append(change.abs_path)
    return ApplyResult(written=tuple(written), refused=tuple(refused))


def _write_atomic(path: Path, data: bytes) -> None:
    """Write beside the file and rename over it, keeping its permissions (never a half-written file)."""
    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".migrate", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
