"""Who a message can go to: Chinese numbers and e-mail addresses, each refusal a sentence
the person typing can act on."""
from __future__ import annotations

import pytest

from app.notify.addresses import (
    NO_AREA_CODE,
    NOT_A_MOBILE,
    NOT_A_PHONE,
    NOT_AN_EMAIL,
    canonical,
    email_problem,
    masked,
    phone_problem,
    recipient_problem,
)


@pytest.mark.parametrize("phone", ["13800138000", "138 0013 8000", "138-0013-8000", "+86 139 1234 5678",
                                   "008619912345678", "010-65000000", "(0755)82345678", "02166666666",
                                   "0571-8765432"])
def test_mobile_and_landline_numbers_with_their_area_code_are_accepted(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone, problem", [
    ("1380013800", NOT_A_PHONE),     # ten digits
    ("138001380001", NOT_A_PHONE),   # twelve
    ("12800138000", NOT_A_PHONE),    # no mobile network starts 12
    ("65000000", NO_AREA_CODE),      # a Beijing number without 010
    ("6500000", NO_AREA_CODE),
    ("010-6500", NOT_A_PHONE),
    ("abc", NOT_A_PHONE),
    ("", NOT_A_PHONE),
])
def test_a_number_we_cannot_use_is_refused_with_the_reason(app, phone, problem):
    assert phone_problem(phone) == str(problem)


def test_an_sms_needs_a_mobile_number(app):
    assert recipient_problem("sms", "13800138000") is None
    assert recipient_problem("sms", "010-65000000") == str(NOT_A_MOBILE)
    assert "11" in str(NOT_A_MOBILE)


@pytest.mark.parametrize("address", ["zhang.wei@example.com", "11185@post.example.cn", "a+b@mail.example.org"])
def test_email_addresses_are_accepted(address):
    assert email_problem(address) is None


@pytest.mark.parametrize("address", ["zhang", "zhang@", "@example.com", "zhang@example", "zhang wei@example.com",
                                     "zhang@@example.com", "zhang@-example.com", "x" * 250 + "@example.com"])
def test_an_address_that_is_not_one_is_refused(app, address):
    assert email_problem(address) == str(NOT_AN_EMAIL)


def test_the_log_keeps_one_form_of_each_recipient():
    assert canonical("sms", "+86 138-0013-8000") == "13800138000"
    assert canonical("email", "  zhang@example.com ") == "zhang@example.com"


def test_recipients_are_masked_for_readers_who_need_not_know_them():
    assert masked("13800138000") == "138****8000"
    assert masked("075582345678") == "0755****5678"
    assert masked("zhang.wei@example.com") == "z***@example.com"
    assert masked("110") == "***"


def test_the_reason_is_in_chinese_on_a_chinese_site(app):
    with app.test_request_context():
        assert "11" in phone_problem("12345", mobile_only=True) and "1" in NOT_A_MOBILE
        assert "区号" in phone_problem("65000000")


def test_forms_refuse_a_bad_number_or_address_with_the_reason(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField

    from app.notify.addresses import EmailAddress, PhoneNumber

    class ContactForm(FlaskForm):
        class Meta:
            csrf = False

        phone = StringField("phone", validators=[PhoneNumber()])
        mobile = StringField("mobile", validators=[PhoneNumber(mobile_only=True)])
        email = StringField("email", validators=[EmailAddress()])

    with app.test_request_context(method="POST", data={"phone": "65000000", "mobile": "010-65000000",
                                                       "email": "zhang@"}):
        form = ContactForm()
        assert not form.validate()
        assert form.errors == {"phone": [str(NO_AREA_CODE)], "mobile": [str(NOT_A_MOBILE)],
                               "email": [str(NOT_AN_EMAIL)]}
    with app.test_request_context(method="POST", data={"phone": "010-65000000", "mobile": "13800138000",
                                                       "email": ""}):
        assert ContactForm().validate()
