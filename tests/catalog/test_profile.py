"""Target profiles: the file format and its validation, reading across configurations, and verdicts from them."""

from __future__ import annotations

import json

import pytest

from migrate.catalog import FACT, PROBED, load_catalog
from migrate.catalog.profile import (
    DEFAULT_PROFILE_PATH,
    NEEDS_FLAG,
    ProfileError,
    load_profile,
    profile_from_dict,
)
from migrate.scan.findings import Verdict


def _profile(endpoints: dict, configurations=None) -> dict:
    return {
        "format": 1,
        "name": "t",
        "probed_at": "2026-11-30T12:00:00Z",
        "probed_by": "test",
        "configurations": configurations or [
            {"name": "bare", "base_url": "http://x/v1", "server": "vllm", "version": "0.32.0", "flags": ["--dtype", "float32"],
             "models": [{"name": "m", "kind": "generative"}]},
            {"name": "tools", "base_url": "http://y/v1", "server": "vllm", "version": "0.32.0",
             "flags": ["--dtype", "float32", "--enable-auto-tool-choice", "--tool-call-parser", "llama3_json"]},
        ],
        "endpoints": endpoints,
    }


def _obs(config, outcome, **kw):
    return {"config": config, "outcome": outcome, **kw}


REFUSE_TEMPERATURE = {"chat.completions.create": {
    "": [_obs("bare", "accepted", status=200)],
    "temperature": [_obs("bare", "refused", status=400, value="0.5", message="temperature is not supported here")],
}}


# -- reading across configurations -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("observations", "outcome", "words"),
    [
        pytest.param([_obs("bare", "refused", status=400, message="no"), _obs("tools", "refused", status=400, message="no")],
                     "refused", 'refused `p` with HTTP 400: "no"', id="refused-everywhere"),
        pytest.param([_obs("bare", "refused", status=400, message="requires --enable-auto-tool-choice",
                           needs=["--enable-auto-tool-choice"]), _obs("tools", "accepted", status=200)],
                     NEEDS_FLAG, "only when started with --enable-auto-tool-choice --tool-call-parser llama3_json",
                     id="accepted-only-with-flags"),
        pytest.param([_obs("bare", "refused", status=400, message="set VLLM_X=1", needs=["VLLM_X=1"])],
                     NEEDS_FLAG, "refused `p`", id="refused-naming-an-env-var"),
        pytest.param([_obs("bare", "ignored", status=200, effect="unchanged", observed="expected 2 choices")],
                     "ignored", "no effect (expected 2 choices)", id="ignored"),
        pytest.param([_obs("bare", "accepted", status=200, effect="changed", observed="2 choices")],
                     "accepted", "honours `p` (2 choices)", id="honoured"),
        pytest.param([_obs("bare", "accepted", status=200, effect="not-observable")], "accepted", "accepts `p`",
                     id="accepted-not-observable"),
    ],
)
def test_judge_parameter_reads_across_configurations(observations, outcome, words):
    profile = profile_from_dict(_profile({"chat.completions.create": {"p": observations}}))
    j = profile.judge_parameter("chat.completions.create", "p")
    assert j.outcome == outcome
    assert words in j.reason
    assert j.evidence.startswith("probe chat.completions.create p")


@pytest.mark.parametrize("outcome", ["failed", "not-probed"])
def test_failed_or_missing_probes_are_no_evidence(outcome):
    profile = profile_from_dict(_profile({"chat.completions.create": {"p": [_obs("bare", outcome, note="timeout")]}}))
    assert profile.judge_parameter("chat.completions.create", "p") is None
    assert profile.judge_parameter("chat.completions.create", "unprobed") is None


def test_round_trip_keeps_everything(tmp_path):
    profile = profile_from_dict(_profile(REFUSE_TEMPERATURE))
    path = profile.save(tmp_path / "p.json")
    again = load_profile(path)
    assert again.to_dict() == profile.to_dict()
    assert again.configurations[1].flags[-1] == "llama3_json"


# -- validation: file and field named --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        pytest.param(lambda d: d.update(format=9), "format", id="format"),
        pytest.param(lambda d: d.pop("name"), "name: missing", id="missing-name"),
        pytest.param(lambda d: d["endpoints"]["chat.completions.create"]["temperature"][0].update(outcome="maybe"),
                     "endpoints.chat.completions.create.temperature[0].outcome", id="bad-outcome"),
        pytest.param(lambda d: d["endpoints"]["chat.completions.create"]["temperature"][0].update(config="nope"),
                     "endpoints.chat.completions.create.temperature[0].config", id="unknown-config"),
        pytest.param(lambda d: d["endpoints"]["chat.completions.create"]["temperature"][0].update(status="400"),
                     "temperature[0].status: expected int", id="status-type"),
        pytest.param(lambda d: d["configurations"][0]["models"][0].update(kind="robot"),
                     "configurations[0].models[0].kind", id="model-kind"),
    ],
)
def test_bad_profile_names_file_and_field(tmp_path, mutate, field):
    data = _profile(json.loads(json.dumps(REFUSE_TEMPERATURE)))
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ProfileError) as e:
        load_profile(path)
    assert str(path) in str(e.value) and field in str(e.value)
    assert "--save-profile" in str(e.value)


def test_broken_json_and_missing_file_say_so(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": 1,\n  "name": }')
    with pytest.raises(ProfileError, match=r"broken.json:2: not valid JSON"):
        load_profile(path)
    with pytest.raises(ProfileError, match="no such profile"):
        load_profile(tmp_path / "absent.json")


# -- verdicts from a profile -----------------------------------------------------------------------------------
def test_a_refusing_profile_turns_ok_into_a_refusal_with_the_servers_message():
    declared = load_catalog(target=False).parameter("chat.completions.create", "temperature")
    assert declared.verdict is Verdict.OK and declared.kind == "declared"
    a = load_catalog(target=profile_from_dict(_profile(REFUSE_TEMPERATURE))).parameter("chat.completions.create", "temperature")
    assert a.verdict is Verdict.UNSUPPORTED and a.kind == PROBED
    assert "temperature is not supported here" in a.reason and "HTTP 400" in a.reason
    # chat.completions.parse sends to the same route: the probe of create speaks for it
    parse = load_catalog(target=profile_from_dict(_profile(REFUSE_TEMPERATURE))).parameter("chat.completions.parse", "temperature")
    assert parse.verdict is Verdict.UNSUPPORTED


def test_a_fact_keeps_its_evidence_unless_the_probe_shows_worse():
    accepted = {"chat.completions.create": {"logit_bias": [_obs("bare", "accepted", status=200, effect="not-observable")],
                                            "store": [_obs("bare", "refused", status=400, message="store is not allowed")]}}
    catalog = load_catalog(target=profile_from_dict(_profile(accepted)))
    logit_bias = catalog.parameter("chat.completions.create", "logit_bias")
    assert logit_bias.verdict is Verdict.NEEDS_CHANGE and logit_bias.kind == FACT  # why the ids differ
    store = catalog.parameter("chat.completions.create", "store")
    assert store.verdict is Verdict.UNSUPPORTED and store.kind == PROBED and "store is not allowed" in store.reason


def test_an_accepted_probe_does_not_hide_a_declared_drop():
    # `top_logprobs` is declared; `verbosity` is an OpenAI-only field vLLM's model drops: a 200 cannot show that
    accepted = {"chat.completions.create": {p: [_obs("bare", "accepted", status=200, effect="not-observable")]
                                            for p in ("verbosity", "top_logprobs")}}
    catalog = load_catalog(target=profile_from_dict(_profile(accepted)))
    assert catalog.parameter("chat.completions.create", "verbosity").verdict is Verdict.IGNORED
    ok = catalog.parameter("chat.completions.create", "top_logprobs")
    assert ok.verdict is Verdict.OK and ok.kind == PROBED


def test_a_route_the_target_lacks_is_unsupported_there():
    lacking = {"responses.create": {"": [_obs("bare", "refused", status=404, message="Not Found")]}}
    a = load_catalog(target=profile_from_dict(_profile(lacking))).endpoint_verdict("responses.create")
    assert a.verdict is Verdict.UNSUPPORTED and a.kind == PROBED and "HTTP 404" in a.reason
    assert load_catalog(target=False).endpoint_verdict("responses.create").verdict is Verdict.OK


# -- the shipped profile ---------------------------------------------------------------------------------------
def test_shipped_profile_loads_and_covers_the_rig_configurations():
    profile = load_profile(DEFAULT_PROFILE_PATH)
    names = {c.name for c in profile.configurations}
    assert {"bare", "main", "pooling"} <= names
    kinds = {m.kind for c in profile.configurations for m in c.models}
    assert {"generative", "pooling"} <= kinds
    assert all(c.version for c in profile.configurations)


@pytest.mark.parametrize(
    ("endpoint", "parameter", "message"),
    [
        pytest.param("completions.create", "suffix", "FIM", id="suffix-declared-but-refused"),
        pytest.param("embeddings.create", "dimensions", "Matryoshka", id="dimensions-declared-but-refused"),
    ],
)
def test_public_examples_come_out_refused_from_probes(endpoint, parameter, message):
    declared = load_catalog(target=False).parameter(endpoint, parameter)
    assert declared.verdict is Verdict.OK  # what the pydantic declaration alone says
    a = load_catalog().parameter(endpoint, parameter)
    assert a.verdict is Verdict.UNSUPPORTED and a.kind == PROBED
    assert message in a.reason and "HTTP 400" in a.reason
    assert a.evidence.startswith(f"probe {endpoint} {parameter}=")


def test_shipped_profile_finds_tools_need_the_parser_flags():
    a = load_catalog().parameter("chat.completions.create", "tool_choice")
    assert a.verdict is Verdict.SERVER_FLAG
    j = load_profile(DEFAULT_PROFILE_PATH).judge_parameter("chat.completions.create", "tool_choice")
    assert j.outcome == NEEDS_FLAG and "--tool-call-parser llama3_json" in j.needs


def test_target_env_var_selects_the_profile(tmp_path, monkeypatch):
    path = profile_from_dict(_profile(REFUSE_TEMPERATURE)).save(tmp_path / "t.json")
    monkeypatch.setenv("MIGRATE_TARGET_PROFILE", str(path))
    assert load_catalog().parameter("chat.completions.create", "temperature").verdict is Verdict.UNSUPPORTED
    assert load_catalog().info().target.startswith("t (vLLM 0.32.0")


def test_shipped_probes_never_contradict_a_fact_that_calls_a_parameter_fine():
    """A fact that says ok or ignored while the rig's vLLM refuses the parameter would be a wrong fact."""
    from migrate.catalog import facts

    profile = load_profile(DEFAULT_PROFILE_PATH)
    endpoint_of = {facts.CHAT: "chat.completions.create", facts.COMPLETIONS: "completions.create",
                   facts.EMBEDDINGS: "embeddings.create", facts.RESPONSES: "responses.create"}
    checked, contradicted = 0, []
    for fact in facts.PARAMETER_FACTS:
        for route in fact.routes:
            j = profile.judge_parameter(endpoint_of[route], fact.parameter)
            if j is None:
                continue
            checked += 1
            if fact.verdict in (Verdict.OK, Verdict.IGNORED) and j.outcome in ("refused", NEEDS_FLAG):
                contradicted.append(f"{fact.parameter} on {route}: fact {fact.verdict.value}, probe {j.outcome}")
    assert checked >= 20 and not contradicted
    # and the tool-calling fact is what the probes found on chat: accepted only with the parser flags
    assert profile.judge_parameter("chat.completions.create", "tools").outcome == NEEDS_FLAG


# -- value classes probed one by one ---------------------------------------------------------------------------
JSON_SCHEMA = '{"type": "json_schema", "json_schema": {"name": "city"}}'
CLASS_PROBES = {"chat.completions.create": {
    "": [_obs("bare", "accepted", status=200)],
    "response_format": [
        _obs("bare", "accepted", status=200, value='{"type": "json_object"}'),
        _obs("bare", "refused", status=500, value=JSON_SCHEMA, value_class="response_format=json_schema",
             message="Input should be 'text' or 'json_object'"),
    ],
    "top_p": [
        _obs("bare", "accepted", status=200, value="0.5"),
        _obs("bare", "accepted", status=200, value="0", value_class="top_p=0"),
    ],
    "suffix": [],
    "messages": [
        _obs("bare", "refused", status=400, value="[...]", value_class="messages=image or audio content parts",
             message="m is not a multimodal model"),
    ],
    "store": [_obs("bare", "accepted", status=200, value="true", value_class="store=True")],
}}
SCHEMA_VALUE = {"type": "json_schema", "json_schema": {"name": "city", "schema": {"type": "object"}}}
IMAGE_MESSAGES = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}]


def test_a_class_probe_does_not_judge_the_whole_parameter():
    profile = profile_from_dict(_profile(CLASS_PROBES))
    assert profile.judge_parameter("chat.completions.create", "response_format").outcome == "accepted"
    j = profile.judge_value_class("chat.completions.create", "response_format=json_schema")
    assert j.outcome == "refused" and "`response_format` (json_schema)" in j.reason and "HTTP 500" in j.reason
    assert profile.value_classes("chat.completions.create", "response_format") == ["response_format=json_schema"]
    assert profile.judge_value_class("chat.completions.create", "tool_choice='none'") is None  # not probed


def test_class_observations_survive_saving(tmp_path):
    path = profile_from_dict(_profile(CLASS_PROBES)).save(tmp_path / "t.json")
    again = load_profile(path)
    assert again.judge_value_class("chat.completions.create", "top_p=0").outcome == "accepted"
    saved = json.loads(path.read_text())["endpoints"]["chat.completions.create"]["top_p"]
    assert "value_class" not in saved[0] and saved[1]["value_class"] == "top_p=0"


@pytest.mark.parametrize(
    ("parameter", "value", "verdict", "kind", "value_class"),
    [
        pytest.param("response_format", SCHEMA_VALUE, Verdict.NEEDS_CHANGE, PROBED, "response_format=json_schema",
                     id="json_schema-refused-by-the-target"),
        pytest.param("response_format", {"type": "json_object"}, Verdict.OK, FACT, None,
                     id="json_object-judged-by-name-as-before"),
        pytest.param("top_p", 0, Verdict.OK, PROBED, "top_p=0", id="top_p-0-accepted-by-the-target"),
        pytest.param("top_p", 0.9, Verdict.OK, PROBED, None, id="top_p-other-value-no-class"),
        pytest.param("messages", IMAGE_MESSAGES, Verdict.NEEDS_CHANGE, PROBED,
                     "messages=image or audio content parts", id="image-parts-refused-by-the-target-model"),
        pytest.param("store", True, Verdict.IGNORED, FACT, None, id="store-200-is-no-evidence"),
        pytest.param("tool_choice", "none", Verdict.OK, FACT, "tool_choice='none'", id="class-not-probed-judges-as-before"),
    ],
)
def test_a_user_target_judges_a_probed_value_class_by_its_probe(parameter, value, verdict, kind, value_class):
    catalog = load_catalog(target=profile_from_dict(_profile(CLASS_PROBES)))
    a = catalog.parameter("chat.completions.create", parameter, value)
    assert (a.verdict, a.kind, a.value_class) == (verdict, kind, value_class), a
    if value_class is not None and kind == PROBED:
        assert a.evidence.startswith(f"probe chat.completions.create {parameter}=")


def test_the_shipped_generic_profile_uses_class_probes_but_keeps_model_logic():
    from migrate.catalog.values import ModelFacts

    generic = load_catalog(target=False).with_profile(profile_from_dict(_profile(CLASS_PROBES)), generic=True)
    schema = generic.parameter("chat.completions.create", "response_format", SCHEMA_VALUE)
    assert schema.kind == PROBED and schema.verdict is Verdict.NEEDS_CHANGE
    # the image probe ran on the generated test model: what the served model takes decides
    vision = generic.parameter("chat.completions.create", "messages", IMAGE_MESSAGES, model=ModelFacts(multimodal=True))
    assert vision.verdict is Verdict.OK and vision.kind == FACT


def test_a_profile_without_class_probes_judges_as_before():
    old = load_catalog(target=profile_from_dict(_profile(REFUSE_TEMPERATURE)))
    none = load_catalog(target=False)
    for parameter, value in (("top_p", 0), ("response_format", SCHEMA_VALUE), ("tool_choice", "none")):
        a, b = old.parameter("chat.completions.create", parameter, value), none.parameter("chat.completions.create",
                                                                                           parameter, value)
        assert (a.verdict, a.value_class) == (b.verdict, b.value_class)
