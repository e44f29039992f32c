"""The agent's side: his own scores with their criteria and comments (and nobody else's), his
appeal with a reason, and the inspector's answer (upheld, or revised with new points), each
step stamped with who and when."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.quality import scoring
from app.quality.models import APPEALED, REVISED, UPHELD, QualityScore
from app.testing import submit

from .conftest import UNIQUEID


def _scored(call, template, points=(20, 30, 10)) -> QualityScore:
    score = scoring.give(call, template, list(points), ["未报工号", "", ""], "继续保持", "qa-li")
    db.session.commit()
    return score


def _html(response) -> str:
    return response.get_data(as_text=True)


def test_an_agent_sees_his_scores_and_comments_not_others(app, people, make_call, template, record,
                                                         client_for):
    mine = _scored(make_call(people["agent"], uniqueid=UNIQUEID), template, (10, 30, 10))
    theirs = _scored(make_call(people["other"]), template)
    record(UNIQUEID)
    agent = client_for(people["agent"])
    listing = _html(agent.get("/quality/mine"))
    assert f'data-score-id="{mine.id}"' in listing and f'data-score-id="{theirs.id}"' not in listing
    page = _html(agent.get(f"/quality/mine/{mine.id}"))
    assert "未报工号" in page and "继续保持" in page and ">83<" in page
    assert f'src="/quality/mine/{mine.id}/audio"' in page
    assert agent.get(f"/quality/mine/{mine.id}/audio").status_code == 200
    assert agent.get(f"/quality/mine/{theirs.id}").status_code == 404
    assert agent.get(f"/quality/mine/{theirs.id}/audio").status_code == 404
    assert submit(agent, f"/quality/mine/{theirs.id}", {"reason": "x"},
                  page=f"/quality/mine/{mine.id}").status_code == 404


def test_inspectors_have_no_page_of_their_own_scores(app, people, client_for):
    assert client_for(people["inspector"]).get("/quality/mine").status_code == 403


def test_appeal_then_upheld(app, people, make_call, template, client_for):
    score = _scored(make_call(people["agent"]), template, (10, 30, 10))
    agent = client_for(people["agent"])
    assert submit(agent, f"/quality/mine/{score.id}", {"reason": "开场白已报工号，请复听"}).status_code == 302
    db.session.expire_all()
    assert score.state == APPEALED and score.appealed_at is not None and score.appeal_reason.startswith("开场白")
    inspector = client_for(people["inspector"])
    assert f'data-score-id="{score.id}"' in _html(inspector.get("/quality/scores?state=appealed"))
    response = submit(inspector, f"/quality/scores/{score.id}/answer",
                      {"decision": "uphold", "answer": "复听确认未报工号", "points_0": "20", "points_1": "30",
                       "points_2": "10", "comment": "继续保持"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (score.state, score.score, score.answered_by) == (UPHELD, 83, "qa-li") and score.answered_at
    page = _html(agent.get(f"/quality/mine/{score.id}"))
    assert "复听确认未报工号" in page and 'name="reason"' not in page  # no second appeal
    assert submit(agent, f"/quality/mine/{score.id}", {"reason": "再申诉"},
                  page="/quality/mine").status_code == 302
    db.session.expire_all()
    assert score.state == UPHELD


def test_appeal_then_revised_with_new_points(app, people, make_call, template, client_for):
    score = _scored(make_call(people["agent"]), template, (10, 30, 10))
    agent, lead = client_for(people["agent"]), client_for(people["lead"])
    submit(agent, f"/quality/mine/{score.id}", {"reason": "请复听"})
    # While the appeal waits, the score is changed only by answering it.
    assert lead.get(f"/quality/calls/{score.desk_call_id}/score").status_code == 200
    submit(lead, f"/quality/calls/{score.desk_call_id}/score",
           {"points_0": "0", "points_1": "0", "points_2": "10", "comment": ""})
    db.session.expire_all()
    assert score.score == 83
    submit(lead, f"/quality/scores/{score.id}/answer",
           {"decision": "revise", "answer": "已复听，更正", "points_0": "20", "points_1": "30", "points_2": "10",
            "comment": "复核更正"})
    db.session.expire_all()
    assert (score.state, score.score, score.answered_by, score.comment) == (REVISED, 100, "lead-wang", "复核更正")


def test_an_appeal_needs_a_reason_and_an_answer_needs_a_text(app, people, make_call, template, client_for):
    score = _scored(make_call(people["agent"]), template)
    agent = client_for(people["agent"])
    response = submit(agent, f"/quality/mine/{score.id}", {"reason": ""})
    assert response.status_code == 200 and 'role="alert"' in _html(response)
    submit(agent, f"/quality/mine/{score.id}", {"reason": "请复听"})
    response = submit(client_for(people["inspector"]), f"/quality/scores/{score.id}/answer",
                      {"decision": "bogus", "answer": "", "points_0": "20", "points_1": "30", "points_2": "10"})
    assert response.status_code == 200 and 'role="alert"' in _html(response)
    db.session.expire_all()
    assert score.state == APPEALED


def test_an_agent_cannot_answer_appeals(app, people, make_call, template, client_for):
    score = _scored(make_call(people["agent"]), template)
    assert client_for(people["agent"]).get(f"/quality/scores/{score.id}/answer").status_code == 403


def test_a_score_without_an_appeal_has_nothing_to_answer(app, people, make_call, template, client_for):
    score = _scored(make_call(people["agent"]), template)
    assert client_for(people["inspector"]).get(f"/quality/scores/{score.id}/answer").status_code == 302
    assert db.session.scalar(select(QualityScore)).state == "scored"
