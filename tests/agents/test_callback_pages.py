"""The call-back list on the desk (/desk/callbacks): the agent's own tasks, then the pool of
his skills, due first, each with why, the number to click, the tries and an outcome form;
a team lead sees every task, filtered in the URL and paged."""
from __future__ import annotations

import pytest

from app.agents import callback_views
from app.extensions import db
from app.testing import submit
from app.tickets import callbacks
from tests.agents.callback_helpers import abandon, queue_exit, tasks


def _html(response) -> str:
    return response.get_data(as_text=True)


def _section(html: str, name: str) -> str:
    start = html.index(f'data-list="{name}"')
    return html[start:html.index("</table>", start)]


@pytest.fixture
def agent(make_agent):
    return make_agent("8001", queues={"postline-11185": 0})


def test_an_agent_sees_his_tasks_and_the_pool_of_his_skills(agent, make_agent, client_for):
    abandon("13900139001", held=30, queue="postline-11185", uniqueid="a")
    queue_exit("13900139002", "TIMEOUT", queue="postline-ems")
    abandon("13900139003", held=30, queue="postline-11185", uniqueid="c")
    mine, other_skill, pooled = tasks()
    callbacks.take(mine, agent)
    db.session.commit()
    html = _html(client_for(agent).get("/desk/callbacks"))
    assert f'data-callback-id="{mine.id}"' in _section(html, "mine")
    listed = _section(html, "listed")
    assert f'data-callback-id="{pooled.id}"' in listed and f'data-callback-id="{other_skill.id}"' not in html
    assert "排队中挂机" in listed and 'accesskey="b"' in html and "Alt+B" in html
    assert "回电任务" in _html(client_for(agent).get("/"))  # in the desk menu


def test_a_team_lead_sees_every_task_filtered_in_the_url(agent, make_user, client_for):
    abandon("13900139001", held=30, queue="postline-11185", uniqueid="a")
    queue_exit("13900139002", "TIMEOUT", queue="postline-ems")
    first, second = tasks()
    callbacks.take(first, agent)
    db.session.commit()
    lead = client_for(make_user("teamlead"))
    everything = _section(_html(lead.get("/desk/callbacks?scope=all")), "listed")
    assert f'data-callback-id="{first.id}"' in everything and f'data-callback-id="{second.id}"' in everything
    timeouts = _section(_html(lead.get("/desk/callbacks?scope=all&source=timeout")), "listed")
    assert f'data-callback-id="{first.id}"' not in timeouts and f'data-callback-id="{second.id}"' in timeouts
    assert lead.get("/desk/callbacks?scope=all&state=nonsense&queue=x&page=abc").status_code == 200
    # an agent's scope=all is the pool of his skills all the same
    own = _section(_html(client_for(agent).get("/desk/callbacks?scope=all")), "listed")
    assert f'data-callback-id="{first.id}"' not in own


def test_the_list_is_paged_with_the_filters_kept(agent, client_for, monkeypatch):
    monkeypatch.setattr(callback_views, "PER_PAGE", 2)
    for n in range(5):
        abandon(f"1390013900{n}", held=30, uniqueid=str(n))
    client = client_for(agent)
    first = _html(client.get("/desk/callbacks?source=abandoned"))
    assert first.count('data-callback-id=') == 2 and "第 1 页，共 3 页" in first
    (next_link,) = [part for part in first.split('"') if part.startswith("/desk/callbacks?page=2")]
    assert "source=abandoned" in next_link
    last = _html(client.get("/desk/callbacks?source=abandoned&page=9"))
    assert last.count('data-callback-id=') == 1


def test_the_agent_takes_a_pool_task_and_records_each_try(agent, client_for):
    abandon("13900139000", held=30)
    (task,) = tasks()
    client = client_for(agent)
    assert submit(client, f"/desk/callbacks/{task.id}/take", {}, page="/desk/callbacks").status_code == 302
    assert tasks()[0].taken_by_id == agent.id
    submit(client, f"/desk/callbacks/{task.id}/outcome", {"outcome": "busy", "note": "占线", "attempts": "0"},
           page="/desk/callbacks")
    (task,) = tasks()
    assert (task.attempts, task.taken_by_id, task.tries[0].outcome, task.tries[0].note) == (1, None, "busy", "占线")
    stale = submit(client, f"/desk/callbacks/{task.id}/outcome", {"outcome": "reached", "attempts": "0"},
                   page="/desk/callbacks", follow_redirects=True)
    assert "已被他人记录" in _html(stale)  # the form showed 0 tries: refused
    bad = submit(client, f"/desk/callbacks/{task.id}/outcome", {"outcome": "maybe"}, page="/desk/callbacks",
                 follow_redirects=True)
    assert bad.status_code == 200 and "flash error" in _html(bad)
    submit(client, f"/desk/callbacks/{task.id}/outcome", {"outcome": "reached", "attempts": "1"},
           page="/desk/callbacks")
    assert tasks()[0].state == "done"


def test_someone_elses_task_cannot_be_worked(agent, make_agent, client_for):
    colleague = make_agent("8002")
    abandon("13900139000", held=30)
    (task,) = tasks()
    callbacks.take(task, colleague)
    db.session.commit()
    response = submit(client_for(agent), f"/desk/callbacks/{task.id}/outcome", {"outcome": "reached"},
                      page="/desk/callbacks", follow_redirects=True)
    assert "flash error" in _html(response) and tasks()[0].attempts == 0


def test_the_desk_list_and_actions_need_the_desk_permission(make_user, client_for):
    abandon("13900139000", held=30)
    (task,) = tasks()
    backoffice = client_for(make_user("backoffice"))
    assert backoffice.get("/desk/callbacks").status_code == 403
    assert submit(backoffice, f"/desk/callbacks/{task.id}/take", {}, page="/").status_code == 403
    assert backoffice.get(f"/tickets/callbacks/{task.id}").status_code in (403, 404)


def test_a_callers_task_is_not_on_the_work_orders_feedback_pages(agent, client_for):
    abandon("13900139000", held=30)
    (task,) = tasks()
    client = client_for(agent)
    assert client.get(f"/tickets/callbacks/{task.id}").status_code == 404
    assert f'data-callback-id="{task.id}"' not in _html(client.get("/tickets/callbacks"))
