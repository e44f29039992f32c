"""Team leads and inspectors keep the scoring templates: add one, give it weighted and
critical criteria (each change a new version), rename it or take it out of use without
overwriting a colleague's change, and the demo template loads once."""
from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditLog
from app.extensions import db
from app.quality import demo
from app.quality.models import QualityCriterion, QualityTemplate
from app.testing import csrf_token_from, submit


def test_a_team_lead_builds_a_template(app, people, client_for):
    lead = client_for(people["lead"])
    response = submit(lead, "/quality/templates", {"name": "投诉处理质检表", "active": "y"})
    assert response.status_code == 302
    template = db.session.scalar(select(QualityTemplate))
    page = f"/quality/templates/{template.id}"
    assert submit(lead, f"{page}/criteria", {"group": "服务态度", "text": "耐心倾听", "max_points": "40",
                                             "position": "1"}, page=page).status_code == 302
    assert submit(lead, f"{page}/criteria", {"group": "红线", "text": "不推诿", "max_points": "0", "critical": "y",
                                             "position": "2"}, page=page).status_code == 302
    db.session.expire_all()
    assert [(c.text, c.max_points, c.critical) for c in template.criteria] == [("耐心倾听", 40, False),
                                                                               ("不推诿", 0, True)]
    assert template.version == 3
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.object_type == "quality_criterion", AuditLog.actor == "lead-wang")) == 2


def test_bad_criteria_are_form_errors(app, people, template, client_for):
    lead = client_for(people["inspector"])
    page = f"/quality/templates/{template.id}"
    for data in ({"text": "", "max_points": "10", "position": "1"},
                 {"text": "零分项", "max_points": "0", "position": "1"},  # 0 points only for a critical one
                 {"text": "太多", "max_points": "1000", "position": "1"},
                 {"text": "x", "max_points": "abc", "position": "1"}):
        response = submit(lead, f"{page}/criteria", data, page=page)
        assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True), data
    assert db.session.scalar(select(func.count()).select_from(QualityCriterion)) == 3


def test_a_duplicate_name_is_refused(app, people, template, client_for):
    response = submit(client_for(people["lead"]), "/quality/templates", {"name": template.name})
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)


def test_a_stale_rename_is_refused_with_who_and_when(app, people, template, client_for):
    lead, inspector = client_for(people["lead"]), client_for(people["inspector"])
    page = f"/quality/templates/{template.id}"
    stale = lead.get(page).get_data(as_text=True)
    assert submit(inspector, page, {"name": "通用服务质检表（2027版）", "active": "y"}).status_code == 302
    version = stale.split('name="row_version" type="hidden" value="')[1].split('"')[0]
    response = lead.post(page, data={"name": "别的名字", "active": "y", "row_version": version,
                                     "csrf_token": csrf_token_from(stale)})
    assert response.status_code == 200 and "qa-li" in response.get_data(as_text=True)
    db.session.expire_all()
    assert template.name == "通用服务质检表（2027版）"


def test_a_template_out_of_use_is_not_offered(app, people, template, make_call, client_for):
    inspector = client_for(people["inspector"])
    page = f"/quality/templates/{template.id}"
    submit(inspector, page, {"name": template.name})  # the box unticked: not in use
    call = make_call(people["agent"])
    assert template.name not in inspector.get(f"/quality/calls/{call.id}").get_data(as_text=True)
    assert inspector.get(f"/quality/calls/{call.id}/score?template={template.id}").status_code == 302


def test_agents_cannot_manage_templates(app, people, template, client_for):
    assert client_for(people["agent"]).get("/quality/templates").status_code == 403


def test_the_demo_template_loads_once(app):
    first = demo.load()
    assert first["quality templates"] == 1 and demo.load() == {"quality templates": 0, "sampling rules": 0}
    template = db.session.scalar(select(QualityTemplate).where(QualityTemplate.name == demo.TEMPLATE))
    assert any(c.critical for c in template.criteria) and len(template.criteria) == len(demo.CRITERIA)
