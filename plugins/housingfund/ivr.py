"""The 12329 line's IVR nodes. Each talks to the fund centre only through
:func:`.centre.centre` and speaks amounts in yuan, jiao and fen (``call.say_amount``),
numbers and dates with the call's own verbs; "0" for an agent, "*" to repeat, retries and
silence are the verbs' business.

``housingfund.identify`` asks how the caller logs in (fund account, ID-card number with
``*`` for X, co-branded card number) and the six-digit password through
``call.authenticate``, which locks an account for the day after three wrong passwords:
counted per member (``lock_key``), whichever number was typed. The data nodes identify the
caller themselves when no earlier step did, so each also works entered directly
(``agi://…/node/housingfund.balance``)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from app import api

from . import guide, idcard
from . import prompts as p
from .centre import METHODS, Slot, centre
from .identity import Identity, company_of, mask_name, member_of, remember
from .models import BOOKING_KINDS

KIND = "housingfund"
COMPANY_KIND = "housingfund_company"
METHOD_TITLES = {"account": "公积金账号", "idcard": "身份证", "card": "联名卡", "company": "单位账号"}
ACCOUNT_PROMPTS = {"account": p.ASK_ACCOUNT, "idcard": p.ASK_IDCARD, "card": p.ASK_CARD}


def _account_ok(digits: str) -> bool:
    return digits.isdigit() and 6 <= len(digits) <= 20


def _card_ok(digits: str) -> bool:
    return digits.isdigit() and 16 <= len(digits) <= 19


VALIDATORS = {"account": _account_ok, "idcard": idcard.is_valid, "card": _card_ok}


def _lock_key(method: str):
    def key(typed: str) -> str | None:
        ref = centre().member_ref(method, typed)
        return f"member:{ref}" if ref else None
    return key


def identify_member(call: api.Call) -> Identity | None:
    """The caller as a member: the one identified earlier in the call, or asked now."""
    known = member_of(call)
    if known is not None:
        return known
    choice = call.menu(p.ASK_METHOD, ("1", "2", "3"), timeout_s=8)
    method = METHODS[int(choice) - 1]
    fund = centre()
    refs: dict[str, str] = {}

    def check(typed: str, password: str) -> bool:
        ref = fund.member_ref(method, typed)
        if ref is None or not fund.check_member(ref, password):
            return False
        refs["ref"] = ref
        return True

    typed = call.authenticate(KIND, ACCOUNT_PROMPTS[method], p.ASK_PASSWORD, check,
                              account_max_digits=20, account_validator=VALIDATORS[method],
                              lock_key=_lock_key(method))
    if typed is None or "ref" not in refs:
        return None
    identity = Identity(refs["ref"], method)
    facts = fund.member(identity.ref)
    name = mask_name(facts.name) if facts else ""
    remember(call, identity, f"{name} {METHOD_TITLES[method]} {api.mask(idcard.normalise(typed))}".strip())
    call.play(p.IDENTIFIED)
    return identity


def identify_company(call: api.Call) -> Identity | None:
    known = company_of(call)
    if known is not None:
        return known
    fund = centre()
    refs: dict[str, str] = {}

    def check(account: str, password: str) -> bool:
        ref = fund.company_ref(account)
        if ref is None or not fund.check_company(ref, password):
            return False
        refs["ref"] = ref
        return True

    typed = call.authenticate(COMPANY_KIND, p.ASK_COMPANY, p.ASK_COMPANY_PASSWORD, check,
                              account_max_digits=20, account_validator=_account_ok)
    if typed is None or "ref" not in refs:
        return None
    identity = Identity(refs["ref"], "company")
    remember(call, identity, f"{METHOD_TITLES['company']} {api.mask(typed)}")
    call.play(p.IDENTIFIED)
    return identity


class IdentifyNode(api.Node):
    """Personal identity; ``identified`` or ``failed`` (locked, or the tries used up)."""

    outcomes = ("identified", "failed")

    def run(self, call: api.Call) -> str:
        return "identified" if identify_member(call) else "failed"


class BalanceNode(api.Node):
    """Balance, monthly deposit and the account's state."""

    outcomes = ("done", "failed")

    def run(self, call: api.Call) -> str:
        identity = identify_member(call)
        facts = centre().member(identity.ref) if identity else None
        if facts is None:
            return "failed"
        call.play(p.BALANCE_IS)
        call.say_amount(facts.balance_fen)
        call.play(p.DEPOSIT_IS)
        call.say_amount(facts.monthly_deposit_fen)
        call.play(p.STATE_IS)
        call.play(p.STATE_PREFIX + facts.state)
        return "done"


class LoanNode(api.Node):
    """Every loan of the member: its progress, and for a loan being repaid the balance,
    term, monthly repayment and next due date. ``none`` when the member has no loan."""

    outcomes = ("done", "none", "failed")

    def run(self, call: api.Call) -> str:
        identity = identify_member(call)
        if identity is None:
            return "failed"
        loans = centre().loans(identity.ref)
        if not loans:
            call.play(p.NO_LOAN)
            return "none"
        for loan in loans:
            call.play(p.LOAN_PROGRESS)
            call.play(p.LOAN_STATE_PREFIX + loan.state)
            if loan.state != "repaying":
                continue
            call.play(p.LOAN_BALANCE)
            call.say_amount(loan.balance_fen)
            call.play(p.LOAN_TERM)
            call.say_number(loan.term_months)
            call.play(p.MONTHS)
            call.play(p.LOAN_MONTHLY)
            call.say_amount(loan.monthly_fen)
            if loan.next_due:
                call.play(p.LOAN_NEXT_DUE)
                call.say_date(loan.next_due)
        return "done"


class CompanyNode(api.Node):
    """A company's account: state, people paying in, monthly total, balance, paid up to."""

    outcomes = ("done", "failed")

    def run(self, call: api.Call) -> str:
        identity = identify_company(call)
        facts = centre().company(identity.ref) if identity else None
        if facts is None:
            return "failed"
        call.play(p.COMPANY_STATE)
        call.play(p.STATE_PREFIX + facts.state)
        call.play(p.COMPANY_EMPLOYEES)
        call.say_number(facts.employees)
        call.play(p.PEOPLE)
        call.play(p.COMPANY_DEPOSIT)
        call.say_amount(facts.monthly_deposit_fen)
        call.play(p.COMPANY_BALANCE)
        call.say_amount(facts.balance_fen)
        if facts.paid_until:
            call.play(p.COMPANY_PAID_UNTIL)
            call.say_digits(f"{facts.paid_until.year:04d}")
            call.play(p.YEAR)
            call.say_number(facts.paid_until.month)
            call.play(p.MONTH)
        else:
            call.play(p.COMPANY_NOT_PAID)
        return "done"


def say_slot(call: api.Call, slot: Slot) -> None:
    call.say_date(slot.day)
    call.say_number(slot.start.hour)
    call.play(p.O_CLOCK)
    if slot.start.minute:
        call.say_number(slot.start.minute)
        call.play(p.MINUTES)


class BookingNode(api.Node):
    """A branch visit for a loan application, a repayment or a withdrawal: kind, branch,
    then one of the next open slots. A slot taken by someone else meanwhile is said so and
    the slots are offered again. ``done`` (booked, or booked already), ``full`` (no slot
    left), ``failed`` (not identified)."""

    params_spec = (
        api.Param("slots", "int", 3, title="Slots offered at most", minimum=1),
        api.Param("tries", "int", 2, title="Offers when a slot was taken meanwhile", minimum=1),
    )
    outcomes = ("done", "full", "failed")

    def run(self, call: api.Call) -> str:
        identity = identify_member(call)
        if identity is None:
            return "failed"
        kind = BOOKING_KINDS[int(call.menu(p.BOOKING_KIND, ("1", "2", "3"))) - 1]
        branches = guide.branches()
        keys = tuple(str(i) for i in range(1, len(branches) + 1))
        branch = branches[int(call.menu(p.BOOKING_BRANCH, keys)) - 1].code
        call.data["housingfund.booking"] = f"{kind} {guide.branch_name(branch)}"
        first_day = call.local_now().date() + timedelta(days=1)
        for _ in range(self.params["tries"]):
            slots = centre().open_slots(kind, branch, first_day, limit=min(9, self.params["slots"]))
            if not slots:
                call.play(p.NO_SLOT)
                return "full"
            slot = self._choose(call, slots)
            if call.dry_run:
                call.play(p.BOOKED)
                return "done"
            result = centre().book(identity.ref, slot.id, "ivr", call_id=call.call_id)
            if result.ok:
                call.play(p.BOOKED)
                call.play(p.BOOKING_NUMBER)
                call.say_digits(f"{result.booking_id:06d}")
                call.data["housingfund.booking"] += f" {slot.day.isoformat()} {slot.start:%H:%M}"
                return "done"
            if result.reason == "already":
                call.play(p.ALREADY_BOOKED)
                return "done"
            call.play(p.SLOT_TAKEN)
        return "full"

    def _choose(self, call: api.Call, slots: list[Slot]) -> Slot:
        call.play(p.SLOT_INTRO)
        for i, slot in enumerate(slots, 1):
            say_slot(call, slot)
            call.play(p.SLOT_PRESS)
            call.say_number(i)
        keys = tuple(str(i) for i in range(1, len(slots) + 1))
        return slots[int(call.menu(p.SLOT_CHOOSE, keys)) - 1]


class PolicyNode(api.Node):
    """The policy guide by category: the caller picks one and hears it."""

    def run(self, call: api.Call) -> str:
        keys = tuple(str(i) for i in range(1, len(guide.POLICIES) + 1))
        policy = guide.POLICIES[int(call.menu(p.POLICY_MENU, keys)) - 1]
        call.play(p.POLICY_PREFIX + policy.key)
        return "done"


class BranchesNode(api.Node):
    """The branch directory by district: the caller picks one and hears its branches."""

    def run(self, call: api.Call) -> str:
        keys = tuple(str(i) for i in range(1, len(guide.DISTRICTS) + 1))
        district = guide.DISTRICTS[int(call.menu(p.BRANCH_MENU, keys)) - 1]
        for branch in district.branches:
            call.play(p.BRANCH_PREFIX + branch.code)
        return "done"


NODES = (
    ("housingfund.identify", _l("Housing fund: identify the caller"), IdentifyNode),
    ("housingfund.balance", _l("Housing fund: account balance"), BalanceNode),
    ("housingfund.loan", _l("Housing fund: loan information"), LoanNode),
    ("housingfund.company", _l("Housing fund: company account"), CompanyNode),
    ("housingfund.booking", _l("Housing fund: book a branch visit"), BookingNode),
    ("housingfund.policy", _l("Housing fund: policy guide"), PolicyNode),
    ("housingfund.branches", _l("Housing fund: branch directory"), BranchesNode),
)


def nodes() -> list[api.IVRNode]:
    return [api.IVRNode(name, title, cls, weight=60 + i) for i, (name, title, cls) in enumerate(NODES)]


def today_local() -> date:
    return api.local(api.utcnow()).date()  # type: ignore[union-attr]
