"""The repositories file: URLs, paths, GitHub queries, and a clear problem for every line it cannot use."""

from __future__ import annotations

import pytest

from migrate.fleet import parse_repos_file, parse_repos_text, resolve_queries
from migrate.pr.github import GitHubClient

TEXT = """\
# the services that call OpenAI
https://github.com/acme/billing.git
git@github.com:acme/search.git      # the search team's
ssh://git@ghe.example.com/platform/router.git

../mirrors/ledger.git
org:acme
user:alice
topic:llm org:acme
search:openai in:readme
https://github.com/acme/billing      # listed twice
"""


def test_urls_paths_and_queries(tmp_path):
    (tmp_path / "lists").mkdir()
    path = tmp_path / "lists" / "repos.txt"
    path.write_text(TEXT)
    repos = parse_repos_file(path)
    assert [(s.key, s.name, s.origin) for s in repos.sources] == [
        ("github.com/acme/billing", "acme/billing", f"{path}:2"),
        ("github.com/acme/search", "acme/search", f"{path}:3"),
        ("ghe.example.com/platform/router", "platform/router", f"{path}:4"),
        (repos.sources[3].key, "ledger", f"{path}:6"),
    ]
    assert repos.sources[3].url == str(tmp_path / "mirrors" / "ledger.git"), "relative to the file's folder"
    assert [(q.kind, q.value) for q in repos.queries] == [
        ("org", "acme"), ("user", "alice"), ("search", "topic:llm org:acme"), ("search", "openai in:readme")]
    assert repos.problems == []
    assert repos.notes == [f"{path}:11: acme/billing is already listed at {path}:2; listed once"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("two words", "one repository per line"),
        ("foo:bar", "'foo' is not a query this file knows"),
        ("search:", "search: needs a query"),
        ("https://github.com/app", "not a clone URL git understands"),
    ],
)
def test_lines_it_cannot_use_are_problems_naming_file_and_line(line, reason):
    repos = parse_repos_text(f"https://github.com/acme/ok.git\n{line}\n", "repos.txt")
    (problem,) = repos.problems
    assert problem.origin == "repos.txt:2" and reason in problem.reason
    assert [s.name for s in repos.sources] == ["acme/ok"], "the other lines are still used"


def test_credentials_in_a_url_are_never_shown():
    (source,) = parse_repos_text("https://x-access-token:ghs_secret@github.com/acme/app.git\n").sources
    assert "ghs_secret" in source.url  # git needs them
    assert "ghs_secret" not in source.shown_url and "ghs_secret" not in source.key


def test_slugs_are_unique_and_safe():
    repos = parse_repos_text("https://github.com/acme/app.git\nhttps://gitlab.com/acme/app.git\n/srv/a b/app\n")
    slugs = [s.slug for s in repos.sources]
    assert len(set(slugs)) == 2 and all("/" not in s and " " not in s for s in slugs)


def item(name, **extra):
    return {"full_name": f"acme/{name}", "clone_url": f"https://github.com/acme/{name}.git",
            "ssh_url": f"git@github.com:acme/{name}.git", "archived": False, "fork": False, **extra}


def test_org_listing_follows_pages_and_leaves_out_archived_and_forks(github):
    github.page_size = 2
    github.org_repos["acme"] = [item("a"), item("b", archived=True), item("c"), item("d", fork=True), item("e")]
    repos = parse_repos_text("org:acme\nhttps://github.com/acme/a.git\n", "repos.txt")
    with GitHubClient(github.url, "token") as client:
        resolved = resolve_queries(repos, client)
    assert [s.name for s in resolved.sources] == ["acme/a", "acme/c", "acme/e"]
    assert [s.origin for s in resolved.sources] == ["repos.txt:2", "org:acme (repos.txt:1)", "org:acme (repos.txt:1)"]
    pages = [r.query.get("page", ["1"])[0] for r in github.requests]
    assert pages == ["1", "2", "3"]
    assert "org:acme (repos.txt:1): 5 repositories listed, 1 archived, 1 forks left out" in resolved.notes


def test_topic_search_and_ssh_urls(github):
    github.org_repos["acme"] = [item("a", topics=["llm"]), item("b", topics=["web"])]
    repos = parse_repos_text("topic:llm org:acme\n")
    with GitHubClient(github.url, "token") as client:
        resolved = resolve_queries(repos, client, clone="ssh")
    assert [s.url for s in resolved.sources] == ["git@github.com:acme/a.git"]
    assert github.requests[0].path == "/search/repositories"
    assert github.requests[0].query["q"] == ["topic:llm org:acme"]


def test_a_query_that_fails_is_a_problem_and_the_rest_goes_on(github):
    repos = parse_repos_text("org:nobody\nhttps://github.com/acme/app.git\n", "repos.txt")
    with GitHubClient(github.url, "token") as client:
        resolved = resolve_queries(repos, client)
    (problem,) = resolved.problems
    assert problem.origin == "repos.txt:1" and "404" in problem.reason and "org:nobody was not found" in problem.reason
    assert [s.name for s in resolved.sources] == ["acme/app"]
