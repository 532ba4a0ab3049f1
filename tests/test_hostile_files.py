"""Hostile files given to the command-line tools (issue 14): every bad file is one clear
line on stderr and exit 2, fast and in bounded memory; never a traceback, never a repr.

Prints ``[figures] hostile files tried: N, tracebacks: 0, slowest: S s`` (pytest -s).
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import pytest

from readiness import cli

LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
) + "town: *i\ncountry: Romania\nanswers: {}\n"

HOSTILE: dict[str, tuple[str | bytes, str]] = {
    "billion laughs": (LAUGHS, "anchors and aliases"),
    "alias in an answer": ("x: &x generic\ntown: Mizil\nanswers: {strategy_plan: *x}\n", "anchors and aliases"),
    "integer of 5,000 digits": ("town: Mizil\nanswers:\n  strategy_years: " + "9" * 5000 + "\n", "too large"),
    "50,000-deep nesting": ('{"town": "Mizil", "answers": {"strategy_plan": ' + "[" * 50_000 + "]" * 50_000 + "}}",
                            "levels deep"),
    "town: null": ("town: null\ncountry: Romania\nanswers: {}\n", "'town' must be text, not empty (null)"),
    "a town that is a list": ("town: [Mizil]\nanswers: {}\n", "'town' must be text, not a list"),
    "an object as an answer": ("town: Mizil\nanswers: {strategy_plan: {a: 1}}\n", "not a mapping"),
    "binary tag": ("town: !!binary aGVsbG8=\nanswers: {}\n", "tags (!) are not allowed"),
    "python object tag": ("town: !!python/object/apply:os.system [ls]\n", "tags (!) are not allowed"),
    "binary file": (bytes(range(256)) * 8, "not UTF-8"),
    "2 MB file": ("town: Mizil\nanswers: {strategy_plan: '" + "x" * 2_000_000 + "'}\n", "larger than 1 MB"),
    "invisible town": ('town: "\\u200b\\u00ad\\u2066"\nanswers: {}\n', "with a letter or digit"),
    "list of objects": ("town: Mizil\nanswers: {strategy_programmes: [{a: 1}]}\n", "not a list"),
    "not a mapping": ("- a\n- b\n", "must be a mapping"),
}
SEEN: list[float] = []


@pytest.fixture(autouse=True)
def _content_once(content, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cli, "load_content", lambda directory=None: content)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_answers_file_is_one_clear_line_and_exit_2(tmp_path: Path, capsys, name):
    body, expected = HOSTILE[name]
    path = tmp_path / "answers.yaml"
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    code = cli.main(["score", str(path)])
    SEEN.append(time.perf_counter() - started)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert expected in err, err
    assert SEEN[-1] < 5, f"took {SEEN[-1]:.1f} s"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB: never the 2-3 GB of a bomb


def test_figures(capsys):
    """Runs last in this file: the figures of the hostile files above."""
    assert len(SEEN) >= len(HOSTILE)
    with capsys.disabled():
        print(f"\n[figures] hostile files tried: {len(SEEN)} (answers files: aliases, huge integers, 50,000-deep "
              f"nesting, null/list/object/binary values, tags, 2 MB), tracebacks: 0, slowest: {max(SEEN):.2f} s")


def test_a_good_file_still_scores(tmp_path: Path, capsys):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"town": "O\u0301bidos", "country": "Portugal", "answers": {"strategy_local_agenda": "generic"}}))
    assert cli.main(["score", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["town"] == "Óbidos"
