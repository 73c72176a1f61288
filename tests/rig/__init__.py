"""The real-vLLM test rig: a locally generated tiny Llama and a server launcher, for pytest and benchmarks.

    from tests.rig import ensure_model, running_server
    with running_server(ensure_model()) as server:
        ...  # server.base_url, server.model

llama.cpp's server (llama-cpp-python) on the same model as GGUF: `launch_llamacpp(ensure_gguf(ensure_model()))`.

Run `python -m tests.rig serve` to keep a server up between test runs (see docs/testing.md).
"""

from tests.rig.llamacpp import launch_llamacpp
from tests.rig.server import Server, ServerStartError, launch, running_server
from tests.rig.tiny_gguf import ensure_gguf
from tests.rig.tiny_llama import ensure_model

__all__ = ["ensure_model", "ensure_gguf", "running_server", "launch", "launch_llamacpp", "Server", "ServerStartError"]
