"""The `migrate` command line: a thin layer that parses, calls the library, and prints.

This package is the only place that uses click. Each command lives in its own module and is imported only
when it runs, so `migrate scan` never pays for the imports of `migrate parity`.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from migrate._version import __version__

COMMANDS = {
    "scan": "migrate.cli.scan:scan",
    "rewrite": "migrate.cli.rewrite:rewrite",
    "pr": "migrate.cli.pr:pr",
    "serve": "migrate.cli.serve:serve",
    "doctor": "migrate.cli.doctor:doctor",
    "record": "migrate.cli.record:record",
    "parity": "migrate.cli.parity:parity",
    "report": "migrate.cli.report:report",
}

HELP = """Move a codebase from OpenAI's API to an open model served by vLLM, and prove quality holds.

\b
  migrate scan ./repo        every OpenAI use, and whether it works on vLLM
  migrate rewrite ./repo     a codemod pointing the code at vLLM (diff; --write to apply)
  migrate pr ./repo          the same as a branch, a commit and a pull request
  migrate serve --for ./repo start vLLM with the flags this codebase needs
  migrate doctor             probe a live vLLM endpoint with the features the code uses
  migrate record / parity    capture prompts, replay them on vLLM, compare, go/no-go
  migrate report --repos F   where the migration stands across many repositories
"""


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name in COMMANDS if self._available(name)]

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name == module_name:
                return None
            raise
        return getattr(module, attr)

    @staticmethod
    def _available(name: str) -> bool:
        module_name = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="migrate-kit")
def main() -> None:
    pass
