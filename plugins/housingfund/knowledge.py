"""The policy guide and the branch directory as knowledge-base articles, from the same
texts the IVR speaks (:mod:`.guide`), so an agent's answer matches the recording."""
from __future__ import annotations

from app import api

from . import guide

CATEGORY = "住房公积金"


def articles() -> list[api.Article]:
    found = [api.Article(f"policy-{p.key}", p.title, p.text, category=f"{CATEGORY}/政策指南",
                         keywords=p.keywords, weight=i) for i, p in enumerate(guide.POLICIES)]
    for i, district in enumerate(guide.DISTRICTS):
        body = "\n".join(b.spoken() for b in district.branches)
        found.append(api.Article(f"branches-{district.key}", f"住房公积金业务网点（{district.name}）", body,
                                 category=f"{CATEGORY}/业务网点",
                                 keywords=("网点", "地址", "电话", district.name,
                                           *(b.name for b in district.branches)),
                                 weight=100 + i))
    return found
