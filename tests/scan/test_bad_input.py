"""Bad input never stops a scan: each case becomes a Skipped entry with the reason, and the rest is scanned."""

from __future__ import annotations

import errno
import os

import pytest

from migrate.scan import scan
from migrate.scan.detect import source as source_mod

GOOD = "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[])\n"


def skipped_by_path(result):
    return {s.path: s for s in result.skipped}


def assert_good_file_still_found(result):
    assert [(f.path, f.endpoint) for f in result.findings if f.kind.value == "call"] == [("good.py", "chat.completions.create")]


CASES = [
    pytest.param("bad.py", "import openai\ndef f(:\n    pass\n", "syntax error", 2, id="syntax-error"),
    pytest.param("py2.py", 'import openai\nprint "hello"\n', "python 2 syntax", 2, id="python2-print"),
    pytest.param("py2_except.py", "import openai\ntry:\n    pass\nexcept Exception, e:\n    pass\n", "python 2 syntax", 4, id="python2-except"),
    pytest.param("latin.py", b"import openai\nname = '\xe9t\xe9'\n", "not UTF-8", 2, id="non-utf8-no-cookie"),
    pytest.param("bin.py", b"openai\x00\x01\x02", "binary", None, id="binary"),
    pytest.param("huge.py", b"# openai\n" + b"x = 1\n" * 900_000, "too large", None, id="huge-generated"),
    pytest.param("minified.py", b"import openai;" + b"x=1;" * 80_000, "too large", None, id="minified-one-line"),
]


@pytest.mark.parametrize("name, content, reason, line", CASES)
def test_bad_files_are_skipped_with_reason(write_tree, name, content, reason, line):
    root = write_tree({"good.py": GOOD, name: content})
    result = scan([root])
    skipped = skipped_by_path(result)
    assert set(skipped) == {name}
    assert (skipped[name].reason, skipped[name].line) == (reason, line)
    assert skipped[name].detail  # always says what is wrong
    assert_good_file_still_found(result)


def test_pep263_cookie_is_honoured(write_tree):
    root = write_tree({"good.py": GOOD, "latin.py": b"# -*- coding: latin-1 -*-\nimport openai\nopenai.api_key = '\xe9'\n"})
    result = scan([root])
    assert result.skipped == ()
    assert ("latin.py", "config") in {(f.path, f.kind.value) for f in result.findings}


def test_non_utf8_detail_names_the_byte_and_offset(write_tree):
    root = write_tree({"good.py": GOOD, "latin.py": b"import openai\nname = '\xe9'\n"})
    [skipped] = scan([root]).skipped
    assert "0xe9" in skipped.detail and "offset 22" in skipped.detail and "coding cookie" in skipped.detail


def test_symlink_loop(write_tree):
    root = write_tree({"good.py": GOOD, "pkg/mod.py": "x = 1\n"})
    os.symlink(root / "pkg", root / "pkg" / "again")  # a folder that contains itself
    os.symlink(root / "self.py", root / "self.py")  # a file link to itself
    result = scan([root])
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons == {"pkg/again": "symlink loop", "self.py": "symlink loop"}
    assert_good_file_still_found(result)


def test_permission_denied_file(write_tree, monkeypatch):
    # Tests run as root, where chmod 000 does not stop reads: make open() fail the way it does for other users.
    root = write_tree({"good.py": GOOD, "secret.py": GOOD})
    real_open = open

    def guarded_open(path, *args, **kwargs):
        if str(path).endswith("secret.py"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded_open)
    result = scan([root], jobs=1)
    [skipped] = result.skipped
    assert (skipped.path, skipped.reason) == ("secret.py", "permission denied")
    assert_good_file_still_found(result)


def test_unlistable_directory(write_tree, monkeypatch):
    root = write_tree({"good.py": GOOD, "locked/inner.py": GOOD})
    real_scandir = os.scandir

    def guarded_scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded_scandir)
    result = scan([root])
    assert [(s.path, s.reason) for s in result.skipped] == [("locked", "permission denied")]
    assert_good_file_still_found(result)


def test_detector_crash_on_one_file_is_reported_not_raised(write_tree, monkeypatch):
    root = write_tree({"good.py": GOOD, "odd.py": "import openai\nx = 1\n"})
    real_parse = source_mod.parse

    def parse(source, filename):
        if filename == "odd.py":
            raise RuntimeError("boom")
        return real_parse(source, filename)

    monkeypatch.setattr(source_mod, "parse", parse)
    result = scan([root], jobs=1)
    [skipped] = result.skipped
    assert (skipped.path, skipped.reason) == ("odd.py", "internal error") and "boom" in skipped.detail
    assert_good_file_still_found(result)


def test_files_without_any_openai_mention_are_not_parsed(write_tree):
    root = write_tree({"good.py": GOOD, "broken_but_irrelevant.py": "def f(:\n"})
    result = scan([root])
    assert result.skipped == () and (result.files_scanned, result.files_parsed) == (2, 1)
