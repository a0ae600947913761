"""The worked examples of docs/scoring.md are exactly what the code prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

from inspector_app.checklist import get_checklist, make_answers, score_answers

DOC = Path(__file__).resolve().parents[3] / "docs" / "scoring.md"
BLOCK = re.compile(r"```(json|text) example-(\d+)\n(.*?)\n```", re.S)


def _blocks() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for kind, number, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        found.setdefault(number, {})[kind] = body
    return found


def test_three_examples_match_the_code() -> None:
    blocks = _blocks()
    assert sorted(blocks) == ["1", "2", "3"]
    levels = {}
    for number, parts in blocks.items():
        data = json.loads(parts["json"])
        result = score_answers(get_checklist(), make_answers(data["answers"], data.get("figures")))
        # the text the score command prints by default (Chinese; --lang en prints the English)
        text = "\n".join(line.render("zh_CN") for line in result.explanation())
        assert text == parts["text"], f"example {number}"
        levels[number] = result
    # one just below level 2 for lack of constrained scenes, one at level 2, one at level 3
    below = levels["1"]
    check2 = next(c for c in below.level_checks if c.level == 2)
    assert below.level == 1 and check2.score_ok and check2.scenes_ok and not check2.constrained_ok
    assert levels["2"].level == 2
    assert levels["3"].level == 3
    assert levels["3"].contradictions
