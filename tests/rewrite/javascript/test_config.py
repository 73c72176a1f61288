"""The model map of a JavaScript-only repository: the "migrate" key of package.json."""

from __future__ import annotations

import json

import pytest

from migrate.config import ConfigError, find_config_file, load_config


def test_package_json_migrate_key_is_the_config(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({
        "name": "web", "scripts": {"migrate": "knex migrate:latest"},
        "migrate": {"models": {"gpt-4o": "tiny-llama"}, "base_url_default": "http://vllm:8000/v1"}}))
    (tmp_path / "src").mkdir()
    config = load_config(start=tmp_path / "src")
    assert config.source == tmp_path / "package.json"
    assert config.models == {"gpt-4o": "tiny-llama"} and config.base_url_default == "http://vllm:8000/v1"


def test_a_package_json_without_the_key_is_not_a_config(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"name": "web", "scripts": {"migrate": "knex migrate"}}))
    assert find_config_file(tmp_path) is None


def test_migrate_toml_in_the_same_folder_wins(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"migrate": {"models": {"gpt-4o": "a"}}}))
    (tmp_path / "migrate.toml").write_text('[models]\n"gpt-4o" = "b"\n')
    assert load_config(start=tmp_path).models == {"gpt-4o": "b"}


@pytest.mark.parametrize("value, message", [
    ('"migrate": "yes"', '"migrate" must be an object'),
    ('"migrate": {"models": {"gpt-4o": 4}}', "[migrate.models] must map OpenAI model names"),
])
def test_bad_values_name_the_file_and_the_field(tmp_path, value, message):
    path = tmp_path / "package.json"
    path.write_text("{" + value + "}")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value) and message in str(error.value)
