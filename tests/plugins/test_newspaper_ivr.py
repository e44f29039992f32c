"""The newspaper line's IVR nodes as callers use them, through the simulator and through the
real FastAGI server driven by the Asterisk emulator, on both databases: the account and PIN
(never stored or shown), the issuing code typed as 1*1#, the order read back and saved only
after a 1, wrong input and retries, 0 for an agent, * to repeat, a hangup at every step, and
an order that a replayed command or call never saves twice."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from newspaper_kit import PIN
from sqlalchemy import select

from app.calls.models import CallRecord
from app.extensions import db
from app.ivr import flows
from app.ivr.engine import run_call
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRLine
from app.ivr.nodes.registry import node_types
from app.ivr.prompts import catalog
from app.ivr.simulator import SimulatedChannel, Transcript, info_for, simulate
from app.pluginhost import collect
from plugins.newspaper import ivr
from plugins.newspaper.models import NewspaperAddressChange, NewspaperSubscription

NOW = datetime(2026, 12, 10, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai, 2026-12-10
SUBSCRIBE = "node/newspaper.subscribe?line=11185"
CHANGE = "node/newspaper.change_address?line=11185"
CANCEL = "node/newspaper.cancel?line=11185"
MENU = "node/newspaper.menu?line=11185"


def subscriptions() -> list[NewspaperSubscription]:
    db.session.expire_all()
    return list(db.session.scalars(select(NewspaperSubscription).order_by(NewspaperSubscription.id)))


def changes() -> list[NewspaperAddressChange]:
    db.session.expire_all()
    return list(db.session.scalars(select(NewspaperAddressChange).order_by(NewspaperAddressChange.id)))


def records() -> list[CallRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CallRecord).order_by(CallRecord.id)))


def call(app, script, inputs, **options):
    return simulate(app, "", inputs, script=script, dry_run=False, now=NOW, **options)


@pytest.fixture
def account(paper_subscriber):
    return paper_subscriber.account


@pytest.fixture
def ordered(app, paper_titles, paper_subscriber):
    """A year of 1-1 from 2027-01-01 (576.00 yuan), saved by an agent."""
    from plugins.newspaper import orders

    return orders.subscribe(paper_subscriber, paper_titles["1-1"], 12, day=date(2026, 12, 10)).row


# --- declarations -------------------------------------------------------------------------

def test_the_nodes_and_their_prompts_are_declared(app):
    declared = {n.name: n for n in collect("postline_ivr_nodes") if n.plugin == "newspaper"}
    assert set(declared) == set(ivr.NODES)
    found = catalog(app)
    for name, text in ivr.SENTENCES.items():
        assert found[name].plugin == "newspaper" and found[name].text == text
    assert "星号" in found[ivr.ASK_CODE].text  # the caller is told how to type the dash


def test_prompts_check_lists_every_newspaper_prompt(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["prompts", "check", "--sounds", str(tmp_path)])
    assert set(result.stdout.splitlines()) >= set(ivr.SENTENCES)


# --- subscribe -----------------------------------------------------------------------------

def test_a_subscriber_orders_a_quarter_read_back_and_confirmed(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, PIN, "1*1#", "2", "1"])
    heard = t.heard
    assert heard[:4] == [ivr.ASK_ACCOUNT, ivr.ASK_PIN, ivr.ASK_CODE, ivr.ASK_PERIOD]
    assert heard[4:10] == [ivr.YOU_ORDER, ivr.CODE, "digits:1", ivr.DASH, "digits:1", ivr.PERIOD[3]]
    assert heard[heard.index(ivr.FROM) + 1] == "digits:2027"  # 2027年1月1日起投递
    assert ivr.TOTAL in heard and heard.index(ivr.CONFIRM) < heard.index(ivr.ORDER_SAVED)
    (row,) = subscriptions()
    assert heard[-1] == f"digits:{row.id}"
    assert (row.months, row.copies, row.start, row.end, row.amount_fen) == (3, 1, date(2027, 1, 1),
                                                                             date(2027, 4, 1), 14400)
    assert (row.channel, row.district, row.postcode) == ("ivr", "鼓楼区", "350001")
    assert t.variables["POSTLINE_OUTCOME"] == "done"
    record = records()[-1]
    data = json.loads(record.data)
    assert data["newspaper.subscription"] == row.id and data["newspaper.code"] == "1-1"
    assert account not in record.data and PIN not in record.data and PIN not in record.path


def test_pressing_2_at_the_read_back_saves_nothing(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, PIN, "1*1#", "4", "2"])
    assert t.heard[-1] == ivr.NOT_SAVED and t.variables["POSTLINE_OUTCOME"] == "declined"
    assert subscriptions() == []


def test_a_period_the_title_does_not_allow_is_refused_and_asked_again(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, PIN, "54*17#", "1", "3", "1"])  # 54-17: half-year or year
    assert t.heard.count(ivr.ASK_PERIOD) == 2 and "invalid-input" in t.heard
    (row,) = subscriptions()
    assert (row.months, row.amount_fen, row.start) == (6, 10800, date(2027, 2, 1))  # past its 5th


def test_an_unknown_code_then_a_closed_one_then_a_good_one(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, PIN, "7*7#", "9*9#", "1*1#", "1", "1"])
    assert t.heard[2:7] == [ivr.ASK_CODE, ivr.UNKNOWN_CODE, ivr.ASK_CODE_AGAIN, ivr.CLOSED, ivr.ASK_CODE_AGAIN]
    assert [(r.months, r.amount_fen) for r in subscriptions()] == [(1, 4800)]


def test_a_code_without_the_star_is_wrong_input(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, PIN, "11#", "1*1#", "1", "1"])
    assert t.heard[2:5] == [ivr.ASK_CODE, "invalid-input", ivr.ASK_CODE]
    assert len(subscriptions()) == 1


def test_three_unknown_codes_end_in_not_found(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, PIN, "7*7", "8*8", "6*6"])
    assert t.heard.count(ivr.UNKNOWN_CODE) == 3 and t.variables["POSTLINE_OUTCOME"] == "not_found"
    assert subscriptions() == []


def test_a_wrong_pin_is_said_and_three_lock_the_account(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, "111111", "222222", "333333"])
    assert t.heard.count("auth-failed") == 2 and "auth-locked" in t.heard
    assert t.variables["POSTLINE_OUTCOME"] == "failed"
    again = call(app, SUBSCRIBE, [account, PIN])  # the same day: locked even with the right PIN
    assert "auth-locked" in again.heard and ivr.ASK_PIN not in again.heard
    assert subscriptions() == []
    stored = " ".join(r.data + r.path for r in records())
    assert "111111" not in stored and PIN not in stored and account not in stored


def test_an_unknown_account_never_opens(app, paper_titles, account):
    t = call(app, SUBSCRIBE, ["12345678", PIN, PIN, PIN])
    assert t.variables["POSTLINE_OUTCOME"] == "failed" and subscriptions() == []


def test_zero_reaches_an_agent_at_every_question(app, paper_titles, account):
    answers = [account, PIN, "1*1#", "2"]
    for n in range(len(answers) + 1):
        t = call(app, SUBSCRIBE, answers[:n] + ["0"])
        assert t.variables["POSTLINE_QUEUE"] == "11185", n
    assert subscriptions() == []
    assert {r.outcome for r in records()} == {"transferred"}


def test_star_repeats_the_question(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, PIN, "*", "1*1#", "*", "1", "*", "1"])
    assert t.heard.count(ivr.ASK_CODE) == 2 and t.heard.count(ivr.ASK_PERIOD) == 2
    assert t.heard.count(ivr.CONFIRM) == 2 and len(subscriptions()) == 1


def test_silence_and_wrong_keys_at_the_confirmation_go_to_an_agent(app, paper_titles, account):
    t = call(app, SUBSCRIBE, [account, PIN, "1*1#", "1", "5", "6", "7"])
    assert t.variables["POSTLINE_QUEUE"] == "11185" and subscriptions() == []


def test_a_dry_run_saves_nothing(app, paper_titles, account):
    t = simulate(app, "", [account, PIN, "1*1#", "2", "1"], script=SUBSCRIBE, now=NOW)
    assert t.heard[-1] == ivr.ORDER_SAVED and subscriptions() == [] and records() == []


def test_a_hangup_at_any_step_saves_at_most_the_confirmed_order(app, paper_titles, account):
    inputs = [account, PIN, "1*1#", "2", "1"]
    full = call(app, SUBSCRIBE, inputs)
    confirm_at = full.heard.index(ivr.CONFIRM)
    assert len(subscriptions()) == 1
    for n in range(len(full.heard)):
        before = len(subscriptions())
        t = call(app, SUBSCRIBE, inputs, hangup_after=n)
        assert t.outcome == "hung_up", n
        # saved exactly when the caller got through the confirmation (hanging up right after the 1)
        assert len(subscriptions()) == before + (1 if n > confirm_at else 0), n
    assert all(r.ended_at is not None and r.outcome for r in records())


def test_the_same_call_run_again_does_not_save_twice(app, paper_titles, account):
    """Asterisk running the AGI again for one channel (same uniqueid): the order is found by
    its key and the caller is told it was already taken, with the same number."""
    inputs = [account, PIN, "1*1#", "2", "1"]
    heard = []
    for _ in range(2):
        channel = SimulatedChannel(info_for(SUBSCRIBE, uniqueid="1796154447.18"), inputs, now=NOW,
                                   dry_run=False)
        heard.append(Transcript(channel.events, channel.variables, run_call(app, channel)).heard)
    (row,) = subscriptions()
    assert ivr.ORDER_SAVED in heard[0] and ivr.ALREADY_SAVED in heard[1]
    assert heard[1][-1] == f"digits:{row.id}"


# --- change address and cancel ---------------------------------------------------------------

def test_a_change_of_address_to_the_second_address_from_next_month(app, ordered, account):
    t = call(app, CHANGE, [account, PIN, "1*1#", "2", "1"])
    heard = t.heard
    assert heard[heard.index(ivr.CHANGE_TO) + 1:heard.index(ivr.CHANGE_TO) + 4] == [
        "number:2", ivr.ADDRESS_POSTCODE, "digits:350004"]
    assert heard[-2:] == [ivr.CHANGE_SAVED, f"digits:{ordered.id}"]
    (change,) = changes()
    assert (change.effective, change.district, change.postcode, change.channel) == (
        date(2027, 1, 1), "台江区", "350004", "ivr")
    assert change.old_address == "鼓楼区五一北路1号"


def test_the_address_it_already_goes_to_changes_nothing(app, ordered, account):
    t = call(app, CHANGE, [account, PIN, "1*1#", "1"])
    assert t.heard[-1] == ivr.SAME_ADDRESS and t.variables["POSTLINE_OUTCOME"] == "declined"
    assert changes() == []


def test_a_number_that_is_no_registered_address_is_wrong_input(app, ordered, account):
    t = call(app, CHANGE, [account, PIN, "1*1#", "7", "2", "1"])
    assert "invalid-input" in t.heard and len(changes()) == 1


def test_a_subscriber_with_one_address_goes_to_an_agent(app, paper_titles, paper_subscriber, ordered):
    db.session.delete(paper_subscriber.addresses[1])
    db.session.commit()
    t = call(app, CHANGE, [paper_subscriber.account, PIN, "1*1#"])
    assert t.heard[-1] == ivr.NO_OTHER_ADDRESS and t.variables["POSTLINE_OUTCOME"] == "no_address"


def test_no_subscription_of_the_title_is_said(app, ordered, account):
    t = call(app, CHANGE, [account, PIN, "54*17#", "54*17#", "54*17#"])
    assert t.heard.count(ivr.NO_SUBSCRIPTION) == 3 and t.variables["POSTLINE_OUTCOME"] == "not_found"


def test_a_cancellation_refunds_the_whole_unserved_months(app, ordered, account):
    later = datetime(2027, 3, 25, 2, 0, tzinfo=timezone.utc)  # past March's 20th: April is served too
    t = simulate(app, "", [account, PIN, "1*1#", "1"], script=CANCEL, dry_run=False, now=later)
    heard = t.heard
    refund = heard.index(ivr.REFUND)
    assert heard[refund + 1:refund + 3] == ["number:8", ivr.MONTHS_FEE]  # May to December
    assert heard[-2:] == [ivr.CANCEL_SAVED, f"digits:{ordered.id}"]
    (row,) = subscriptions()
    assert (row.status, row.stop_from, row.refund_months, row.refund_fen) == (
        "cancelled", date(2027, 5, 1), 8, 8 * 4800)
    again = simulate(app, "", [account, PIN, "1*1#", "1*1#", "1*1#"], script=CANCEL, dry_run=False, now=later)
    assert again.variables["POSTLINE_OUTCOME"] == "not_found"  # nothing running to cancel


def test_the_same_cancellation_replayed_is_said_as_done_once(app, ordered, account):
    inputs = [account, PIN, "1*1#", "1"]
    heard = []
    for _ in range(2):
        channel = SimulatedChannel(info_for(CANCEL, uniqueid="1796154448.26"), inputs, now=NOW, dry_run=False)
        heard.append(Transcript(channel.events, channel.variables, run_call(app, channel)).heard)
    assert ivr.CANCEL_SAVED in heard[0] and ivr.ALREADY_SAVED in heard[1]
    (row,) = subscriptions()
    assert (row.refund_months, row.refund_fen) == (12, 12 * 4800)


def test_the_menu_keys(app, paper_titles, account):
    assert call(app, MENU, ["1"]).variables["POSTLINE_OUTCOME"] == "subscribe"
    assert call(app, MENU, ["2"]).variables["POSTLINE_OUTCOME"] == "change_address"
    assert call(app, MENU, ["3"]).variables["POSTLINE_OUTCOME"] == "cancel"
    assert call(app, MENU, ["0"]).variables["POSTLINE_OUTCOME"] == "agent"
    assert call(app, MENU, ["*", "3"]).heard == [ivr.MENU, ivr.MENU]


# --- the default 11185 flow ---------------------------------------------------------------

@pytest.fixture
def demo(app):
    default_flows.load()


def test_key_3_of_the_11185_menu_leads_to_the_newspaper_menu(app, demo, paper_titles, account):
    definition = default_flows.flow_11185(node_types())
    assert flows.validate_here(definition) == []
    menu = next(s for s in definition["steps"] if s["id"] == "menu")
    assert menu["next"]["3"] == "press-menu"
    t = simulate(app, "11185", ["3", "1", account, PIN, "1*1#", "1", "1", "4"], now=NOW, dry_run=False)
    heard = t.heard
    assert heard[heard.index(ivr.MENU) - 1] == "menu-11185"
    assert heard[heard.index(ivr.ORDER_SAVED) + 2] == "menu-11185"  # back to the main menu
    assert len(subscriptions()) == 1
    agent = simulate(app, "11185", ["3", "0"], now=NOW, dry_run=False)
    assert agent.variables["POSTLINE_QUEUE"] == "press"


# --- through the FastAGI server and the Asterisk emulator ------------------------------------

@pytest.fixture
def server(app, demo, agi_server):
    db.session.scalar(select(IVRLine).where(IVRLine.number == "11185")).calendar.hours = "{}"
    db.session.commit()
    return agi_server(app=app)


def test_over_agi_an_order_typed_with_star_and_hash(server, paper_titles, account):
    t = server.call(SUBSCRIBE, keys=[account + "#", PIN, "1*1#", "3", "1"])
    assert t.ok, t.failures
    assert ivr.ORDER_SAVED in t.heard and t.variables["POSTLINE_OUTCOME"] == "done"
    (row,) = subscriptions()
    assert (row.months, row.amount_fen) == (6, 6 * 4800)


def test_over_agi_wrong_input_then_retry_and_zero_for_an_agent(server, paper_titles, account):
    t = server.call(SUBSCRIBE, keys=[account, PIN, "12#", "1*1#", "0"])
    assert t.ok, t.failures
    assert "invalid-input" in t.heard and t.variables["POSTLINE_QUEUE"] == "11185"
    assert subscriptions() == []


def test_over_agi_the_newspaper_menu_from_the_main_menu(server, paper_titles, ordered, account):
    t = server.call("ivr?line=11185", keys=["3", "3", account, PIN, "1*1#", "1", "4"])
    assert t.ok, t.failures
    assert ivr.CANCEL_SAVED in t.heard
    assert subscriptions()[0].status == "cancelled"


def test_over_agi_a_hangup_at_every_command_leaves_a_closed_record_and_one_order(server, paper_titles,
                                                                                 account):
    keys = [account, PIN, "1*1#", "2", "1"]
    full = server.call(SUBSCRIBE, keys=keys)
    assert full.ok and full.variables["POSTLINE_OUTCOME"] == "done"
    confirm = next(i for i, step in enumerate(full.steps, start=1) if ivr.CONFIRM in str(step))
    for n in range(1, len(full.steps) + 1):
        before = len(subscriptions())
        t = server.call(SUBSCRIBE, keys=keys, hangup_at=n)
        assert t.ok, (n, t.failures)
        assert records()[-1].ended_at is not None and records()[-1].outcome, n
        # hanging up during the confirmation saves nothing; once the 1 was read, the order stands
        assert len(subscriptions()) == before + (1 if n > confirm else 0), n


def test_over_agi_the_same_uniqueid_twice_saves_one_order(server, paper_titles, account):
    keys = [account, PIN, "1*1#", "2", "1"]
    env = {"agi_uniqueid": "1796154447.99"}
    first = server.call(SUBSCRIBE, keys=keys, env=env)
    second = server.call(SUBSCRIBE, keys=keys, env=env)
    assert first.ok and second.ok, (first.failures, second.failures)
    assert ivr.ORDER_SAVED in first.heard and ivr.ALREADY_SAVED in second.heard
    assert len(subscriptions()) == 1


# --- every order node alike: 0, *, dry runs and hangups, simulator and emulator ---------------

def _inputs(node: str, account: str) -> list[str]:
    return {SUBSCRIBE: [account, PIN, "1*1#", "2", "1"], CHANGE: [account, PIN, "1*1#", "2", "1"],
            CANCEL: [account, PIN, "1*1#", "1"]}[node]


def _saved() -> int:
    """Orders, address changes and cancellations saved so far."""
    return len(subscriptions()) + len(changes()) + sum(r.status == "cancelled" for r in subscriptions())


def undo_changes() -> None:
    """Back to the running order before the next call (a fresh start for each hangup point)."""
    db.session.execute(NewspaperAddressChange.__table__.delete())
    db.session.execute(NewspaperSubscription.__table__.update().values(
        status="active", cancelled_at=None, cancel_key=None, refund_months=0, refund_fen=0, stop_from=None))
    db.session.commit()


SAVED_PROMPT = {SUBSCRIBE: ivr.ORDER_SAVED, CHANGE: ivr.CHANGE_SAVED, CANCEL: ivr.CANCEL_SAVED}
NODE_SCRIPTS = [SUBSCRIBE, CHANGE, CANCEL]


@pytest.fixture
def one_order(app, paper_titles, paper_subscriber):
    """For the address change and the cancellation: a running year of 1-1."""
    from plugins.newspaper import orders

    orders.subscribe(paper_subscriber, paper_titles["1-1"], 12, day=date(2026, 12, 10))
    return paper_subscriber.account


@pytest.mark.parametrize("script", NODE_SCRIPTS)
def test_every_node_zero_at_each_question_reaches_an_agent(app, one_order, script):
    inputs = _inputs(script, one_order)
    before = _saved()
    for n in range(len(inputs)):
        t = call(app, script, inputs[:n] + ["0"])
        assert t.variables["POSTLINE_QUEUE"] == "11185", n
    assert _saved() == before


@pytest.mark.parametrize("script", NODE_SCRIPTS)
def test_every_node_star_repeats_each_question(app, one_order, script):
    inputs = _inputs(script, one_order)
    with_stars = [key for answer in inputs for key in ("*", answer)]
    plain = call(app, script, inputs).heard
    if script != SUBSCRIBE:  # undo the first run's change, so that the second one asks the same
        undo_changes()
    starred = call(app, script, with_stars).heard
    assert SAVED_PROMPT[script] in plain and SAVED_PROMPT[script] in starred
    asked = [p for p in plain if p in (ivr.ASK_ACCOUNT, ivr.ASK_PIN, ivr.ASK_CODE, ivr.ASK_PERIOD,
                                        ivr.ASK_ADDRESS, ivr.CONFIRM)]
    for prompt in asked:
        assert starred.count(prompt) == 2 * plain.count(prompt), prompt


@pytest.mark.parametrize("script", NODE_SCRIPTS)
def test_every_node_in_a_dry_run_saves_nothing(app, one_order, script):
    before = _saved()
    t = simulate(app, "", _inputs(script, one_order), script=script, now=NOW)
    assert t.heard[-1] == SAVED_PROMPT[script]
    assert _saved() == before and records() == []


@pytest.mark.parametrize("script", NODE_SCRIPTS)
def test_every_node_a_hangup_after_any_command_saves_only_once_confirmed(app, one_order, script):
    inputs = _inputs(script, one_order)
    probe = call(app, script, inputs)
    confirm_at = probe.heard.index(ivr.CONFIRM)
    total = len(probe.heard)
    for n in range(total):
        undo_changes()
        before = _saved()
        t = call(app, script, inputs, hangup_after=n)
        assert t.outcome == "hung_up", n
        assert _saved() == before + (1 if n > confirm_at else 0), n
    assert all(r.ended_at is not None and r.outcome for r in records())


@pytest.mark.parametrize("script", NODE_SCRIPTS)
def test_over_agi_every_node_with_a_hangup_at_every_command(server, one_order, script):
    keys = _inputs(script, one_order)
    full = server.call(script, keys=keys)
    assert full.ok, full.failures
    assert SAVED_PROMPT[script] in full.heard and full.variables["POSTLINE_OUTCOME"] == "done"
    confirm = next(i for i, step in enumerate(full.steps, start=1) if ivr.CONFIRM in str(step))
    for n in range(1, len(full.steps) + 1):
        undo_changes()
        before = _saved()
        t = server.call(script, keys=keys, hangup_at=n)
        assert t.ok, (n, t.failures)
        assert records()[-1].ended_at is not None and records()[-1].outcome, n
        assert _saved() == before + (1 if n > confirm else 0), n


@pytest.mark.parametrize("script", [CHANGE, CANCEL])
def test_over_agi_wrong_code_then_retry_then_zero(server, one_order, script):
    t = server.call(script, keys=[one_order, PIN, "12#", "7*7#", "0"])
    assert t.ok, t.failures
    assert "invalid-input" in t.heard and ivr.UNKNOWN_CODE in t.heard
    assert t.variables["POSTLINE_QUEUE"] == "11185"


def test_over_agi_the_same_uniqueid_twice_changes_the_address_once(server, one_order):
    env = {"agi_uniqueid": "1796154449.31"}
    keys = _inputs(CHANGE, one_order)
    first = server.call(CHANGE, keys=keys, env=env)
    second = server.call(CHANGE, keys=keys, env=env)
    assert first.ok and second.ok
    assert ivr.CHANGE_SAVED in first.heard and ivr.ALREADY_SAVED in second.heard
    assert len(changes()) == 1


def test_prompts_build_makes_a_newspaper_prompt(app, tmp_path):
    import shutil

    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("espeak-ng and sox are not installed")
    sounds = tmp_path / "sounds"
    result = app.test_cli_runner().invoke(args=["prompts", "build", "--sounds", str(sounds), "--only", ivr.ASK_CODE])
    assert result.exit_code == 0, result.output
    assert (sounds / f"{ivr.ASK_CODE}.wav").stat().st_size > 44
