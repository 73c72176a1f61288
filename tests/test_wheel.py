"""The wheel is the product: build it, install it alone into a fresh virtual env, and use it from there.

A source checkout hides packaging mistakes (a template or a data file read from the repository instead of
the package, a module missing from the wheel, a console script that points nowhere). This test builds the
wheel into a temporary folder, installs only that wheel (its dependencies come from the package index)
into a new venv without system site-packages, and runs the installed `migrate` from a folder outside the
repository.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _run(cmd, *, cwd, env=None, timeout=300, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(map(str, cmd))}` exited with {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}"
            f"\n--- stderr\n{proc.stderr[-4000:]}"
        )
    return proc


def _clean_env(venv: Path) -> dict[str, str]:
    """The environment of a user who activated the fresh venv: nothing pointing back at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", out, REPO], cwd=REPO, timeout=300)
    wheels = list(out.glob("migrate_kit-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {out}, found {[w.name for w in out.iterdir()]}"
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    # No pip inside and no system site-packages: the only way in is the pip of the test environment,
    # pointed at the new interpreter, installing the wheel and what its metadata asks for.
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv.parent)
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", wheel],
         cwd=venv.parent, timeout=480)
    return venv


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """A working folder outside the repository, so nothing can be imported from the checkout by accident."""
    return tmp_path_factory.mktemp("elsewhere")


def _version() -> str:
    namespace: dict = {}
    exec((REPO / "migrate" / "_version.py").read_text(), namespace)
    return namespace["__version__"]


def _repo_templates() -> dict[str, str]:
    root = REPO / "templates"
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".pyc", "~"))
    }


def test_wheel_contents(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = email.parser.Parser().parsestr(zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode())
        entry_points = zf.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert metadata["Name"] == "migrate-kit"
    assert metadata["Version"] == _version()
    assert metadata["Requires-Python"] == ">=3.11"
    assert "migrate = migrate.cli:main" in entry_points
    assert "migrate/__init__.py" in names and "migrate/cli/__init__.py" in names
    # Only the package goes in: no tests, benchmarks, virtual envs or byte code.
    strays = [n for n in names if not n.startswith(("migrate/", "migrate_kit-"))]
    assert strays == []
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    packaged = {n[len("migrate/templates/"):] for n in names if n.startswith("migrate/templates/") and not n.endswith("/")}
    missing = sorted(set(_repo_templates()) - packaged)
    assert not missing, f"templates missing from the wheel: {missing}"


def test_installed_version(venv, outside):
    proc = _run([venv / "bin" / "migrate", "--version"], cwd=outside, env=_clean_env(venv))
    assert proc.stdout.strip() == f"migrate-kit, version {_version()}"


def test_installed_package_and_templates(venv, outside):
    probe = textwrap.dedent(
        """
        import hashlib, json, sys
        from pathlib import Path
        import migrate, migrate.templating as t
        d = t.templates_dir()
        print(json.dumps({
            "package": str(Path(migrate.__file__).resolve().parent),
            "templates": str(d.resolve()),
            "files": {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in sorted(d.rglob("*")) if p.is_file()},
            "prefix": sys.prefix,
        }))
        """
    )
    proc = _run([venv / "bin" / "python", "-c", probe], cwd=outside, env=_clean_env(venv))
    info = json.loads(proc.stdout)
    site_packages = next((venv / "lib").glob("python3.*/site-packages")).resolve()
    package = Path(info["package"])
    assert package == site_packages / "migrate", "migrate was imported from somewhere other than the fresh venv"
    assert Path(info["templates"]) == package / "templates", "templates_dir() does not point inside the installed package"
    assert REPO.resolve() not in Path(info["templates"]).parents
    expected = _repo_templates()
    missing = sorted(set(expected) - set(info["files"]))
    assert not missing, f"templates missing from the installed package: {missing}"
    changed = sorted(name for name, digest in expected.items() if info["files"][name] != digest)
    assert not changed, f"installed templates differ from the repository's: {changed}"


def test_installed_scan(venv, outside):
    app = outside / "app"
    app.mkdir()
    (app / "bot.py").write_text(
        textwrap.dedent(
            """\
            from openai import OpenAI

            client = OpenAI()


            def ask(question: str) -> str:
                reply = client.chat.completions.create(
                    model="gpt-4o-mini",
                    messages=[{"role": "user", "content": question}],
                    temperature=0.2,
                )
                return reply.choices[0].message.content
            """
        )
    )
    report = outside / "findings.json"
    _run([venv / "bin" / "migrate", "scan", app, "--format", "json", "--output", report], cwd=outside, env=_clean_env(venv))
    data = json.loads(report.read_text())
    calls = [f for f in data["findings"] if f["kind"] == "call"]
    assert [(c["path"], c["line"], c["endpoint"], c["model"]) for c in calls] == [
        ("bot.py", 7, "chat.completions.create", "gpt-4o-mini")
    ]
    assert calls[0]["parameters"] == ["messages", "model", "temperature"]
    # The verdicts come from the compatibility catalog shipped inside the wheel.
    assert data["catalog"]["vllm_version"], "the installed package carries no catalog snapshot"
    assert (data["catalog"]["target"] or "").startswith("vllm-default"), "the wheel carries no target profile"


def test_installed_scan_of_the_example_app(venv, outside):
    example = REPO / "examples" / "support_bot"
    if not example.is_dir():
        pytest.fail(f"{example} is missing: the README's demo app must exist for the installed package to scan it")
    report = outside / "example.json"
    proc = _run([venv / "bin" / "migrate", "scan", example, "--format", "json", "--output", report],
                cwd=outside, env=_clean_env(venv))
    data = json.loads(report.read_text())
    assert data["findings"], f"no findings in {example}: {proc.stdout[-2000:]}"
    assert {"chat.completions.create", "embeddings.create"} <= {f["endpoint"] for f in data["findings"]}
