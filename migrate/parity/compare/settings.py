"""Which comparators run for which request kind, with which options: defaults, then config, then arguments.

    [tool.migrate.parity.comparators]
    chat = ["normalized", "lexical", "semantic", "refusal"]   # replaces the default list for a kind
    enable = ["judge"]                                        # adds to every kind it supports
    disable = ["length_ratio"]                                # removes everywhere

    [tool.migrate.parity.comparators.semantic]                # options of one comparator
    min_score = 0.8

A comparator on by default that cannot run here (semantic similarity without its model package) is left
out and the summary says why; one you asked for by name that cannot run is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate.config import Config, ConfigError
from migrate.parity.compare.registry import KINDS, Comparator, registry


@dataclass(frozen=True)
class CompareSettings:
    selection: dict[str, tuple[str, ...]]  # kind -> comparator names, in run order
    options: dict[str, dict[str, Any]]  # comparator -> effective options (of the selected ones)
    skipped: dict[str, str] = field(default_factory=dict)  # default comparators left out, and why
    # Every comparator's options, selected or not: the layered `equivalence` gate uses the embedder configured
    # under [..comparators.semantic] and the judge under [..comparators.judge] without running them on every pair.
    configured: dict[str, dict[str, Any]] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()  # turned off by name (config `disable` or arguments)

    @property
    def names(self) -> set[str]:
        return {n for names in self.selection.values() for n in names}

    @classmethod
    def build(
        cls,
        config: Config | None = None,
        *,
        only: Iterable[str] | None = None,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        options: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> CompareSettings:
        """Defaults, then `[tool.migrate.parity.comparators]`, then the arguments (`only` replaces every list)."""
        comparators = registry()
        section = dict((config.section("parity") if config else {}).get("comparators", {}) or {})
        where = f"{config.source}: " if config and config.source else ""
        table = ("tool.migrate." if config and config.source and config.source.name == "pyproject.toml" else "") + "parity.comparators"

        def names(value: Any, field_name: str) -> list[str]:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}[{table}] {field_name}: expected a list of comparator names")
            for v in value:
                if v not in comparators:
                    raise ConfigError(f"{where}[{table}] {field_name}: unknown comparator {v!r}; known: {', '.join(sorted(comparators))}")
            return value

        requested: set[str] = set()
        selection: dict[str, list[str]] = {
            kind: [n for n, c in comparators.items() if c.default and kind in c.kinds] for kind in KINDS
        }
        merged_options: dict[str, dict[str, Any]] = {n: dict(c.options) for n, c in comparators.items()}
        for key, value in section.items():
            if key in KINDS:
                selection[key] = list(names(value, key))
                requested.update(value)
            elif key in ("enable", "disable"):
                continue
            elif key in comparators:
                merged_options[key].update(_options(comparators[key], value, where, f"{table}.{key}"))
            else:
                raise ConfigError(f"{where}[{table}] {key}: not a request kind ({', '.join(KINDS)}), enable/disable, "
                                  f"or a comparator's options table")
        enabled = [*names(section.get("enable", []), "enable"), *enable]
        disabled = [*names(section.get("disable", []), "disable"), *disable]
        for name, opts in (options or {}).items():
            if name not in comparators:
                raise ConfigError(f"unknown comparator {name!r}; known: {', '.join(sorted(comparators))}")
            merged_options[name].update(_options(comparators[name], opts, "", name))
        if only is not None:
            only = list(only)
            for name in only:
                if name not in comparators:
                    raise ConfigError(f"unknown comparator {name!r}; known: {', '.join(sorted(comparators))}")
            selection = {kind: [n for n in only if kind in comparators[n].kinds] for kind in KINDS}
            requested.update(only)
        for name in enabled:
            if name not in comparators:
                raise ConfigError(f"unknown comparator {name!r}; known: {', '.join(sorted(comparators))}")
            requested.add(name)
            for kind in comparators[name].kinds:
                if name not in selection[kind]:
                    selection[kind].append(name)
        for name in disabled:
            if name not in comparators:
                raise ConfigError(f"unknown comparator {name!r}; known: {', '.join(sorted(comparators))}")
            for kind in KINDS:
                if name in selection[kind]:
                    selection[kind].remove(name)

        skipped: dict[str, str] = {}
        for name in {n for ns in selection.values() for n in ns}:
            why = comparators[name].unavailable_reason(merged_options[name])
            if why is None:
                continue
            if name in requested:
                raise ConfigError(f"comparator {name!r} cannot run: {why}")
            skipped[name] = why
            for kind in KINDS:
                if name in selection[kind]:
                    selection[kind].remove(name)
        used = {n for ns in selection.values() for n in ns}
        return cls(
            selection={k: tuple(v) for k, v in selection.items()},
            options={n: o for n, o in merged_options.items() if n in used},
            skipped=skipped,
            configured=merged_options,
            disabled=frozenset(disabled),
        )

    def with_gates(self, gates: Iterable[str]) -> CompareSettings:
        """A comparator off by default that a threshold names runs (`semantic = 0.85` under thresholds turns the
        cosine comparator on), unless it was disabled by name or cannot run here. (A default comparator left out
        with `only` stays out: that was a choice.)"""
        comparators = registry()
        add = [g for g in sorted(gates) if g in comparators and not comparators[g].default and g not in self.names
               and g not in self.disabled and comparators[g].unavailable_reason(self.configured.get(g)) is None]
        if not add:
            return self
        selection = {k: list(v) for k, v in self.selection.items()}
        for name in add:
            for kind in comparators[name].kinds:
                selection[kind].append(name)
        options = {**self.options, **{n: self.configured.get(n, dict(comparators[n].options)) for n in add}}
        return CompareSettings({k: tuple(v) for k, v in selection.items()}, options, self.skipped, self.configured, self.disabled)

    def for_kind(self, kind: str) -> tuple[str, ...]:
        return self.selection.get(kind, ())

    def comparator(self, name: str) -> Comparator:
        return registry()[name]


def _options(comparator: Comparator, values: Any, where: str, table: str) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise ConfigError(f"{where}[{table}]: expected a table of options ({', '.join(comparator.options) or 'none'})")
    unknown = set(values) - set(comparator.options)
    if unknown:
        raise ConfigError(f"{where}[{table}] {', '.join(sorted(unknown))}: unknown option(s) for comparator "
                          f"{comparator.name!r}; known: {', '.join(comparator.options) or 'none'}")
    return dict(values)
