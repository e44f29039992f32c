"""Scoring a call: the weighted 0–100 score, a critical item that fails it outright, the
criteria copied into the score so later template edits leave it alone, corrections that the
audit trail keeps and that a stale form cannot overwrite, and who may score at all."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.audit.models import AuditLog
from app.extensions import db
from app.quality import scoring
from app.quality.models import QualityCriterion, QualityScore
from app.testing import submit


def _item(max_points: int, points: int, critical: bool = False) -> dict:
    return {"group": "", "text": "x", "max": max_points, "critical": critical, "points": max_points}


def test_the_score_is_weighted_by_the_criteria_points():
    items = [_item(20, 0), _item(30, 0), _item(10, 0, critical=True)]
    assert scoring.compute(scoring.fill(items, [20, 30, 10], ["", "", ""])).score == 100
    assert scoring.compute(scoring.fill(items, [10, 30, 10], ["", "", ""])).score == 83  # 50/60
    assert scoring.compute(scoring.fill(items, [0, 0, 10], ["", "", ""])).score == 17   # 10/60 = 16.7
    assert scoring.compute(scoring.fill([_item(8, 0)], [1], [""])).score == 13         # 12.5 rounds up
    assert scoring.compute(scoring.fill(items, [99, -5, 10], ["", "", ""])).score == 50  # clamped 20+0+10


def test_a_critical_item_not_met_makes_the_score_zero():
    items = [_item(20, 0), _item(30, 0), _item(10, 0, critical=True)]
    result = scoring.compute(scoring.fill(items, [20, 30, -1], ["", "", ""]))
    assert result.score == 0 and result.critical_failed
    pass_fail = [_item(10, 0), _item(0, 0, critical=True)]  # a pure gate, weighing nothing
    assert scoring.compute(scoring.fill(pass_fail, [5, 0], ["", ""])).score == 50
    assert scoring.compute(scoring.fill(pass_fail, [10, -1], ["", ""])).score == 0


def _score_page(call) -> str:
    return f"/quality/calls/{call.id}/score"


def _points(**overrides) -> dict[str, str]:
    data = {"points_0": "20", "points_1": "30", "points_2": "10", "note_0": "", "note_1": "", "note_2": "",
            "comment": ""}
    data.update(overrides)
    return data


def test_an_inspector_scores_a_call_and_the_score_is_audited(app, people, make_call, template, client_for):
    call = make_call(people["agent"])
    client = client_for(people["inspector"])
    assert "通用服务质检表" in client.get(f"/quality/calls/{call.id}").get_data(as_text=True)
    url = f"{_score_page(call)}?template={template.id}"
    response = submit(client, url, _points(points_0="10", note_0="未报工号", comment="整体尚可"))
    assert response.status_code == 302
    score = db.session.scalar(select(QualityScore))
    assert (score.score, score.agent_id, score.scored_by, score.state) == (83, people["agent"].id, "qa-li", "scored")
    assert [i["comment"] for i in score.item_list] == ["未报工号", "", ""] and score.comment == "整体尚可"
    logged = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "quality_score"))
    assert logged.action == "create" and logged.actor == "qa-li"
    page = client.get(f"/quality/calls/{call.id}").get_data(as_text=True)
    assert "未报工号" in page and ">83<" in page


def test_a_critical_fail_is_scored_zero_and_shown(app, people, make_call, template, client_for):
    call = make_call(people["agent"])
    client = client_for(people["lead"])
    submit(client, f"{_score_page(call)}?template={template.id}", _points(points_2="-1"))
    score = db.session.scalar(select(QualityScore))
    assert score.score == 0 and score.critical_failed
    assert [i["failed"] for i in score.item_list] == [False, False, True]


def test_later_template_edits_do_not_change_a_score(app, people, make_call, template, client_for):
    call = make_call(people["agent"])
    client = client_for(people["inspector"])
    submit(client, f"{_score_page(call)}?template={template.id}", _points(points_0="10"))
    before = db.session.scalar(select(QualityScore)).items
    criterion = db.session.scalar(select(QualityCriterion).where(QualityCriterion.text == "标准开场白"))
    submit(client, f"/quality/templates/{template.id}/criteria/{criterion.id}/delete", {},
           page=f"/quality/templates/{template.id}")
    submit(client, f"/quality/templates/{template.id}/criteria",
           {"group": "新", "text": "新增项", "max_points": "50", "position": "9"},
           page=f"/quality/templates/{template.id}")
    db.session.expire_all()
    score = db.session.scalar(select(QualityScore))
    assert score.items == before and score.score == 83 and score.template_version == 1
    assert template.version == 3
    # A correction scores against the criteria the score was given with, not the template's new ones.
    form = client.get(_score_page(call)).get_data(as_text=True)
    assert "标准开场白" in form and "新增项" not in form
    assert submit(client, _score_page(call), _points(points_0="20", comment="复核后更正")).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(QualityScore)).score == 100


def test_a_correction_is_kept_in_the_audit_trail(app, people, make_call, template, client_for):
    call = make_call(people["agent"])
    client = client_for(people["inspector"])
    submit(client, f"{_score_page(call)}?template={template.id}", _points(points_1="0"))
    submit(client_for(people["lead"]), _score_page(call), _points())
    update = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "quality_score",
                                                      AuditLog.action == "update"))
    assert update.actor == "lead-wang"
    assert json.loads(update.before)["score"] == 50 and json.loads(update.after)["score"] == 100


def test_a_stale_correction_is_refused_with_who_and_when(app, people, make_call, template, client_for):
    call = make_call(people["agent"])
    inspector, lead = client_for(people["inspector"]), client_for(people["lead"])
    submit(inspector, f"{_score_page(call)}?template={template.id}", _points())
    stale = lead.get(_score_page(call)).get_data(as_text=True)  # the lead opens the form...
    submit(inspector, _score_page(call), _points(points_1="15"))  # ...the inspector saves first
    from app.testing import csrf_token_from

    version = stale.split('name="row_version" type="hidden" value="')[1].split('"')[0]
    response = lead.post(_score_page(call), data={**_points(points_1="0"), "row_version": version,
                                                  "csrf_token": csrf_token_from(stale)})
    assert response.status_code == 200
    assert "qa-li" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(QualityScore)).score == 75  # the inspector's 20+15+10 of 60


@pytest.mark.parametrize("bad", [{"points_0": "21"}, {"points_0": "abc"}, {"points_2": "5"},
                                 {"comment": "x" * 5000}, {"points_1": ""}])
def test_bad_points_are_form_errors_not_500s(app, people, make_call, template, client_for, bad):
    call = make_call(people["agent"])
    response = submit(client_for(people["inspector"]), f"{_score_page(call)}?template={template.id}",
                      _points(**bad))
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    assert db.session.scalar(select(QualityScore)) is None


def test_scoring_without_a_usable_template_goes_back_to_the_call(app, people, make_call, client_for):
    call = make_call(people["agent"])
    client = client_for(people["inspector"])
    for query in ("", "?template=999", "?template=abc"):
        assert client.get(f"{_score_page(call)}{query}").status_code == 302


def test_agents_cannot_score_nor_see_the_scores(app, people, make_call, template, client_for):
    call = make_call(people["agent"])
    agent = client_for(people["agent"])
    assert agent.get(f"{_score_page(call)}?template={template.id}").status_code == 403
    assert submit(agent, f"{_score_page(call)}?template={template.id}", _points(), page="/").status_code == 403
    assert agent.get("/quality/scores").status_code == 403
    assert db.session.scalar(select(QualityScore)) is None
