"""Warm-up for the rewrite pool's server process: imported there only (parallel.PRELOAD), never by the kit itself.

Each worker is forked from the forkserver, so what the server has done, every worker starts with: the rule modules
imported, the catalog loaded, the rules' patterns compiled and the walk's per-node-class methods built. Without
this, each worker paid for all of that on its first file (about a third of a second). The rewrite below is of a
small 0.x snippet that every Python rule looks at; its result is thrown away, and any failure is ignored (a worker
then warms up on its first file, as before)."""

from __future__ import annotations

_SNIPPET = '''import os

import openai

openai.api_key = os.getenv("OPENAI_API_KEY")


def ask(messages, functions=None):
    try:
        r = openai.ChatCompletion.create(model="gpt-4", messages=messages, functions=functions, logit_bias={1: 2})
    except openai.error.RateLimitError as e:
        return e.http_status
    return r["choices"][0]["message"]["content"], requests.post("https://api.openai.com/v1/embeddings")
'''


def _warm():
    from migrate.config import Config
    from migrate.rewrite.plan import load_options
    from migrate.rewrite.python import rewrite_source
    from migrate.rewrite.registry import BY_ID

    config = Config()
    return rewrite_source(_SNIPPET, "warmup.py", config=config, options={**load_options(config), "include_tests": False,
                                                                    "target": None}, active=frozenset(BY_ID))


try:
    _warm()
except Exception:  # noqa: BLE001 - a warm-up, nothing depends on it
    pass
