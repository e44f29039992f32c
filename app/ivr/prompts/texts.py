"""Every prompt the core's IVR plays, by name, with its Mandarin text.

One dict, declared through the IVR room's ``postline_prompts`` hook, because ``postline
prompts build`` speaks each text into ``<sounds>/<name>.wav`` and ``postline prompts check``
lists names without a file: a name used in code or in a default flow but missing here would
be silence on a real call. Plugins declare their own, named ``<plugin>/...``.

Names are file names (lowercase, digits, ``-``); the IVR engine refers to them through the
constants below where code needs them, and the default flows (:mod:`app.ivr.flows.defaults`)
by their literal names."""
from __future__ import annotations

from app.declarations import Prompt

# Names the engine and the call verbs use directly.
INVALID_INPUT = "invalid-input"
NO_INPUT = "no-input"
GOODBYE = "goodbye"
GOODBYE_NO_INPUT = "goodbye-no-input"
SORRY_ERROR = "sorry-error"
AFTER_ANSWER = "after-answer"
TRANSFER_WAIT = "transfer-wait"
VIP_WELCOME = "vip-welcome"
AUTH_FAILED = "auth-failed"
AUTH_LOCKED = "auth-locked"
BLACKLIST_REFUSAL = "blacklist-refusal"
VOICEMAIL_INTRO = "voicemail-intro"
VOICEMAIL_THANKS = "voicemail-thanks"
CALLBACK_NUMBER_IS = "callback-number-is"
CALLBACK_CONFIRM = "callback-confirm"
CALLBACK_ENTER = "callback-enter"
CALLBACK_WITHIN = "callback-within"
CALLBACK_PROMISE = "callback-promise"
SURVEY_ASK = "survey-ask"
SURVEY_THANKS = "survey-thanks"
MONEY_YUAN = "money-yuan"
MONEY_JIAO = "money-jiao"
MONEY_FEN = "money-fen"
MONEY_LING = "money-ling"
MONEY_MINUS = "money-minus"
DATE_YEAR = "date-year"
DATE_MONTH = "date-month"
DATE_DAY = "date-day"
# the line's opening hours, spoken from its calendar (:func:`app.ivr.speech.hours_pieces`)
HOURS_INTRO = "hours-intro"
HOURS_EVERY_DAY = "hours-every-day"
HOURS_ALWAYS = "hours-always"
HOURS_NEVER = "hours-never"
HOURS_TO = "hours-to"
HOURS_AND = "hours-and"
HOURS_OCLOCK = "hours-oclock"
HOURS_HALF = "hours-half"
HOURS_MINUTE = "hours-minute"
WEEKDAY_NAMES = {day: f"weekday-{day}" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

PROMPTS: dict[str, str] = {
    # the call verbs
    INVALID_INPUT: "您的输入有误，请重新输入。",
    NO_INPUT: "对不起，我们没有收到您的按键。",
    GOODBYE: "感谢您的来电，再见。",
    GOODBYE_NO_INPUT: "由于您长时间没有按键，本次通话即将结束。感谢您的来电，再见。",
    SORRY_ERROR: "对不起，系统暂时无法为您服务，正在为您转接人工服务，请稍候。",
    AFTER_ANSWER: "重听请按1，继续查询请按2，人工服务请按0，返回上一级菜单请按星号键，返回主菜单请按井号键。",
    TRANSFER_WAIT: "正在为您转接人工服务，请稍候。",
    VIP_WELCOME: "尊敬的贵宾客户，正在为您优先转接人工服务，请稍候。",
    AUTH_FAILED: "您输入的密码不正确。",
    AUTH_LOCKED: "您今天的密码输入错误次数已达上限，为保护您的账户安全，今天不能再通过电话自助查询。",
    # core nodes
    BLACKLIST_REFUSAL: "对不起，您的号码暂时无法使用本热线服务。如有疑问，请到营业网点咨询。再见。",
    VOICEMAIL_INTRO: "现在是非工作时间。请在提示音后留言，留言完毕请按井号键或直接挂机，我们将在工作时间尽快回复您。",
    VOICEMAIL_THANKS: "您的留言已经收到，感谢您的来电，再见。",
    CALLBACK_NUMBER_IS: "我们将按以下号码给您回电：",
    CALLBACK_CONFIRM: "确认请按一，使用其他号码请按二。",
    CALLBACK_ENTER: "请输入您的手机号码，或者带区号的固定电话号码，以井号键结束。",
    CALLBACK_WITHIN: "您的回电预约已经登记，我们的客服人员将在",
    CALLBACK_PROMISE: "分钟内给您回电，请保持电话畅通。感谢您的来电，再见。",
    SURVEY_ASK: "请您对本次服务进行评价：非常满意请按五，满意请按四，一般请按三，不满意请按二，非常不满意请按一。",
    SURVEY_THANKS: "感谢您的评价，再见。",
    # spoken amounts and dates (numbers themselves are spoken by Asterisk's SAY NUMBER)
    MONEY_YUAN: "元",
    MONEY_JIAO: "角",
    MONEY_FEN: "分",
    MONEY_LING: "零",
    MONEY_MINUS: "负",
    DATE_YEAR: "年",
    DATE_MONTH: "月",
    DATE_DAY: "日",
    # opening hours: "人工服务时间为" + e.g. "每天" "8" "点" "至" "20" "点"
    HOURS_INTRO: "您好，现在不是人工服务时间，人工服务时间为",
    HOURS_EVERY_DAY: "每天",
    HOURS_ALWAYS: "全天二十四小时",
    HOURS_NEVER: "暂停",
    HOURS_TO: "至",
    HOURS_AND: "和",
    HOURS_OCLOCK: "点",
    HOURS_HALF: "半",
    HOURS_MINUTE: "分",
    **dict(zip(WEEKDAY_NAMES.values(), ("周一", "周二", "周三", "周四", "周五", "周六", "周日"))),
    # the default flows of `postline demo load`
    "welcome-11185": "您好，欢迎致电中国邮政客户服务热线。",
    "menu-11185": "邮政编码查询请按一，邮件查询与速递业务请按二，报刊订阅请按三，投诉与建议请按四，"
                  "人工服务请按零，重听请按星号键。",
    # the closed-hours sentences of earlier default flows; they state hours that may no
    # longer be the line's (the lines page warns): the default flows now use core.hours
    "closed-11185": "您好，现在不是人工服务时间，人工服务时间为每天八点至二十点。",
    "welcome-12329": "您好，欢迎致电住房公积金服务热线。",
    "menu-12329": "个人公积金业务请按一，贷款业务请按二，政策咨询请按三，人工服务请按零，重听请按星号键。",
    "closed-12329": "您好，现在不是工作时间，人工服务时间为工作日八点半至十七点半。",
    "closed-intro-12329": "您好，现在不是工作时间，人工服务时间为",
    "policy-12329": "公积金缴存、提取和贷款政策，请登录住房公积金管理中心网站查询，或在工作时间按零咨询人工服务。",
}


def core_prompts() -> list[Prompt]:
    return [Prompt(name, text) for name, text in PROMPTS.items()]
