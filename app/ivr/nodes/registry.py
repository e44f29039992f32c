"""The site's node types: the core's and the enabled plugins' (``postline_ivr_nodes``), as
the engine runs them and the flow editor shows them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from app.ivr.nodes.base import Node, Param, node_facts
from app.pluginhost import collect


def node_types(app: Flask | None = None) -> dict[str, type]:
    """Node name → class, from the core and the enabled plugins."""
    return {node.name: node.node_class for node in collect("postline_ivr_nodes", app)}


@dataclass(frozen=True)
class NodeSpec:
    """What the flow editor shows of a node type: its parameters, and the outcomes it can
    lead on with (``None``: not declared, any name; a menu's are its keys 1-9; every step
    may also have ``timeout`` and ``retries``)."""

    name: str
    title: Any  # str or a lazy_gettext string: rendered in the reader's language
    plugin: str
    params: tuple[Param, ...]
    outcomes: tuple[str, ...] | None
    terminal: bool
    may_end: bool


def node_specs(app: Flask | None = None) -> list[NodeSpec]:
    """The declared node types, in the declarations' order."""
    specs = []
    for node in collect("postline_ivr_nodes", app):
        cls = node.node_class
        declared = isinstance(cls, type) and issubclass(cls, Node)
        terminal, may_end = node_facts(cls)
        specs.append(NodeSpec(node.name, node.title, node.plugin,
                              tuple(cls.params_spec) if declared else (),
                              tuple(cls.outcomes) if declared else None, terminal, may_end))
    return specs
