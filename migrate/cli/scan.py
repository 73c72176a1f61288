"""`migrate scan`: find every OpenAI use in a codebase and say what will break on vLLM."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

FAIL_ON = ("unsupported", "needs-change", "needs-server-flag", "any", "never")
EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_STRICT_SKIPPED = 0, 1, 2, 3

HELP = """Find every OpenAI use under PATHS (default: .) and say whether it works on vLLM.

Each finding gets a verdict from the compatibility catalog (derived from the installed openai SDK and
vLLM): ok, ignored-by-vllm, needs-server-flag, needs-change or unsupported, with the reason and the fix.

\b
Examples:
  migrate scan ./repo                                   summary and table in the terminal
  migrate scan . --format json -o findings.json         for `migrate rewrite`, `serve`, `pr`
  migrate scan . --format sarif -o migrate.sarif        for GitHub code scanning
  migrate scan . --format markdown >> "$GITHUB_STEP_SUMMARY"
  migrate scan src tests --exclude 'tests/fixtures/*' --fail-on needs-change
  migrate scan . --model ./Llama-3.1-8B-Instruct          judge model-dependent parameters for this model

\b
Exit codes:
  0  no finding at or above --fail-on (always, with the default --fail-on never)
  1  a finding at or above --fail-on
  2  usage error: a missing path, a bad option or configuration file
  3  --strict and some files were skipped (unreadable, not UTF-8, syntax errors, ...)
"""


@click.command("scan", help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json", "sarif", "markdown"]), default="table",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of standard output.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Exit 1 when a finding has this verdict or a worse one ('any': any issue at all). "
                   "Default: never, or [tool.migrate.scan] fail-on.")
@click.option("--strict", is_flag=True, help="Exit 3 when some files could not be scanned.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip paths matching GLOB (relative to the scanned folder); repeatable.")
@click.option("--include-vendored", is_flag=True, help="Also scan virtualenvs, site-packages, node_modules and JS/TS build output (dist/, .next/, *.min.js).")
@click.option("--no-gitignore", is_flag=True, help="Scan files that .gitignore excludes.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: the idle CPUs; a pool starts only on large trees).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="migrate.toml or pyproject.toml to use (default: found from the first path upwards).")
@click.option("--target", type=click.Path(dir_okay=False, path_type=Path), metavar="PROFILE",
              help="Judge against this target profile (`migrate doctor URL --save-profile PROFILE`) instead of the "
              "shipped vLLM profile.")
@click.option("--model", "model_dir", metavar="DIR",
              help="The model the vLLM server will run (a directory, or a hub name in the local cache): decides "
                   "model-dependent verdicts (image parts, suffix, dimensions, max_tokens, ...).")
def scan(paths, fmt, output, fail_on, strict, exclude, include_vendored, no_gitignore, jobs, config_path, target,
         model_dir):
    paths = tuple(paths) or (Path("."),)
    missing = [str(p) for p in paths if not os.path.exists(p)]
    if missing:
        _die(f"path not found: {', '.join(missing)}")

    from migrate.config import ConfigError, load_config

    try:
        config = load_config(config_path, start=paths[0])
        options = _scan_options(config)
    except ConfigError as e:
        _die(str(e))
    fail_on = fail_on or options.get("fail-on", "never")
    exclude = (*options.get("exclude", ()), *exclude)
    if target is not None:
        from migrate.catalog.profile import ProfileError, load_profile

        try:
            load_profile(target)  # scan() checks it too; said here as the CLI's error
        except ProfileError as e:
            _die(str(e))

    import migrate.scan as scanning

    progress = _Progress() if fmt == "table" and output is None and sys.stderr.isatty() else None
    try:
        result = scanning.scan(
            list(paths),
            exclude=exclude,
            include_vendored=include_vendored or options.get("include-vendored", False),
            respect_gitignore=not no_gitignore,
            jobs=jobs,
            progress=progress,
            target=target,
        )
    finally:
        if progress is not None:
            progress.close()
    if (config.source is not None or model_dir) and result.findings:
        # The project's model map and base URL, and the served model, shape verdicts and fixes: assess again.
        import dataclasses

        from migrate.scan.assess import assess

        facts = None
        if model_dir:
            from migrate.serve.modelfacts import model_facts

            facts = model_facts(model_dir)
        result = dataclasses.replace(result, findings=tuple(assess(result.findings, config=config, model=facts)))

    _emit(result, fmt, output)
    if _fails(result, fail_on):
        sys.exit(EXIT_FAIL_ON)
    if strict and result.skipped:
        click.echo(f"migrate scan: {len(result.skipped)} files skipped (--strict)", err=True)
        sys.exit(EXIT_STRICT_SKIPPED)


def _emit(result, fmt: str, output: Path | None) -> None:
    if fmt == "table" and output is None and sys.stdout.isatty():
        if result.findings or result.skipped:
            from rich.console import Console

            from migrate.scan.formats.terminal import print_report

            print_report(result, Console())
            return
        from migrate.scan.formats import catalog_line

        # Nothing to tabulate: a plain line, without paying for rich.
        click.echo(f"No OpenAI use found in {result.files_scanned} files. ({catalog_line(result)})")
        return
    from migrate.scan.formats import render

    text = render(result, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        _die(f"cannot write {output}: {e.strerror or e}")
    from migrate.scan.formats import headline

    click.echo(f"{headline(result)}; {fmt} report written to {output}", err=True)


def _fails(result, fail_on: str) -> bool:
    from migrate.scan.findings import Verdict

    if fail_on == "never":
        return False
    threshold = Verdict.IGNORED if fail_on == "any" else Verdict(fail_on)
    return any(f.verdict.rank >= threshold.rank for f in result.findings)


def _scan_options(config) -> dict:
    """[tool.migrate.scan]: exclude (list of globs), fail-on, include-vendored."""
    from migrate.config import ConfigError

    section = config.section("scan")
    where = f"{config.source}: [{'tool.migrate.' if config.source and config.source.name == 'pyproject.toml' else ''}scan]"
    known = {"exclude", "fail-on", "include-vendored"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(f"{where} has unknown keys {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    exclude = section.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
        raise ConfigError(f"{where} exclude must be a list of glob strings")
    fail_on = section.get("fail-on", "never")
    if fail_on not in FAIL_ON:
        raise ConfigError(f"{where} fail-on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    vendored = section.get("include-vendored", False)
    if not isinstance(vendored, bool):
        raise ConfigError(f"{where} include-vendored must be true or false")
    return {"exclude": tuple(exclude), "fail-on": fail_on, "include-vendored": vendored}


def _die(message: str) -> None:
    click.echo(f"migrate scan: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


class _Progress:
    """A one-line progress bar on stderr for large trees; appears after half a second, costs no imports."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int, total: int | None, path: str) -> None:
        now = time.monotonic()
        if now - self.start < 0.5 or now - self.last < 0.1:
            return
        self.last = now
        self.shown = True
        cols = 80
        try:
            cols = os.get_terminal_size(sys.stderr.fileno()).columns
        except OSError:
            pass
        if total:
            filled = int(20 * done / max(total, 1))
            head = f"scanning [{'#' * filled}{'.' * (20 - filled)}] {done}/{total} "
        else:
            head = f"scanning {done} files "
        tail = path[-max(cols - len(head) - 1, 0):] if cols > len(head) + 10 else ""
        sys.stderr.write("\r" + (head + tail).ljust(cols - 1)[: cols - 1])
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
