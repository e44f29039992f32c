"""Every sentence the 12329 nodes say, as prompts (``housingfund/...``) that ``postline
prompts build`` speaks into sound files. Amounts, numbers and dates are not prompts of
their own: the call speaks them (``say_amount``, ``say_number``, ``say_date``) between
these sentences. The policy and branch texts come from :mod:`.guide`."""
from __future__ import annotations

from app import api

from . import guide

P = "housingfund/"

MENU_MAIN = P + "menu-main"
MENU_PERSONAL = P + "menu-personal"
ASK_METHOD = P + "ask-method"
ASK_ACCOUNT = P + "ask-account"
ASK_IDCARD = P + "ask-idcard"
ASK_CARD = P + "ask-card"
ASK_PASSWORD = P + "ask-password"
ASK_COMPANY = P + "ask-company"
ASK_COMPANY_PASSWORD = P + "ask-company-password"
IDENTIFIED = P + "identified"
BALANCE_IS = P + "balance-is"
DEPOSIT_IS = P + "deposit-is"
STATE_IS = P + "state-is"
NO_LOAN = P + "no-loan"
LOAN_PROGRESS = P + "loan-progress"
LOAN_BALANCE = P + "loan-balance"
LOAN_TERM = P + "loan-term"
MONTHS = P + "months"
LOAN_MONTHLY = P + "loan-monthly"
LOAN_NEXT_DUE = P + "loan-next-due"
COMPANY_STATE = P + "company-state"
COMPANY_EMPLOYEES = P + "company-employees"
PEOPLE = P + "people"
COMPANY_DEPOSIT = P + "company-deposit"
COMPANY_BALANCE = P + "company-balance"
COMPANY_PAID_UNTIL = P + "company-paid-until"
COMPANY_NOT_PAID = P + "company-not-paid"
YEAR = P + "year"
MONTH = P + "month"
BOOKING_KIND = P + "booking-kind"
BOOKING_BRANCH = P + "booking-branch"
SLOT_INTRO = P + "slot-intro"
SLOT_PRESS = P + "slot-press"
SLOT_CHOOSE = P + "slot-choose"
O_CLOCK = P + "o-clock"
MINUTES = P + "minutes"
NO_SLOT = P + "no-slot"
SLOT_TAKEN = P + "slot-taken"
BOOKED = P + "booked"
BOOKING_NUMBER = P + "booking-number"
ALREADY_BOOKED = P + "already-booked"
POLICY_MENU = P + "policy-menu"
BRANCH_MENU = P + "branch-menu"
STATE_PREFIX = P + "state-"
LOAN_STATE_PREFIX = P + "loan-state-"
POLICY_PREFIX = P + "policy/"
BRANCH_PREFIX = P + "branch/"


CHINESE_DIGITS = "零一二三四五六七八九"


def _keys(names: list[str]) -> str:
    return "，".join(f"{name}请按{CHINESE_DIGITS[i]}" for i, name in enumerate(names, 1))


SENTENCES: dict[str, str] = {
    MENU_MAIN: "个人公积金查询请按一，单位公积金查询请按二，业务预约请按三，政策指南请按四，"
               "网点查询请按五，人工服务请按零，重听请按星号键。",
    MENU_PERSONAL: "账户余额查询请按一，贷款信息查询请按二，业务预约请按三，返回上级菜单请按九，人工服务请按零。",
    ASK_METHOD: "请选择登录方式：公积金账号请按一，身份证号码请按二，公积金联名卡卡号请按三。",
    ASK_ACCOUNT: "请输入您的公积金个人账号，以井号键结束。",
    ASK_IDCARD: "请输入您的十八位身份证号码，字母X请用星号键代替，以井号键结束。",
    ASK_CARD: "请输入您的公积金联名卡卡号，以井号键结束。",
    ASK_PASSWORD: "请输入六位查询密码。",
    ASK_COMPANY: "请输入单位公积金账号，以井号键结束。",
    ASK_COMPANY_PASSWORD: "请输入单位六位查询密码。",
    IDENTIFIED: "身份验证成功。",
    BALANCE_IS: "您的公积金账户余额为",
    DEPOSIT_IS: "月缴存额为",
    STATE_IS: "账户状态为",
    STATE_PREFIX + "normal": "正常缴存。",
    STATE_PREFIX + "sealed": "封存。",
    STATE_PREFIX + "closed": "已销户。",
    NO_LOAN: "没有查到您的公积金贷款记录。",
    LOAN_PROGRESS: "您的贷款申请目前",
    LOAN_STATE_PREFIX + "received": "已受理，正在等待审核。",
    LOAN_STATE_PREFIX + "reviewing": "正在审核中。",
    LOAN_STATE_PREFIX + "approved": "已审批通过，正在办理放款。",
    LOAN_STATE_PREFIX + "repaying": "已放款，正在还款中。",
    LOAN_STATE_PREFIX + "settled": "已结清。",
    LOAN_BALANCE: "贷款余额为",
    LOAN_TERM: "贷款期限为",
    MONTHS: "个月",
    LOAN_MONTHLY: "月还款额为",
    LOAN_NEXT_DUE: "下次还款日为",
    COMPANY_STATE: "单位账户状态为",
    COMPANY_EMPLOYEES: "缴存人数为",
    PEOPLE: "人",
    COMPANY_DEPOSIT: "月汇缴额为",
    COMPANY_BALANCE: "单位账户余额为",
    COMPANY_PAID_UNTIL: "已缴存至",
    COMPANY_NOT_PAID: "尚无缴存记录。",
    YEAR: "年",
    MONTH: "月",
    BOOKING_KIND: "贷款申请预约请按一，贷款还款预约请按二，公积金提取预约请按三。",
    BOOKING_BRANCH: "请选择办理网点：" + _keys([b.name for b in guide.branches()]) + "。",
    SLOT_INTRO: "可以预约的时段有：",
    SLOT_PRESS: "请按",
    SLOT_CHOOSE: "请按时段前的数字键选择。",
    O_CLOCK: "点",
    MINUTES: "分",
    NO_SLOT: "该网点近期的预约已满，请选择其他网点或稍后再试。",
    SLOT_TAKEN: "您选择的时段刚刚约满，请重新选择。",
    BOOKED: "预约成功，请按时携带身份证件到网点办理。",
    BOOKING_NUMBER: "您的预约号是",
    ALREADY_BOOKED: "您已经预约了这个时段。",
    POLICY_MENU: "请选择政策类别：" + _keys([p.title for p in guide.POLICIES]) + "。",
    BRANCH_MENU: "请选择网点所在区域：" + _keys([d.name for d in guide.DISTRICTS]) + "。",
    **{POLICY_PREFIX + p.key: p.text for p in guide.POLICIES},
    **{BRANCH_PREFIX + b.code: b.spoken() for b in guide.branches()},
}


def prompts() -> list[api.Prompt]:
    return [api.Prompt(name, text) for name, text in SENTENCES.items()]
