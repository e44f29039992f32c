"""The two lookup forms of the agent page. Examples in the placeholders are data, not
text to translate."""
from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Regexp, ValidationError

NAME_MAX = 40
ADDRESS_MAX = 100


def normalise(value: str | None) -> str:
    """Full-width digits and letters (typed with a Chinese input method) made half-width,
    surrounding spaces removed, so "３６３８００ " is the postcode 363800."""
    return unicodedata.normalize("NFKC", value or "").strip()


class PostcodeForm(FlaskForm):
    postcode = StringField(
        _l("Postcode"),
        filters=[normalise],
        validators=[Regexp(r"[0-9]{6}\Z", message=_l("A postcode is exactly 6 digits, for example 363800."))],
        render_kw={"inputmode": "numeric", "placeholder": "363800"},
    )


def _name_field(label: Any, example: str) -> StringField:
    return StringField(label, filters=[normalise], validators=[Length(max=NAME_MAX)],
                       render_kw={"placeholder": example})


class RegionForm(FlaskForm):
    """Either the names (any of the three) or the address text, not both: mixing them
    would leave the agent guessing which one the result answers."""

    province = _name_field(_l("Province"), "福建省")
    city = _name_field(_l("City"), "漳州市")
    county = _name_field(_l("County or district"), "华安县")
    address = StringField(
        _l("Or address text"),
        filters=[normalise],
        validators=[Length(max=ADDRESS_MAX)],
        description=_l("A caller's address in Chinese; the places it names are looked up."),
        render_kw={"placeholder": "福建省漳州市华安县丰山镇"},
    )

    def has_names(self) -> bool:
        return any((self.province.data, self.city.data, self.county.data))

    def validate_address(self, field: StringField) -> None:
        if not field.data and not self.has_names():
            raise ValidationError(_l("Enter a province, city or county, or an address."))
        if field.data and self.has_names():
            raise ValidationError(_l("Search either by province, city and county or by the address, not both."))
