"""The IVR's pages share one blueprint (endpoints ``ivr.*``, URLs under ``/ivr``); each page
module adds its routes to it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ivr", __name__, url_prefix="/ivr", template_folder="templates")
