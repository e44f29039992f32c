"""``postline demo load`` for quality: the general service template (通用服务质检表) with
its criteria, and the two usual sampling rules. Known by name: a second run adds nothing."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.quality.models import COMPLAINTS, RANDOM, QualityCriterion, QualityTemplate, SampleRule

TEMPLATE = "通用服务质检表"
#: (group, criterion, points, critical)
CRITERIA = (
    ("服务规范", "使用标准开场白并报工号", 10, False),
    ("服务规范", "使用标准结束语，确认客户无其他需求", 10, False),
    ("服务态度", "语气亲切、耐心，不打断客户", 15, False),
    ("业务能力", "准确理解客户诉求并复述确认", 15, False),
    ("业务能力", "答复准确完整，符合业务规定", 25, False),
    ("业务能力", "需要时正确登记工单并告知处理时限", 15, False),
    ("记录", "来电小结分类准确、内容完整", 10, False),
    ("红线", "未泄露客户信息，未与客户争吵", 0, True),
)
RULES = (("每人每周随机5通", RANDOM, 5), ("全部投诉来电", COMPLAINTS, 0))


def load() -> dict[str, int]:
    added = {"quality templates": 0, "sampling rules": 0}
    if db.session.scalar(select(QualityTemplate).where(QualityTemplate.name == TEMPLATE)) is None:
        template = QualityTemplate(name=TEMPLATE, active=True)
        template.criteria = [QualityCriterion(group=group, text=text, max_points=points, critical=critical,
                                              position=n * 10)
                             for n, (group, text, points, critical) in enumerate(CRITERIA, 1)]
        db.session.add(template)
        added["quality templates"] = 1
    for name, kind, per_agent in RULES:
        if db.session.scalar(select(SampleRule).where(SampleRule.name == name)) is None:
            db.session.add(SampleRule(name=name, kind=kind, per_agent=per_agent or 1))
            added["sampling rules"] += 1
    db.session.commit()
    return added
