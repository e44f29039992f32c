"""服务质量: the scores per agent and template, critical failures, appeals and their outcomes,
from scores given, appealed and answered through the quality room's own steps."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.agents.models import DeskCall
from app.extensions import db
from app.quality import scoring
from app.quality.models import QualityCriterion, QualityTemplate

DAY = datetime(2026, 12, 1, 3, 0)   # 11:00 in Shanghai


def a_template(name: str) -> QualityTemplate:
    made = QualityTemplate(name=name, criteria=[
        QualityCriterion(text="标准开场白", max_points=30, position=1),
        QualityCriterion(text="答复准确", max_points=60, position=2),
        QualityCriterion(text="未泄露客户信息", max_points=10, critical=True, position=3)])
    db.session.add(made)
    db.session.commit()
    return made


def scored(agent, template, points, queue="postline-11185", at=DAY):
    call = DeskCall(agent_id=agent.id, queue=queue, offered_at=at, answered_at=at)
    db.session.add(call)
    db.session.flush()
    score = scoring.give(call, template, points, ["", "", ""], "", "qa-li")
    score.scored_at = at
    db.session.commit()
    return score


@pytest.fixture
def scores(app, make_user):
    wang, li = make_user("agent", username="wang"), make_user("agent", username="li")
    wang.display_name, li.display_name = "王芳", "李明"
    general, complaints = a_template("通用质检表"), a_template("投诉质检表")
    scored(wang, general, [30, 60, 10])                        # 100
    upheld = scored(wang, general, [20, 30, 10])               # 60, appealed, upheld
    scoring.appeal(upheld, "请复听")
    scoring.answer(upheld, "维持", "qa-li", revised=False)
    revised = scored(wang, general, [0, 60, 10])               # 70, appealed, revised to 90
    scoring.appeal(revised, "开场白已说")
    scoring.correct(revised, [20, 60, 10], ["", "", ""], "")
    scoring.answer(revised, "改判", "qa-li", revised=True)
    waiting = scored(wang, complaints, [30, 60, 0])            # critical failure: 0, appealed
    scoring.appeal(waiting, "未泄露")
    scored(li, general, [30, 30, 10], queue="postline-12329")  # 70
    scored(li, general, [30, 60, 10], at=DAY + timedelta(days=1))   # another day
    db.session.commit()


def test_scores_per_agent_and_template(scores, build_report):
    built = build_report("service-quality")
    rows = built.rows
    assert rows[0][0] == "服务质量"
    header = next(row for row in rows if row[0] == "话务员")
    assert header[1:7] == ("质检表", "质检通话数", "平均分", "红线失分次数", "红线失分比例", "申诉数")
    by = {(row[0], row[1]): row for row in rows}
    assert by[("王芳", "通用质检表")][2:] == (3, pytest.approx((100 + 60 + 90) / 3), 0, 0, 2, 1, 1, 0)
    assert by[("王芳", "投诉质检表")][2:] == (1, 0, 1, 1, 1, 0, 0, 1)
    assert by[("李明", "通用质检表")][2:4] == (1, 70)
    totals = built.by_label()["合计"]
    assert totals[2:] == (5, pytest.approx((100 + 60 + 90 + 0 + 70) / 5), 1, pytest.approx(1 / 5), 3, 1, 1, 1)


def test_one_queue(scores, build_report):
    rows = build_report("service-quality", "--queue", "postline-12329").rows
    assert [row[:3] for row in rows if row[0] in ("王芳", "李明")] == [("李明", "通用质检表", 1)]


def test_the_download_is_for_managers(scores, download_report):
    assert any(row[0] == "王芳" for row in download_report("service-quality").rows)
