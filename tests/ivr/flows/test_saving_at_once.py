"""Versions saved at the same moment by two web processes (two threads, two database
connections): both are stored under their own numbers, or, from editors opened on the same
version, one is stored and the other told who came first. Saving the latest version again
stores nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ivr import flows
from app.ivr.models import IVRFlow, IVRFlowVersion
from app.testing.concurrency import at_once


def _welcome(prompt: str) -> dict:
    return {"steps": [{"id": "hello", "type": "core.play", "params": {"prompt": prompt},
                       "next": {"done": "bye"}}, {"id": "bye", "type": "core.hangup"}]}


def _reads_versions(sql: str) -> bool:
    return sql.lstrip().upper().startswith("SELECT") and "FROM ivr_flow_version" in sql


def _numbers(name: str) -> list[int]:
    db.session.rollback()
    return sorted(db.session.scalars(select(IVRFlowVersion.number).join(IVRFlow, IVRFlow.id == IVRFlowVersion.flow_id)
                                     .where(IVRFlow.name == name)))


def _save(name: str, prompt: str, **kwargs):
    return lambda: flows.save_version(name, _welcome(prompt), author=prompt, **kwargs).number


def test_two_saves_at_once_both_get_a_version_of_their_own(app):
    flows.save_version("hotline", _welcome("welcome-11185"), author="first")
    results = at_once(app, [_save("hotline", "welcome-12329"), _save("hotline", "sorry-error")],
                      _reads_versions)
    assert sorted(results) == [2, 3]
    assert _numbers("hotline") == [1, 2, 3]


def test_two_new_flows_of_one_name_at_once_are_both_kept_as_versions(app):
    results = at_once(app, [_save("fresh", "welcome-12329"), _save("fresh", "sorry-error")],
                      _reads_versions)
    assert sorted(results) == [1, 2]


def test_two_editors_opened_on_one_version_one_saves_the_other_is_told(app):
    flows.save_version("hotline", _welcome("welcome-11185"), author="first")
    results = at_once(app, [_save("hotline", "welcome-12329", based_on=1),
                            _save("hotline", "sorry-error", based_on=1)], _reads_versions)
    saved = [r for r in results if r == 2]
    refused = [r for r in results if isinstance(r, flows.FlowChanged)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert refused[0].number == 2 and refused[0].author in ("welcome-12329", "sorry-error")
    assert refused[0].at is not None
    assert _numbers("hotline") == [1, 2]


def test_an_editor_opened_before_the_latest_version_is_refused(app):
    flows.save_version("hotline", _welcome("welcome-11185"), author="first")
    flows.save_version("hotline", _welcome("welcome-12329"), author="second")
    with pytest.raises(flows.FlowChanged) as caught:
        flows.save_version("hotline", _welcome("sorry-error"), author="late", based_on=1)
    assert (caught.value.number, caught.value.author) == (2, "second")
    assert _numbers("hotline") == [1, 2]


def test_saving_the_latest_definition_again_makes_no_new_version(app):
    flows.save_version("hotline", _welcome("welcome-11185"), title="热线")
    with pytest.raises(flows.NothingChanged) as caught:
        flows.save_version("hotline", _welcome("welcome-11185"), title="热线", based_on=1)
    assert caught.value.number == 1
    retitled = flows.save_version("hotline", _welcome("welcome-11185"), title="新热线", based_on=1)
    assert retitled.number == 1
    assert _numbers("hotline") == [1]
    assert db.session.scalar(select(IVRFlow.title)) == "新热线"
