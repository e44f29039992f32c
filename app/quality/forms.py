"""The quality room's forms. The scoring form is built for the criteria it scores: one
points choice and one comment per criterion (a critical one is met or not met)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.quality.models import COMPLAINTS, RANDOM
from app.timeutil import parse_day

MOST_POINTS = 100


class TemplateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    active = BooleanField(_l("In use"), default=True,
                          description=_l("Only templates in use are offered on the scoring form."))
    #: The template's ``row_version`` when the form was opened (:mod:`app.audit.editing`).
    row_version = HiddenField()


class CriterionForm(FlaskForm):
    group = StringField(_l("Group"), validators=[Optional(), Length(max=64)],
                        description=_l("e.g. 服务态度, 业务能力; criteria of one group are shown together."))
    text = StringField(_l("Criterion"), validators=[DataRequired(), Length(max=255)])
    max_points = IntegerField(_l("Points (weight)"), default=10,
                              validators=[InputRequired(), NumberRange(0, MOST_POINTS)],
                              description=_l("The most this criterion can give; its weight in the score. "
                                             "A critical criterion may have 0: it only decides pass or "
                                             "fail."))
    critical = BooleanField(_l("Critical (instant fail)"),
                            description=_l("Not met: the whole score is 0."))
    position = IntegerField(_l("Order"), default=100, validators=[InputRequired(), NumberRange(0, 10000)])

    def validate_max_points(self, field: IntegerField) -> None:
        if field.data == 0 and not self.critical.data:
            raise ValidationError(_l("Only a critical criterion may have 0 points."))


class RuleForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    kind = SelectField(_l("Rule"), choices=[SelectChoice(RANDOM, _l("Random calls per agent per week")),
                                            SelectChoice(COMPLAINTS, _l("Every complaint call"))])
    per_agent = IntegerField(_l("Calls per agent per week"), default=5,
                             validators=[InputRequired(), NumberRange(1, 100)],
                             description=_l("Only for the random rule."))
    queue = StringField(_l("Queue"), validators=[Optional(), Length(max=64)],
                        description=_l("Empty: calls of every queue."))


class DrawForm(FlaskForm):
    week = StringField(_l("Week"), validators=[DataRequired()],
                       description=_l("Any day of the week (YYYY-MM-DD)."))

    def validate_week(self, field: StringField) -> None:
        if parse_day((field.data or "").strip()) is None:
            raise ValidationError(_l("Not a date (YYYY-MM-DD)."))


class AppealForm(FlaskForm):
    reason = TextAreaField(_l("Why the score is wrong"), validators=[DataRequired(), Length(max=4000)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


class ScoreFormBase(FlaskForm):
    comment = TextAreaField(_l("Overall comment"), validators=[Optional(), Length(max=4000)])
    row_version = HiddenField()

    items: list[dict[str, Any]] = []

    def rows(self) -> list[tuple[dict[str, Any], Any, Any]]:
        """(criterion, points field, comment field) in the criteria's order."""
        return [(item, self[f"points_{n}"], self[f"note_{n}"]) for n, item in enumerate(self.items)]

    def points(self) -> list[int]:
        return [int(self[f"points_{n}"].data) for n in range(len(self.items))]

    def notes(self) -> list[str]:
        return [self[f"note_{n}"].data or "" for n in range(len(self.items))]


class AnswerFields:
    decision = RadioField(_l("Answer"), choices=[
        SelectChoice("uphold", _l("Uphold the score")),
        SelectChoice("revise", _l("Revise the score with the points below"))],
                          default="uphold")
    answer = TextAreaField(_l("Answer to the agent"), validators=[DataRequired(), Length(max=4000)])


def score_form(items: list[dict[str, Any]], *, answering: bool = False, **kwargs: Any) -> ScoreFormBase:
    """A scoring form for ``items`` (a score's criteria, or a template's :func:`snapshot`),
    filled from the request or from the items' points and comments."""
    bases = (AnswerFields, ScoreFormBase) if answering else (ScoreFormBase,)
    form_class = type("ScoreForm", bases, {"items": items})
    for n, item in enumerate(items):
        if item["critical"]:
            choices = [SelectChoice(str(item["max"]), _l("Met")), SelectChoice("-1", _l("Not met (score 0)"))]
            default = "-1" if item.get("failed") else str(item["max"])
        else:
            choices = [SelectChoice(str(p), str(p)) for p in range(item["max"], -1, -1)]
            default = str(item.get("points", item["max"]))
        setattr(form_class, f"points_{n}", SelectField(item["text"], choices=choices, default=default))
        setattr(form_class, f"note_{n}", StringField(_l("Comment"), validators=[Optional(), Length(max=1000)],
                                                     default=item.get("comment", "")))
    return form_class(**kwargs)
