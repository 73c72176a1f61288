"""Degenerate runs end to end on the real vLLM servers, through the CLI: each gets its outcome, its exit code
and a report that says what happened (issue 9). The baseline's answers are real vLLM answers (the main server
serves the name "gpt-4o-mini", playing OpenAI); the candidate is a real vLLM server.

    truncated recordings file      -> INCONCLUSIVE (3), the skipped line listed; --allow-skipped -> GO
    prompts without answers        -> INCONCLUSIVE (3): nothing to compare with; mixed in -> GO, not counted
    unmapped model name            -> the preflight stops it (4); with --no-preflight NO-GO (1), the server's 404 by cause
    both sides failing             -> "baseline failed too", not held against the candidate: GO
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from migrate.cli import main
from migrate.record.format import Recording
from tests.report.browser import Browser

PROMPTS = ("Say hi", "Name a colour", "What is two plus two?")


def answered(base_url: str, prompts=PROMPTS, *, model: str = "gpt-4o-mini") -> list[Recording]:
    """Recordings with real answers: vLLM answering as "gpt-4o-mini" plays the baseline."""
    out = []
    with httpx.Client(base_url=base_url, timeout=120) as client:
        for prompt in prompts:
            request = {"model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": 8, "temperature": 0}
            response = client.post("/chat/completions", json=request)
            response.raise_for_status()
            out.append(Recording("/v1/chat/completions", request, response.json(), status=200, latency_ms=50.0))
    return out


def unanswered(prompts=PROMPTS, *, model: str = "gpt-4o-mini") -> list[Recording]:
    return [Recording("/v1/chat/completions", {"model": model, "messages": [{"role": "user", "content": p}], "max_tokens": 8,
                                                "temperature": 0}) for p in prompts]


def write(path: Path, recordings: list[Recording]) -> Path:
    path.write_text("".join(json.dumps(r.to_dict()) + "\n" for r in recordings))
    return path


def parity(recs: Path, out: Path, candidate: str, *extra: str):
    return CliRunner().invoke(main, ["parity", str(recs), "--candidate", candidate, "--out", str(out), "--disable", "semantic",
                                     "--max-retries", "0", "--concurrency", "2", *extra], catch_exceptions=False)


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


def reports(out: Path, browser: Browser) -> tuple[dict, str, str]:
    """The three reports; the HTML opened in headless Chromium first: no console error, the outcome shown."""
    report = json.loads((out / "report.json").read_text())
    page = browser.open(out / "report.html")
    browser.pump(0.3)
    shown = page.evaluate("document.getElementById('verdict').dataset.verdict")
    assert page.console() == [] and shown == report["verdict"]
    return report, (out / "report.html").read_text(), (out / "summary.md").read_text()


def flat(text: str) -> str:
    return " ".join(text.replace("\\", "").split())


def test_truncated_recordings_file_is_inconclusive_and_names_the_line(tmp_path, vllm_server, browser):
    recs = write(tmp_path / "recs.jsonl", answered(vllm_server.base_url))
    data = recs.read_bytes()
    recs.write_bytes(data[: data.rfind(b"\n", 0, len(data) - 1) + 40])  # the last line cut short, as a copy killed midway
    out = tmp_path / "parity"
    result = parity(recs, out, vllm_server.base_url)
    assert result.exit_code == 3, result.output
    assert "INCONCLUSIVE" in result.output and "1 line(s) skipped" in flat(result.output)
    report, html, md = reports(out, browser)
    assert report["verdict"] == "inconclusive" and report["exit_code"] == 3
    assert report["evidence"]["skipped_lines"] == 1 and report["evidence"]["compared"] == 2
    skipped = report["summary"]["skipped_lines"]["lines"]
    assert [(s["line"], s["stage"]) for s in skipped] == [(3, "recordings")] and skipped[0]["path"] == str(recs)
    assert f"{recs}:3 (recordings)" in html and 'data-verdict="inconclusive"' in html
    assert "Parity: INCONCLUSIVE" in md and f"1 line(s) skipped (first: {recs}:3:" in flat(md)

    # The good part decides when the user accepts the skipped line: the saved verdicts, no new replay.
    allowed = CliRunner().invoke(main, ["parity", "report", str(out / "verdicts.jsonl"), "--allow-skipped"])
    assert allowed.exit_code == 0, allowed.output
    assert "GO" in allowed.output and "1 line(s) skipped" in flat(allowed.output)


def test_prompts_without_baseline_answers_are_inconclusive(tmp_path, vllm_server, browser):
    recs = write(tmp_path / "recs.jsonl", unanswered())
    out = tmp_path / "parity"
    result = parity(recs, out, vllm_server.base_url)
    assert result.exit_code == 3, result.output
    assert "none of the 3 request(s) has a baseline answer" in flat(result.output)
    report, html, md = reports(out, browser)
    assert report["verdict"] == "inconclusive" and report["evidence"]["unanswered"] == 3 and report["evidence"]["compared"] == 0
    assert report["summary"]["scopes"]["all"]["passed"] == 0  # answered by the candidate, yet never a pass
    assert "none of the 3 request(s) has a baseline answer" in flat(html) and "Parity: INCONCLUSIVE" in md


def test_unanswered_prompts_mixed_in_are_not_counted_as_passes(tmp_path, vllm_server, browser):
    recs = write(tmp_path / "recs.jsonl", answered(vllm_server.base_url, PROMPTS[:2]) + unanswered(PROMPTS[2:]))
    out = tmp_path / "parity"
    result = parity(recs, out, vllm_server.base_url)
    assert result.exit_code == 0, result.output
    report, html, _ = reports(out, browser)
    assert report["evidence"]["compared"] == 2 and report["evidence"]["passed"] == 2 and report["evidence"]["unanswered"] == 1
    assert report["summary"]["scopes"]["all"]["pass_rate"] == 1.0  # 2 of 2 compared, not 3 of 3
    assert "1 request(s) have no baseline answer: not compared, not counted as passes" in report["notes"]
    assert "no baseline answer" in html


def test_unmapped_model_name_is_no_go_with_the_servers_answer(tmp_path, vllm_bare_server, browser):
    # Recorded against "gpt-4o"; the bare server serves only "tiny-llama" and no --model-map is given.
    recs = write(tmp_path / "recs.jsonl", unanswered(model="gpt-4o"))
    lines = [json.loads(line) for line in recs.read_text().splitlines()]
    for line in lines:  # give them a (hand-made) baseline answer so the candidate is the only one failing
        line["response"] = {"id": "x", "object": "chat.completion", "model": "gpt-4o", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}}
        line["status"] = 200
    recs.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "parity"
    result = parity(recs, out, vllm_bare_server.base_url)
    assert result.exit_code == 4, result.output  # the preflight stops it first, naming the model
    assert "not served: gpt-4o" in flat(result.output) and not (out / "run.jsonl").exists()
    result = parity(recs, out, vllm_bare_server.base_url, "--no-preflight")
    assert result.exit_code == 1, result.output
    assert "NO-GO" in result.output and "candidate error rate 100.0% > 2.0%" in result.output
    report, html, md = reports(out, browser)
    assert report["verdict"] == "no-go" and report["evidence"]["candidate_errors"] == 3 and report["evidence"]["both_failed"] == 0
    assert "candidate error rate 100.0% &gt; 2.0%" in html and "gpt-4o" in html and "404" in html
    assert "Parity: NO-GO" in md


def test_both_sides_failing_is_marked_and_not_held_against_the_candidate(tmp_path, vllm_server, browser):
    failed = Recording("/v1/embeddings", {"model": "gpt-4o-mini", "input": ["hello"]}, None, status=400,
                       error="400 Bad Request: this model does not support embeddings", latency_ms=20.0)
    recs = write(tmp_path / "recs.jsonl", [*answered(vllm_server.base_url), failed])
    out = tmp_path / "parity"
    result = parity(recs, out, vllm_server.base_url)
    assert result.exit_code == 0, result.output
    assert "1 failed on the baseline too" in flat(result.output)
    report, html, md = reports(out, browser)
    assert report["verdict"] == "go"
    assert report["evidence"]["both_failed"] == 1 and report["evidence"]["candidate_errors"] == 0
    assert report["evidence"]["compared"] == 3
    verdicts = [json.loads(line) for line in (out / "verdicts.jsonl").read_text().splitlines()]
    embedding = next(v for v in verdicts if v.get("endpoint") == "/v1/embeddings")
    assert embedding["status"] == "both_failed" and embedding["error"] and embedding["baseline_error"]
    assert "baseline failed too" in html and "baseline failed too" in md


def test_only_both_failing_requests_is_inconclusive(tmp_path, vllm_server, browser):
    failed = Recording("/v1/embeddings", {"model": "gpt-4o-mini", "input": ["hello"]}, None, status=400,
                       error="400 Bad Request: this model does not support embeddings")
    out = tmp_path / "parity"
    result = parity(write(tmp_path / "recs.jsonl", [failed]), out, vllm_server.base_url)
    assert result.exit_code == 3, result.output
    assert "nothing compared: 1 request(s) failed on the baseline too" in flat(result.output)
    assert reports(out, browser)[0]["verdict"] == "inconclusive"
