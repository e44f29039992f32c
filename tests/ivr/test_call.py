"""The call verbs on a simulated channel: what the caller hears and what each verb gives
the node, for 0 / * / wrong keys / silence, amounts in fen, secrets, transfer variables,
recordings. Verbs that need no database run without the ``app`` fixture."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ivr import pins
from app.ivr.call import Call, mask
from app.ivr.channel import Hangup
from app.ivr.control import AgentRequested, CallEnded, NoInput, RetriesExhausted, Transferred
from app.ivr.lines import LineInfo
from app.ivr.models import PinFailure
from app.ivr.simulator import HANGUP, SimulatedChannel, info_for
from app.ivr.speech import amount_pieces, date_pieces

LINE = LineInfo(number="11185", queue="11185")
MONDAY_10H = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


def make_call(inputs=(), **kwargs) -> tuple[Call, SimulatedChannel]:
    channel = SimulatedChannel(info_for("ivr?line=11185"), inputs, **kwargs)
    return Call(channel, LINE, call_id=7), channel


def kinds(channel: SimulatedChannel) -> list[str]:
    return [str(e) for e in channel.events]


# --- menu -----------------------------------------------------------------------------------

def test_menu_returns_an_offered_key():
    call, channel = make_call(["2"])
    assert call.menu("main-menu", "123") == "2"
    assert kinds(channel) == ["prompt: main-menu", "input: 2"]


def test_zero_at_a_menu_asks_for_an_agent():
    call, _ = make_call(["0"])
    with pytest.raises(AgentRequested):
        call.menu("main-menu", "123")


def test_star_repeats_the_prompt_without_using_a_try():
    call, channel = make_call(["*", "*", "3"])
    assert call.menu("main-menu", "123", retries=0) == "3"
    assert [e.value for e in channel.events if e.kind == "prompt"] == ["main-menu"] * 3
    assert "play: invalid-input" not in kinds(channel)


def test_a_wrong_key_is_said_and_the_menu_asked_again():
    call, channel = make_call(["7", "1"])
    assert call.menu("main-menu", "12") == "1"
    assert kinds(channel) == ["prompt: main-menu", "input: 7", "play: invalid-input",
                              "prompt: main-menu", "input: 1"]


def test_wrong_keys_until_the_tries_run_out():
    call, channel = make_call(["7", "8", "9", "1"])
    with pytest.raises(RetriesExhausted):
        call.menu("main-menu", "12", retries=2)
    assert [e.value for e in channel.events if e.kind == "input"] == ["7", "8", "9"]


def test_silence_through_every_try_is_no_input():
    call, channel = make_call([None, None])
    with pytest.raises(NoInput):
        call.menu("main-menu", "12", timeout_s=5, retries=1)
    assert [e.value for e in channel.events if e.kind == "silence"] == ["5000", "5000"]


def test_idle_limit_ends_after_sixty_silent_seconds_not_after_the_tries():
    call, channel = make_call([])
    with pytest.raises(NoInput):
        call.menu("main-menu", "12", timeout_s=10, retries=1, idle_limit_s=60)
    assert sum(int(e.value) for e in channel.events if e.kind == "silence") == 60_000
    assert [e.kind for e in channel.events].count("prompt") == 6


def test_a_key_pressed_restarts_the_idle_count():
    call, channel = make_call([None, None, "9", None, None, "1"])
    assert call.menu("main-menu", "12", timeout_s=20, retries=2, idle_limit_s=60) == "1"


def test_menu_keys_are_checked():
    call, _ = make_call()
    with pytest.raises(ValueError):
        call.menu("main-menu", ["0", "1"])
    with pytest.raises(ValueError):
        call.menu("main-menu", [])


def test_zero_is_a_key_where_agents_are_not_offered():
    call, _ = make_call(["0"])
    assert call.menu("survey", "0123", allow_agent=False) == "0"


# --- ask ------------------------------------------------------------------------------------

def test_ask_validates_and_retries():
    call, channel = make_call(["12", "123456"])
    assert call.ask("ask-postcode", 6, validator=lambda d: len(d) == 6) == "123456"
    assert "play: invalid-input" in kinds(channel)


def test_ask_takes_digits_up_to_hash():
    call, _ = make_call(["1234#99"])
    assert call.ask("ask-code", 6) == "1234"


def test_ask_zero_alone_is_an_agent_but_zero_inside_a_number_is_a_digit():
    call, _ = make_call(["100010"])
    assert call.ask("ask-postcode", 6) == "100010"
    call, _ = make_call(["0"])
    with pytest.raises(AgentRequested):
        call.ask("ask-postcode", 6)


def test_secret_input_is_masked_by_the_channel():
    call, channel = make_call(["654321"])
    assert call.ask("ask-pin", 6, secret=True) == "654321"
    assert "input: ******" in kinds(channel)
    assert "654321" not in " ".join(kinds(channel))


def test_a_hangup_while_asking_reaches_the_node():
    call, _ = make_call([HANGUP])
    with pytest.raises(Hangup):
        call.ask("ask-postcode", 6)


# --- speaking -------------------------------------------------------------------------------

@pytest.mark.parametrize("fen, pieces", [
    (1205, [("number", 12), ("prompt", "money-yuan"), ("prompt", "money-ling"),
            ("number", 5), ("prompt", "money-fen")]),
    (1230, [("number", 12), ("prompt", "money-yuan"), ("number", 3), ("prompt", "money-jiao")]),
    (50, [("number", 5), ("prompt", "money-jiao")]),
    (7, [("number", 7), ("prompt", "money-fen")]),
    (10000, [("number", 100), ("prompt", "money-yuan")]),
    (0, [("number", 0), ("prompt", "money-yuan")]),
    (-150, [("prompt", "money-minus"), ("number", 1), ("prompt", "money-yuan"),
            ("number", 5), ("prompt", "money-jiao")]),
    (123456789, [("number", 1234567), ("prompt", "money-yuan"), ("number", 8),
                 ("prompt", "money-jiao"), ("number", 9), ("prompt", "money-fen")]),
])
def test_amounts_are_spoken_in_yuan_jiao_and_fen(fen, pieces):
    assert amount_pieces(fen) == pieces


@pytest.mark.parametrize("bad", [12.05, 1205.0, True, "1205"])
def test_amounts_refuse_anything_but_integer_fen(bad):
    with pytest.raises(TypeError):
        amount_pieces(bad)


def test_say_amount_and_date_on_the_channel():
    call, channel = make_call()
    call.say_amount(1205)
    call.say_date(date(2026, 11, 23))
    assert kinds(channel) == [
        "say_number: 12", "play: money-yuan", "play: money-ling", "say_number: 5", "play: money-fen",
        "say_digits: 2026", "play: date-year", "say_number: 11", "play: date-month",
        "say_number: 23", "play: date-day"]
    assert date_pieces(date(2027, 1, 5))[0] == ("digits", "2027")


def test_say_number_and_digits_refuse_other_things():
    call, _ = make_call()
    with pytest.raises(TypeError):
        call.say_number(3.5)
    with pytest.raises(ValueError):
        call.say_digits("12a")


# --- ending -----------------------------------------------------------------------------------

def test_transfer_sets_the_variables_and_ends_the_ivr():
    call, channel = make_call()
    with pytest.raises(Transferred):
        call.transfer("ems", priority=5, agent="agent7", data={"service": "EMS"})
    assert channel.variables == {"POSTLINE_QUEUE": "ems", "POSTLINE_PRIORITY": "5",
                                 "POSTLINE_AGENT": "agent7", "POSTLINE_CALL_ID": "7",
                                 "POSTLINE_STATUS": "OK"}
    assert [e.value.split("=")[0] for e in channel.events if e.kind == "set"][-1] == "POSTLINE_STATUS"
    assert call.data == {"service": "EMS"}


def test_transfer_without_a_queue_uses_the_lines():
    call, channel = make_call()
    with pytest.raises(Transferred):
        call.transfer(None)
    assert channel.variables["POSTLINE_QUEUE"] == "11185"
    assert channel.variables["POSTLINE_AGENT"] == ""


def test_hangup_says_goodbye_and_ends():
    call, channel = make_call()
    with pytest.raises(CallEnded) as ended:
        call.hangup("goodbye")
    assert kinds(channel) == ["play: goodbye", "hangup"]
    assert ended.value.outcome == "self_served"


def test_control_signals_pass_through_a_nodes_blanket_except():
    call, _ = make_call(["0"])
    with pytest.raises(AgentRequested):
        try:
            call.menu("main-menu", "1")
        except Exception:  # what a careless plugin writes
            pytest.fail("a transfer request must not be an Exception")


def test_screen_data_masks_a_secret_put_there_by_mistake():
    call, _ = make_call(["123456"])
    pin = call.ask("ask-pin", 6, secret=True)
    call.data["oops"] = pin
    call.data["note"] = f"pin was {pin}"
    call.data["nested"] = {"list": [pin]}
    assert "123456" not in repr(call.screen_data())
    assert call.scrub("error with 123456 in it") == "error with ****** in it"


def test_mask_keeps_only_the_last_digits():
    assert mask("440301199001011234") == "**************1234"
    assert mask("123456") == "******"


# --- with the database: recording, lockout, the connection released ----------------------------

@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"IVR_RECORDINGS_DIR": str(tmp_path / "recordings")}


def test_record_stores_under_the_recordings_folder(app, tmp_path):
    call, channel = make_call(record_seconds=7, now=MONDAY_10H, dry_run=False)
    recording = call.record("voicemail", max_s=60)
    assert recording.path.startswith("2026/11/23/") and recording.path.endswith("-voicemail.wav")
    assert recording.duration_s == 7 and not recording.hung_up
    assert (tmp_path / "recordings" / "2026" / "11" / "23").is_dir()
    assert channel.events[-1].value == str(tmp_path / "recordings" / recording.path)


def test_a_caller_hanging_up_after_speaking_leaves_the_recording(app):
    call, _ = make_call([HANGUP], record_seconds=12)
    recording = call.record("voicemail")
    assert recording.hung_up and recording.duration_s == 12
    with pytest.raises(Hangup):
        call.play("voicemail-thanks")


def _authenticate(inputs, now=MONDAY_10H, dry_run=False):
    call, channel = make_call(inputs, now=now, dry_run=dry_run)
    result = call.authenticate("fund", "ask-account", "ask-pin",
                               lambda account, pin: (account, pin) == ("2024000123456", "246810"))
    return result, call, channel


def test_authenticate_accepts_the_right_pin(app):
    result, call, channel = _authenticate(["2024000123456", "246810"])
    assert result == "2024000123456"
    assert call.data == {"fund.account": "*********3456", "fund.authenticated": True}


def test_three_wrong_pins_a_day_lock_the_account_and_no_pin_is_kept(app, caplog):
    caplog.set_level(logging.DEBUG)
    result, call, channel = _authenticate(["2024000123456", "111111", "222222", "333333", "246810"])
    assert result is None
    assert [e.value for e in channel.events if e.kind == "play"] == ["auth-failed", "auth-failed",
                                                                     "auth-locked"]
    assert db.session.scalar(select(func.count()).select_from(PinFailure)) == 3

    # the same day, another call, the right PIN: still locked, and not even asked for
    result, _, channel = _authenticate(["2024000123456", "246810"], now=MONDAY_10H + timedelta(hours=5))
    assert result is None
    assert [e.value for e in channel.events if e.kind == "prompt"] == ["ask-account"]
    # the next local day it opens again
    result, _, _ = _authenticate(["2024000123456", "246810"], now=MONDAY_10H + timedelta(days=1))
    assert result == "2024000123456"

    stored = " ".join(f"{r.kind} {r.account_hash}" for r in db.session.scalars(select(PinFailure)))
    everything = stored + repr(call.screen_data()) + caplog.text + " ".join(map(str, channel.events))
    for secret in ("111111", "222222", "333333", "246810", "2024000123456"):
        assert secret not in everything


def test_failures_are_counted_per_account_and_over_calls(app):
    _authenticate(["2024000123456", "111111", "246810"])  # one failure, then right
    _authenticate(["2024000123456", "222222", "246810"])  # a second failure the same day
    result, _, channel = _authenticate(["2024000123456", "333333", "246810"])
    assert result is None  # the third failure of the day locks, whatever comes after
    assert [e.value for e in channel.events if e.kind == "play"] == ["auth-locked"]
    other, _, _ = _authenticate(["2024000999999", "111111", "222222", "333333"], dry_run=True)
    assert other is None
    key = pins.account_key("fund", "2024000999999")
    assert pins.failures_on("fund", key, date(2026, 11, 23)) == 0  # a dry run counts nothing


def test_the_connection_is_released_before_the_caller_is_asked(app):
    """A node that read the database does not keep its transaction while the caller thinks."""
    from app.customers.models import Customer

    seen = []

    class Watching(SimulatedChannel):
        def get_data(self, prompt, timeout_ms, max_digits):
            seen.append(db.session().in_transaction())
            return super().get_data(prompt, timeout_ms, max_digits)

    channel = Watching(info_for(), ["1", "1"])
    call = Call(channel, LINE)
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(Customer))
        assert db.session().in_transaction()
        call.menu("main-menu", "1")
        # a transaction that wrote is left to the node: nothing is committed behind its back
        db.session.add(Customer(name="未确认", phone="139"))
        call.menu("main-menu", "1")
        db.session.rollback()
    assert seen == [False, True]
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_recording_paths_stay_inside_the_recordings_folder(app, tmp_path):
    from app.ivr.call import recording_path

    assert recording_path("2026/11/23/x-voicemail.wav") == \
        (tmp_path / "recordings" / "2026/11/23/x-voicemail.wav").resolve()
    for bad in ("../secret.wav", "/etc/passwd", "2026/../../x.wav"):
        with pytest.raises(ValueError):
            recording_path(bad)


def test_every_prompt_the_core_names_is_in_the_catalog():
    from app.ivr.prompts import texts as prompt_names

    constants = {value for name, value in vars(prompt_names).items() if name.isupper() and isinstance(value, str)}
    assert constants and constants <= set(prompt_names.PROMPTS)
    assert all(text.strip() for text in prompt_names.PROMPTS.values())
