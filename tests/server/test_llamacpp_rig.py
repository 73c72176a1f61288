"""The llama.cpp server kind of the test rig, without starting it: launch command, start failures, env override."""

from __future__ import annotations

import pytest

from tests.rig import pool as pool_module
from tests.rig.llamacpp import N_CTX, llamacpp_argv
from tests.rig.pool import SPECS, ExternalServer, ServerPool
from tests.rig.server import ServerStartError


def test_argv_serves_the_gguf_under_the_alias():
    argv = llamacpp_argv("/m/tiny.gguf", port=8123, python="py")
    assert argv[:3] == ["py", "-m", "llama_cpp.server"]
    flags = dict(zip(argv[3::2], argv[4::2]))
    assert flags == {"--model": "/m/tiny.gguf", "--model_alias": "tiny-llama", "--host": "127.0.0.1",
                     "--port": "8123", "--n_ctx": str(N_CTX), "--n_threads": "2", "--n_threads_batch": "2"}
    assert "--embedding" not in argv  # its defaults are what the tests compare with vLLM's


def test_spec_and_env_variable():
    spec = SPECS["llamacpp"]
    assert spec.kind == "llamacpp" and spec.served_names == ("tiny-llama",)
    assert spec.env_var == "MIGRATE_TEST_LLAMACPP_URL" and SPECS["bare"].env_var == "MIGRATE_TEST_VLLM_BARE_URL"


def test_missing_install_fails_with_the_fix_every_time(tmp_path, monkeypatch):
    monkeypatch.delenv("MIGRATE_TEST_LLAMACPP_URL", raising=False)
    reason = "llama-cpp-python is not installed in /venv: run scripts/setup-test-env"
    monkeypatch.setattr(pool_module, "missing_install", lambda: reason)
    pool = ServerPool(tmp_path / "model", tmp_path / "logs")
    for _ in range(2):  # the same message on a later call, without another attempt
        with pytest.raises(ServerStartError, match="run scripts/setup-test-env"):
            pool.get("llamacpp")


def test_failed_conversion_is_the_start_failure(tmp_path, monkeypatch):
    monkeypatch.delenv("MIGRATE_TEST_LLAMACPP_URL", raising=False)
    monkeypatch.setattr(pool_module, "missing_install", lambda: None)

    def broken(model_dir):
        raise ValueError(f"{model_dir}/config.json: model_type 'gpt2'; this converter writes Llama only")

    monkeypatch.setattr(pool_module, "ensure_gguf", broken)
    with pytest.raises(ServerStartError, match=r"could not convert .* to GGUF: ValueError: .*Llama only"):
        ServerPool(tmp_path / "model", tmp_path / "logs").get("llamacpp")


def test_env_override_points_at_a_running_server(tmp_path, monkeypatch):
    monkeypatch.setenv("MIGRATE_TEST_LLAMACPP_URL", "http://127.0.0.1:9999/v1/")
    server = ServerPool(tmp_path / "model", tmp_path / "logs").get("llamacpp")
    assert isinstance(server, ExternalServer)
    assert server.base_url == "http://127.0.0.1:9999/v1" and server.model == "tiny-llama"
