"""The administrator's forms for agents (who a user is to Asterisk, and his skill groups)
and for the pause reasons. The checks that need the database (an interface or a code
already taken) are made by the views."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

#: A queue member interface: a device (``PJSIP/8001``) or a Local channel into the
#: dialplan (``Local/8001@agent-phone/n``).
INTERFACE = re.compile(r"^(?:(?:PJSIP|SIP|IAX2|DAHDI)/[A-Za-z0-9_.\-]+|Local/[A-Za-z0-9_.+\-]+@[A-Za-z0-9_.\-]+(?:/n)?)$")
QUEUE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
MAX_PENALTY = 100


class AgentForm(FlaskForm):
    user_id = SelectField(_l("User"), coerce=int, choices=[])
    interface = StringField(_l("Queue member interface"),
                            validators=[DataRequired(), Length(max=128),
                                        Regexp(INTERFACE, message=_l("Write the interface as PJSIP/8001 or Local/8001@agent-phone/n."))],
                            description=_l("What the queues ring: PJSIP/8001, or Local/8001@agent-phone/n"))
    member_name = StringField(_l("Member name"), validators=[Length(max=64)],
                              description=_l("The agent's name in queue_log; empty: the interface"))
    extension = StringField(_l("Extension"), validators=[Optional(), Length(max=32),
                                                         Regexp(r"^[0-9*#]+$", message=_l("An extension is digits only."))],
                            description=_l("What click-to-call rings first"))
    skill_lines = TextAreaField(_l("Skill groups"),
                           description=_l("One queue per line with its penalty (lower rings first): postline-11185 0"))
    active = BooleanField(_l("Takes calls"), default=True)

    def validate_skill_lines(self, field: TextAreaField) -> None:
        parse_skills(field.data or "")


def parse_skills(text: str) -> dict[str, int]:
    """``queue penalty`` lines (penalty optional, 0) as queue → penalty; a bad line raises
    ``ValidationError`` naming it."""
    skills: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.replace(",", " ").replace("=", " ").split()
        if not parts:
            continue
        queue, penalty = parts[0], parts[1] if len(parts) > 1 else "0"
        if len(parts) > 2 or not QUEUE.match(queue) or not penalty.isdigit() or int(penalty) > MAX_PENALTY:
            raise ValidationError(str(_l("Line %(number)d: write a queue name and a penalty from 0 to %(most)d, "
                                         "e.g. “postline-11185 0”.", number=number, most=MAX_PENALTY)))
        if queue in skills:
            raise ValidationError(str(_l("Line %(number)d: the queue %(queue)s is listed twice.",
                                         number=number, queue=queue)))
        skills[queue] = int(penalty)
    return skills


def skills_text(skills: dict[str, int]) -> str:
    return "\n".join(f"{queue} {penalty}" for queue, penalty in skills.items())


class PauseReasonForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32),
                                               Regexp(r"^[A-Za-z0-9_\-]+$",
                                                      message=_l("A code is Latin letters, digits, - and _ only."))],
                       description=_l("Sent to Asterisk and written to queue_log (PAUSE|meal)"))
    name = StringField(_l("Reason name"), validators=[DataRequired(), Length(max=64)])
    limit_minutes = IntegerField(_l("Limit (minutes)"), validators=[Optional(), NumberRange(1, 24 * 60)],
                                 description=_l("A longer pause is marked “over the limit” for the team lead; empty: no limit"))
    counts_as_work = BooleanField(_l("Counts as working time"))
    weight = IntegerField(_l("Order"), default=100, validators=[Optional(), NumberRange(0, 10000)])
    active = BooleanField(_l("Offered to agents"), default=True)
