"""Turning an inspector's points into a score, and the steps a score goes through: given,
corrected, appealed by its agent, and the appeal answered (upheld or revised).

The score is weighted: each criterion's ``max_points`` is its weight, so the score is the
points got over the points possible, as 0–100 (rounded half up). A critical criterion that
did not get its full points makes the score 0: it is an instant fail (e.g. giving a
customer's data to a stranger), not one more deduction.

A score keeps a copy of the criteria it was given with (:func:`snapshot`), so editing or
deleting a criterion later never changes a score already given, and a correction scores
against that same copy."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.agents.models import DeskCall
from app.extensions import db
from app.quality.models import APPEALED, REVISED, SCORED, UPHELD, QualityScore, QualityTemplate
from app.timeutil import utcnow


class ScoreRefused(ValueError):
    """A step the score's state does not allow (its message says why)."""


@dataclass
class Result:
    score: int
    critical_failed: bool


def snapshot(template: QualityTemplate) -> list[dict[str, Any]]:
    """The template's criteria as a score stores them (full points, no comments: an inspector deducts)."""
    return [{"group": c.group, "text": c.text, "max": c.max_points, "critical": c.critical,
             "points": c.max_points, "failed": False, "comment": ""} for c in template.criteria]


def compute(items: list[dict[str, Any]]) -> Result:
    """The weighted 0–100 score of scored items; 0 when a critical item was not met."""
    if any(item.get("failed") for item in items):
        return Result(0, True)
    possible = sum(item["max"] for item in items)
    if possible <= 0:  # only critical items, all met
        return Result(100, False)
    got = sum(min(max(item["points"], 0), item["max"]) for item in items)
    return Result((got * 200 + possible) // (2 * possible), False)  # got/possible×100, half up


def fill(items: list[dict[str, Any]], points: list[int], comments: list[str]) -> list[dict[str, Any]]:
    """The items with the points and comments the form gave, in the items' order. A critical
    item gets its full points when met; any lower value (the form sends -1) means not met."""
    filled = []
    for item, got, comment in zip(items, points, comments, strict=True):
        failed = bool(item["critical"]) and got < item["max"]
        got = 0 if failed else min(max(int(got), 0), item["max"])
        filled.append({**item, "points": got, "failed": failed, "comment": (comment or "").strip()})
    return filled


def give(call: DeskCall, template: QualityTemplate, points: list[int], comments: list[str],
         comment: str, who: str) -> QualityScore:
    """A new score of ``call`` against ``template`` (added to the session, not committed)."""
    items = fill(snapshot(template), points, comments)
    result = compute(items)
    score = QualityScore(desk_call_id=call.id, agent_id=call.agent_id, template_id=template.id,
                         template_name=template.name, template_version=template.version,
                         items=json.dumps(items, ensure_ascii=False), score=result.score,
                         critical_failed=result.critical_failed, comment=comment.strip(),
                         state=SCORED, scored_by=who, scored_at=utcnow())
    db.session.add(score)
    return score


def correct(score: QualityScore, points: list[int], comments: list[str], comment: str) -> None:
    """New points for the criteria the score was given with (the audit trail keeps the old)."""
    items = fill(score.item_list, points, comments)
    result = compute(items)
    score.items = json.dumps(items, ensure_ascii=False)
    score.score, score.critical_failed = result.score, result.critical_failed
    score.comment = comment.strip()


def appeal(score: QualityScore, reason: str) -> None:
    """The agent disputes a score; one appeal per score, while it stands as given."""
    if score.state != SCORED:
        raise ScoreRefused("state")
    score.state, score.appeal_reason, score.appealed_at = APPEALED, reason.strip(), utcnow()


def answer(score: QualityScore, answer_text: str, who: str, revised: bool) -> None:
    """The inspector's answer to an appeal: the score revised (its points corrected before
    this is called) or upheld."""
    if score.state != APPEALED:
        raise ScoreRefused("state")
    score.state = REVISED if revised else UPHELD
    score.appeal_answer, score.answered_by, score.answered_at = answer_text.strip(), who, utcnow()
