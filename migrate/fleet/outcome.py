"""What happened to each repository, and where the organisation stands: the rows of the fleet summary.

Status, from the most to the least urgent (a repository gets the first that applies):

    failed          something stopped it: unreachable, broken git, a push refused, GitHub said no (see reason)
    blocked         the code calls endpoints vLLM does not serve (verdict "unsupported"): a person decides
    pending-review  the migration pull request is open (or the branch is pushed, to open by hand)
    to-migrate      the rewrite has changes to make and no pull request holds them yet (dry run, report)
    done            OpenAI use was found and the default branch already holds the rewrite: nothing left to change
    no-openai       no OpenAI use found
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

STATUSES = ("failed", "blocked", "pending-review", "to-migrate", "done", "no-openai")
STATUS_TITLES = {
    "failed": "Failed",
    "blocked": "Blocked on unsupported endpoints",
    "pending-review": "Pending review",
    "to-migrate": "To migrate",
    "done": "Done",
    "no-openai": "No OpenAI use",
}
VERDICT_ORDER = ("unsupported", "needs-change", "needs-server-flag", "ignored-by-vllm", "ok")
FINAL = frozenset({"blocked", "pending-review", "done", "no-openai"})  # a later run may skip these when nothing changed


@dataclass
class RepoOutcome:
    key: str
    name: str
    url: str  # credentials removed
    origin: str  # the repositories file's line (or the query) it came from
    status: str = "failed"
    reason: str = ""  # why it failed, or why no pull request was opened
    step: str = ""  # the last step finished: probed, synced, scanned, planned, done
    base: str = ""
    base_sha: str = ""
    branch: str = ""
    branch_sha: str | None = None  # the migration branch on the remote after this run
    pushed_sha: str | None = None  # the last commit this fleet pushed to it (this run or an earlier one)
    verdicts: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    unsupported_endpoints: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    review_count: int = 0  # places the rewrite leaves for a person
    skipped_files: int = 0  # files the scan could not read or parse
    pr_url: str | None = None
    pr_number: int | None = None
    pr_action: str = ""  # created, updated, found
    branch_action: str = ""  # create, replace, reuse
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False  # nothing changed since the last run: skipped without touching anything
    seconds: float = 0.0
    fingerprint: str = ""
    updated: str = ""

    @property
    def shown_reason(self) -> str:
        """The summary's last column: the pull request, or why there is none."""
        return self.pr_url or self.reason

    def verdict_text(self, endpoints: bool = True) -> str:
        """ "1 unsupported (images.generate), 3 needs-change": the findings by verdict, worst first."""
        parts = [f"{self.verdicts[v]} {v}" for v in VERDICT_ORDER if self.verdicts.get(v)]
        if endpoints and parts and self.unsupported_endpoints and self.verdicts.get("unsupported"):
            parts[0] += f" ({', '.join(self.unsupported_endpoints)})"
        return ", ".join(parts) if parts else "none"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RepoOutcome:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def classify(outcome: RepoOutcome, *, pushed: bool, would_change: bool, nothing_to_change: bool) -> None:
    """Set `outcome.status` from what the run found (see the module doc for the order)."""
    if outcome.findings == 0:
        outcome.status = "no-openai"
    elif outcome.verdicts.get("unsupported"):
        outcome.status = "blocked"
        if not outcome.pr_url:
            outcome.reason = outcome.reason or "unsupported: " + ", ".join(outcome.unsupported_endpoints)
    elif outcome.pr_url or pushed:
        outcome.status = "pending-review"
    elif would_change:
        outcome.status = "to-migrate"
    elif nothing_to_change:
        outcome.status = "done"
    else:
        outcome.status = "failed"
        outcome.reason = outcome.reason or "the run ended without a result"


def count_by_status(outcomes: list[RepoOutcome]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    return counts


def total_verdicts(outcomes: list[RepoOutcome]) -> dict[str, int]:
    totals = dict.fromkeys(VERDICT_ORDER, 0)
    for o in outcomes:
        for verdict, n in o.verdicts.items():
            totals[verdict] = totals.get(verdict, 0) + n
    return totals
