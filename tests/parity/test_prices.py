"""Prices: per-token and per-GPU-hour entries, the measured throughput of a run, cost per 1,000 requests, and
config errors that name the file, the table and the key."""

from __future__ import annotations

import json

import pytest

from migrate.config import ConfigError, load_config
from migrate.parity.compare import CompareSettings, compare_run
from migrate.parity.compare.prices import cost, load_prices, measured_throughput, prices_from_config, run_cost
from migrate.parity.runfile import RunHeader
from tests.report.runs import chat_request, chat_response, record

NO_SEMANTIC = CompareSettings.build(disable=["semantic"])


def usage(requests=100, input=20_000, output=25_000):
    return {"requests": requests, "input": input, "output": output}


def test_token_prices_give_the_total_and_the_cost_per_1000_requests():
    side = cost({"gpt-4o-mini-2024-07-18": usage()}, load_prices(None), side="baseline")
    expected = (20_000 * 0.15 + 25_000 * 0.60) / 1e6  # 0.018 for 100 requests
    assert side["usd"] == pytest.approx(expected)
    assert side["per_1k"] == pytest.approx(expected * 10)
    row = side["by_model"][0]
    assert (row["basis"], row["priced_as"]) == ("tokens", "gpt-4o-mini")
    assert side["assumptions"] == [row["assumption"]]
    assert "$0.15 / $0.60 per 1M input / output tokens (priced as gpt-4o-mini)" in row["assumption"]
    assert "200 input + 250 output tokens per request over 100 request(s)" in row["assumption"]


def test_gpu_hour_with_a_given_request_rate():
    prices = load_prices({"llama": {"gpu_hour": 2.50, "gpus": 2, "requests_per_s": 4, "utilization": 0.5}})
    side = cost({"llama": usage()}, prices)
    per_request = 2 * 2.50 / (4 * 3600 * 0.5)  # $5/h over 7,200 billed requests
    assert side["per_1k"] == pytest.approx(per_request * 1000, rel=1e-5)
    assert side["usd"] == pytest.approx(per_request * 100, rel=1e-4)
    text = side["by_model"][0]["assumption"]
    assert "2 GPU x $2.50/h = $5.00/h" in text and "50% of it serving" in text
    assert "4 requests/s (14,400/h, 1,000.0 output tokens/s), given" in text


def test_gpu_hour_with_a_given_token_rate_uses_the_runs_output_tokens_per_request():
    prices = load_prices({"llama": {"gpu_hour": 3.60, "output_tokens_per_s": 1000}})
    side = cost({"llama": usage()}, prices)  # 250 output tokens per request -> 4 requests/s -> 14,400/h
    assert side["per_1k"] == pytest.approx(3.60 / 14_400 * 1000, rel=1e-5)
    assert "given as 1,000 output tokens/s / 250 output tokens per request" in side["by_model"][0]["assumption"]


def test_gpu_hour_token_rate_without_output_tokens_is_not_priced():
    prices = load_prices({"llama": {"gpu_hour": 3.60, "output_tokens_per_s": 1000}})
    side = cost({"llama": usage(output=0)}, prices)
    assert side["usd"] is None and side["per_1k"] is None and side["unpriced"] == ["llama"]
    assert "not priced: no output tokens" in side["assumptions"][0]


def test_measured_throughput_is_in_flight_over_mean_latency():
    header = {"extra": {"concurrency": 8, "rate": None}}
    t = measured_throughput({"n": 100, "mean": 2000.0}, header, 100)
    assert t == {"requests_per_s": 4.0, "in_flight": 8, "mean_latency_ms": 2000.0, "n": 100, "paced_at": None}
    # Fewer requests than slots: only those were ever in flight.
    assert measured_throughput({"n": 3, "mean": 500.0}, header, 3)["requests_per_s"] == pytest.approx(6.0)
    # A paced replay served no more than its rate.
    paced = measured_throughput({"n": 100, "mean": 2000.0}, {"extra": {"concurrency": 8, "rate": 2.5}}, 100)
    assert (paced["requests_per_s"], paced["paced_at"]) == (2.5, 2.5)
    # Nothing to measure: no concurrency recorded (an old run file) or no answered request.
    assert measured_throughput({"n": 100, "mean": 2000.0}, {"extra": {}}, 100) is None
    assert measured_throughput({"n": 0}, header, 5) is None
    assert measured_throughput(None, None, 0) is None


def test_measured_throughput_prices_the_candidate_only():
    prices = load_prices({"llama": {"gpu_hour": 7.20}})
    latency = {"all": {"candidate": {"n": 100, "mean": 2000.0}, "baseline": {"n": 100, "mean": 800.0}}}
    block = run_cost({"baseline": {"llama": usage()}, "candidate": {"llama": usage()}}, latency,
                     {"extra": {"concurrency": 8}}, 100, prices)
    assert block["throughput"]["requests_per_s"] == 4.0
    assert block["candidate_per_1k"] == pytest.approx(7.20 / 14_400 * 1000)  # $0.50
    assert "measured: 8 in flight / 2.00 s mean latency over 100 answers (Little's law)" in block["candidate"]["assumptions"][0]
    assert "not the server's capacity" in block["candidate"]["assumptions"][0]
    # The baseline's latencies were recorded elsewhere, not under this replay's concurrency.
    assert block["baseline_per_1k"] is None
    assert "not priced: no throughput (the baseline's answers were not timed by this run)" in block["baseline"]["assumptions"][0]


def test_an_unpriced_model_is_said_so_and_left_out_of_the_per_1000_figure():
    side = cost({"gpt-4o": usage(requests=10, input=1000, output=1000), "mystery": usage()}, load_prices(None))
    assert side["unpriced"] == ["mystery"] and side["requests"] == 10
    assert side["per_1k"] == pytest.approx(side["usd"] * 100)
    assert any("mystery: no price; add it to [tool.migrate.parity.prices]" in a for a in side["assumptions"])


def timed_run(path, n=40, concurrency=4, cand_ms=500.0):
    header = RunHeader(recordings="recs.jsonl", candidate={"base_url": "http://127.0.0.1:8000/v1", "model_map": {}},
                       started_at="2026-11-25T10:00:00.000Z", tool_version="0.1.0",
                       extra={"concurrency": concurrency, "rate": None, "timeout_s": 60, "max_retries": 2})
    records = [record(f"r{i}", chat_request(), chat_response("Paris.", usage=(100, 50)),
                      chat_response("Paris.", model="llama", usage=(100, 50)), cand_ms=cand_ms) for i in range(n)]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(header.to_dict()) + "\n")
        fh.writelines(json.dumps(r.to_dict()) + "\n" for r in records)
    return path


def test_compare_prices_a_self_hosted_candidate_from_the_runs_timings(tmp_path):
    (tmp_path / "migrate.toml").write_text('[parity.prices]\n"llama" = { gpu_hour = 3.60 }\n')
    run = timed_run(tmp_path / "run.jsonl")  # 4 in flight, 0.5 s each -> 8 requests/s -> 28,800 per hour
    summary = compare_run(run, config=load_config(tmp_path / "migrate.toml"), settings=NO_SEMANTIC).summary
    c = summary["cost"]
    assert c["throughput"]["requests_per_s"] == pytest.approx(8.0, rel=0.02)
    assert c["candidate_per_1k"] == pytest.approx(3.60 / 28_800 * 1000, rel=0.02)  # $0.125
    assert c["candidate_usd"] == pytest.approx(c["candidate_per_1k"] * 40 / 1000, rel=1e-3)
    assert c["baseline_per_1k"] == pytest.approx((100 * 0.15 + 50 * 0.60) / 1e6 * 1000)  # gpt-4o-mini list price


BAD_ENTRIES = [
    pytest.param('"llama" = 3', 'llama: expected { input', id="not-a-table"),
    pytest.param('"llama" = { gpus = 2 }', 'llama: gpus need gpu_hour', id="gpus-without-price"),
    pytest.param('"llama" = { gpu_hour = 2.5, input = 1.0 }', "not both", id="mixed-forms"),
    pytest.param('"llama" = { gpu_hour = 2.5, gpu = 2 }', "unknown key(s) gpu; known: gpu_hour", id="typo"),
    pytest.param('"llama" = { gpu_hour = -1 }', 'llama.gpu_hour = -1: expected a number >= 0', id="negative"),
    pytest.param('"llama" = { gpu_hour = "2.5" }', "llama.gpu_hour = '2.5'", id="string"),
    pytest.param('"llama" = { gpu_hour = 2.5, gpus = 1.5 }', 'llama.gpus = 1.5: expected a whole number', id="half-gpu"),
    pytest.param('"llama" = { gpu_hour = 2.5, utilization = 1.5 }', 'llama.utilization = 1.5', id="utilization"),
    pytest.param('"llama" = { gpu_hour = 2.5, requests_per_s = 0 }', 'llama.requests_per_s = 0', id="zero-rate"),
    pytest.param('"llama" = { gpu_hour = 2.5, requests_per_s = 2, output_tokens_per_s = 9 }', "not both", id="two-rates"),
    pytest.param('"llama-3.1-8b" = { gpu_hour = 2.5, gpus = -2 }', '"llama-3.1-8b".gpus = -2: expected a number', id="dotted-name"),
    pytest.param('"gpt-4o" = { input = 2.5, outptu = 10 }', "unknown key(s) outptu; known: input", id="token-typo"),
]


@pytest.mark.parametrize(("entry", "message"), BAD_ENTRIES)
def test_a_bad_price_names_the_file_table_and_key_in_a_pyproject(tmp_path, entry, message):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.migrate.parity.prices]\n{entry}\n")
    with pytest.raises(ConfigError) as error:
        prices_from_config(load_config(pyproject))
    text = str(error.value)
    assert text.startswith(f"{pyproject}: [tool.migrate.parity.prices] ")
    assert message in text


def test_a_bad_price_in_migrate_toml_stops_compare_with_its_table_name(tmp_path):
    (tmp_path / "migrate.toml").write_text('[parity.prices]\nllama = { gpu_hour = 2.5, gpus = 0 }\n')
    run = timed_run(tmp_path / "run.jsonl", n=2)
    with pytest.raises(ConfigError, match=r"migrate\.toml: \[parity\.prices\] llama\.gpus = 0: expected a whole number"):
        compare_run(run, config=load_config(tmp_path / "migrate.toml"), settings=NO_SEMANTIC)
    with pytest.raises(ConfigError, match=r"\[parity\.prices\] must be a table of models"):
        load_prices(["llama"], table="parity.prices")  # type: ignore[arg-type]
