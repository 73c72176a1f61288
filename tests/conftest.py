"""Session fixtures shared by every test folder: the tiny model and the real vLLM servers.

    def test_something(vllm_server):              # tool parser llama3_json; serves "tiny-llama" and "gpt-4o-mini"
        client = openai.OpenAI(base_url=vllm_server.base_url, api_key="EMPTY")

    def test_other(vllm_bare_server): ...         # a default server: no tool parser; serves "tiny-llama"

    def test_third(llamacpp_server): ...          # llama.cpp's server (llama-cpp-python) on the model as GGUF

Servers start only when a test asks for one, once per session, and boot concurrently. A server that cannot
start FAILS the tests that need it, with the command and the log tail; it never skips. Tests that use these
fixtures get the `vllm` marker automatically (`-m "not vllm"` runs the rest; it means "no real server"), and
those on llama.cpp's server the `llamacpp` marker as well. See docs/testing.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests.rig` is importable however pytest was started
    sys.path.insert(0, str(ROOT))

from tests.rig.pool import SPECS, ServerPool  # noqa: E402
from tests.rig.server import ServerStartError  # noqa: E402

SERVER_FIXTURES = {"vllm_server": "main", "vllm_bare_server": "bare", "llamacpp_server": "llamacpp"}
_MODEL_ERROR: list[str] = []


def pytest_collection_modifyitems(config, items):
    wanted = set()
    for item in items:
        names = set(getattr(item, "fixturenames", ())) & SERVER_FIXTURES.keys()
        if names:
            item.add_marker(pytest.mark.vllm)
            if "llamacpp_server" in names:
                item.add_marker(pytest.mark.llamacpp)
            wanted |= {SERVER_FIXTURES[n] for n in names}
    config._migrate_servers_wanted = wanted


@pytest.fixture(scope="session")
def tiny_model_dir() -> Path:
    """The generated tiny Llama (cached under .cache/ or $MIGRATE_TEST_CACHE)."""
    from tests.rig.tiny_llama import default_cache_dir, ensure_model

    if _MODEL_ERROR:
        pytest.fail(_MODEL_ERROR[0], pytrace=False)
    try:
        return ensure_model(default_cache_dir())
    except Exception as e:  # noqa: BLE001 - any failure here must fail the tests, with the reason
        _MODEL_ERROR.append(f"could not generate the tiny test model: {type(e).__name__}: {e}")
        pytest.fail(_MODEL_ERROR[0], pytrace=False)


@pytest.fixture(scope="session")
def vllm_pool(request, tiny_model_dir, tmp_path_factory):
    pool = ServerPool(tiny_model_dir, tmp_path_factory.mktemp("vllm-logs"))
    request.addfinalizer(pool.stop_all)
    return pool


def _server(request, pool: ServerPool, name: str):
    wanted = getattr(request.config, "_migrate_servers_wanted", set())
    try:
        return pool.get(name, also_start=sorted(wanted - {name}))
    except ServerStartError as e:
        kind = "llama.cpp" if SPECS[name].kind == "llamacpp" else "vLLM"
        pytest.fail(f"the real {kind} server '{name}' ({SPECS[name].description}) could not start:\n{e}", pytrace=False)


@pytest.fixture(scope="session")
def vllm_server(request, vllm_pool):
    """The main server: --enable-auto-tool-choice --tool-call-parser llama3_json, names tiny-llama + gpt-4o-mini.

    Attributes: base_url (".../v1"), model ("tiny-llama"), served_names, model_dir, log_path, process.
    """
    return _server(request, vllm_pool, "main")


@pytest.fixture(scope="session")
def vllm_bare_server(request, vllm_pool):
    """A server with vLLM's defaults (no tool parser), serving "tiny-llama"."""
    return _server(request, vllm_pool, "bare")


@pytest.fixture(scope="session")
def llamacpp_server(request, vllm_pool):
    """llama.cpp's OpenAI-compatible server (llama-cpp-python[server], its defaults), serving "tiny-llama" from
    the tiny model converted to GGUF. MIGRATE_TEST_LLAMACPP_URL points it at one you run
    (`python -m tests.rig serve llamacpp`)."""
    return _server(request, vllm_pool, "llamacpp")


@pytest.fixture
def vllm_client(vllm_server):
    """An openai.OpenAI client on the main server (no retries, 60 s timeout)."""
    import openai

    with openai.OpenAI(base_url=vllm_server.base_url, api_key="EMPTY", max_retries=0, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def node_env():
    """Node.js and the pinned npm packages for the JS/TS tests, never the machine's own: `.node`, `.npm`, `.tsc`,
    `.tsx` (argument lists), `.node_modules`, `.env()` (PATH with this Node first). From benchmarks/node_env.py;
    missing pieces FAIL the test with the command to run (scripts/setup-test-env installs them)."""
    benchmarks = str(ROOT / "benchmarks")
    if benchmarks not in sys.path:
        sys.path.insert(0, benchmarks)  # benchmarks/ is a folder of scripts that import their siblings
    import node_env as toolchain

    try:
        return toolchain.find()
    except toolchain.NodeEnvMissing as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def typecheck_ts():
    """benchmarks/typecheck_ts.py as a module: `check_rewrite(root, changes, env=node_env)` runs tsc --noEmit over
    a copy of the tree before and after a rewrite and reports the errors the rewrite added."""
    benchmarks = str(ROOT / "benchmarks")
    if benchmarks not in sys.path:
        sys.path.insert(0, benchmarks)
    import typecheck_ts as harness

    return harness
