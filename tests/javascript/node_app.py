"""Run examples/node_app with Node.js: a copy of the app with the pinned npm packages linked in, started with tsx
on src/ask.ts (one question through each shape of the app, one JSON line per shape).

The proof runs the app twice in the same environment, before and after `migrate rewrite`: the endpoint is
given only in a variable the SDKs do not read on their own (PROOF_BASE_URL_ENV, named as `base_url_env` in the
migrate.toml the copy gets), and OPENAI_BASE_URL is removed, so before the rewrite every client talks to
api.openai.com (unreachable from the tests) and only the rewritten code can reach the vLLM server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "examples" / "node_app"
PROOF_BASE_URL_ENV = "MIGRATE_PROOF_BASE_URL"
PROOF_API_KEY = "sk-proof-not-a-real-key"  # a key is set so that no SDK refuses to start without one
SHAPES = ("chat route (shared client)", "assistant (Responses API)", "AI SDK route (streamText)", "LangChain.js chain")


def proof_config(base_url: str, served_model: str) -> str:
    """The migrate.toml of the proof: the endpoint's variable and default, and every model the app names mapped
    to one the server serves."""
    models = "\n".join(f'"{m}" = "{served_model}"' for m in ("gpt-4o", "gpt-4o-mini", "text-embedding-3-small",
                                                                "text-embedding-3-large"))
    return (f'base_url_env = "{PROOF_BASE_URL_ENV}"\nbase_url_default = "{base_url}"\n'
            f'api_key_env = "OPENAI_API_KEY"\napi_key_default = "EMPTY"\n\n[models]\n{models}\n')


def copy_app(dest: Path, node_modules: Path) -> Path:
    """examples/node_app copied to `dest` with a node_modules link to the pinned packages."""
    shutil.copytree(APP, dest, ignore=shutil.ignore_patterns("node_modules"))
    (dest / "node_modules").symlink_to(node_modules.resolve(), target_is_directory=True)
    return dest


@dataclass
class AppRun:
    returncode: int
    shapes: dict[str, dict] = field(default_factory=dict)  # shape name -> {"ok", "answer" | "error", "seconds"}
    output: str = ""  # everything the run printed, for failure messages

    @property
    def answered(self) -> list[str]:
        return [name for name, r in self.shapes.items() if r["ok"]]

    def describe(self) -> str:
        lines = [f"exit {self.returncode}"]
        for name, r in self.shapes.items():
            lines.append(f"  {name}: " + (f"answered {r['answer'][:60]!r}" if r["ok"] else f"FAILED: {r['error']}"))
        return "\n".join(lines) + ("" if self.shapes else f"\n{self.output[-3000:]}")


def run_app(app: Path, node_env, base_url: str, *, question: str = "Say hello in one word.",
            deadline_s: float = 45, timeout: float = 240) -> AppRun:
    """tsx src/ask.ts in `app`, the endpoint in PROOF_BASE_URL_ENV only (see the module's docstring)."""
    env = node_env.env()
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "AZURE_OPENAI_ENDPOINT"):
        env.pop(name, None)
    env.update({PROOF_BASE_URL_ENV: base_url, "OPENAI_API_KEY": PROOF_API_KEY,
                "ASK_DEADLINE_MS": str(int(deadline_s * 1000)), "NO_COLOR": "1"})
    done = subprocess.run([*node_env.tsx, "src/ask.ts", question], cwd=app, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    run = AppRun(done.returncode, output=done.stdout + done.stderr)
    for line in done.stdout.splitlines():
        if line.startswith('{"shape"'):
            record = json.loads(line)
            run.shapes[record.pop("shape")] = record
    return run


def write_proof_config(app: Path, base_url: str, served_model: str) -> None:
    (app / "migrate.toml").write_text(proof_config(base_url, served_model), encoding="utf-8")
