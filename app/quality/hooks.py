"""The quality room's declarations: who may listen to recordings, score calls, manage the
templates and the sampling rules, and see his own scores; its pages and menu entries in the
quality section; the worker's Monday sampling job; and a demonstration template."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import DemoData, Job, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl
from app.quality import demo, mine_views, models, sample_views, template_views, views  # noqa: F401
from app.quality.sampling import draw_last_week_job
from app.quality.views import LISTEN, MINE, SAMPLING, SCORE, TEMPLATES

INSPECTORS = ("teamlead", "qa")


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission(LISTEN, _l("Listen to call recordings"), roles=(*INSPECTORS, "manager")),
        Permission(SCORE, _l("Score calls and answer appeals"), roles=INSPECTORS),
        Permission(TEMPLATES, _l("Manage the quality scoring templates"), roles=INSPECTORS),
        Permission(SAMPLING, _l("Set the sampling rules and draw the calls to score"), roles=INSPECTORS),
        Permission(MINE, _l("See and appeal my quality scores"), roles=("agent",)),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [
        NavItem("quality.recordings", _l("Call recordings"), "quality.recording_list", LISTEN, "quality", 10),
        NavItem("quality.sample", _l("Calls to score"), "quality.sample", SCORE, "quality", 20),
        NavItem("quality.scores", _l("Scores and appeals"), "quality.score_list", SCORE, "quality", 30),
        NavItem("quality.templates", _l("Scoring templates"), "quality.template_list", TEMPLATES,
                "quality", 40),
        NavItem("quality.rules", _l("Sampling rules"), "quality.rules", SAMPLING, "quality", 50),
        NavItem("quality.mine", _l("My quality scores"), "quality.mine", MINE, "desk", 60),
    ]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("quality", views.bp)]


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("quality_sample", draw_last_week_job, "cron", {"day_of_week": "mon", "hour": 1, "minute": 5},
                title=_l("Draw last week's calls to score"))]


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("quality.demo", demo.load, weight=80)]
