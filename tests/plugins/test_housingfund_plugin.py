"""The housingfund plugin as a whole: the ID-card check, its prompts (declared, Chinese,
built by ``postline prompts build``), its declarations, the admin's settings, and
PostLine working without it (see also test_housingfund_disabled.py)."""
from __future__ import annotations

import shutil

import pytest

from app.ivr.prompts import catalog
from app.pluginhost import collect
from plugins.housingfund import idcard
from plugins.housingfund.prompts import SENTENCES, prompts

# --- the ID card ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["11010519491231002X", "110105194912310021"[:17] + idcard.check_character(
    "11010519491231002"), "440524188001010014"])
def test_valid_id_card_numbers(number):
    assert idcard.is_valid(number)
    assert idcard.is_valid(number.replace("X", "*"))


def test_the_check_character_follows_gb_11643():
    # weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, "10X98765432"[sum mod 11]
    first17 = "34052419800101001"
    total = sum(int(d) * w for d, w in zip(first17, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)))
    assert idcard.check_character(first17) == "10X98765432"[total % 11]
    assert idcard.check_character("11010519491231002") == "X"


@pytest.mark.parametrize("number", ["110105194912310020", "11010519491231002", "1101051949123100200",
                                    "11010519491231002Y", "*1010519491231002X", "", "11010519491231002**"])
def test_invalid_id_card_numbers(number):
    assert not idcard.is_valid(number)


# --- prompts -------------------------------------------------------------------------------

def test_every_prompt_is_declared_chinese_and_owned_by_the_plugin(app):
    found = catalog(app)
    for prompt in prompts():
        assert found[prompt.name].plugin == "housingfund" and found[prompt.name].text == SENTENCES[prompt.name]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in prompt.text), prompt.name


def test_every_prompt_a_node_plays_is_in_the_catalog(app):
    """Every housingfund/ prompt heard in the IVR tests' transcripts is declared: checked
    here from the source, so a typo in a node cannot reach a caller as silence."""
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "plugins" / "housingfund" / "ivr.py").read_text()
    used = set(re.findall(r"p\.([A-Z_]+)\b", source))
    from plugins.housingfund import prompts as p

    for name in used:
        value = getattr(p, name)
        if not value.endswith(("-", "/")):
            assert value in SENTENCES, name


def test_prompts_check_lists_them_and_build_makes_one(app, tmp_path):
    sounds = tmp_path / "sounds"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["prompts", "check", "--sounds", str(sounds)])
    assert result.exit_code == 1
    assert {p.name for p in prompts()} <= set(result.stdout.splitlines())
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("espeak-ng and sox are not installed")
    result = runner.invoke(args=["prompts", "build", "--sounds", str(sounds), "--only", "housingfund/menu-main"])
    assert result.exit_code == 0, result.output
    assert (sounds / "housingfund" / "menu-main.wav").stat().st_size > 44


# --- declarations and settings -------------------------------------------------------------

def test_the_plugin_declares_its_nodes_permissions_articles_and_ticket_type(app):
    nodes = {n.name for n in collect("postline_ivr_nodes") if n.plugin == "housingfund"}
    assert nodes == {"housingfund.identify", "housingfund.balance", "housingfund.loan", "housingfund.company",
                     "housingfund.booking", "housingfund.policy", "housingfund.branches"}
    permissions = {p.name for p in collect("postline_permissions") if p.plugin == "housingfund"}
    assert permissions == {"housingfund.lookup", "housingfund.book", "housingfund.all_calls", "housingfund.report"}
    assert [t.name for t in collect("postline_ticket_types") if t.plugin == "housingfund"] == ["housingfund"]
    assert len([a for a in collect("postline_knowledge_articles") if a.plugin == "housingfund"]) == 7


def test_an_administrator_sets_the_reminder_days_within_bounds(app, login):
    from app.pluginhost.settings import get_setting
    from app.testing import submit

    client = login("admin")
    page = "/admin/plugins/housingfund/settings"
    assert client.get(page).status_code == 200
    response = submit(client, page, {"adapter": "local", "reminder_days": "0"})
    assert response.status_code in (200, 400) and get_setting("housingfund", "reminder_days") == 3
    response = submit(client, page, {"adapter": "local", "reminder_days": "7"})
    assert response.status_code == 302
    assert get_setting("housingfund", "reminder_days") == 7
