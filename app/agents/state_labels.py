"""How an agent state is shown: its words (the tag's text: a state is never colour alone)
and its tag class (the colour), shared by the desk's state control and the team view;
the JavaScript reads the same words from the page (``data-state-labels``)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.agents.models import ACW, LOGGED_OFF, ON_CALL, PAUSED, READY, RINGING

LABELS = {
    LOGGED_OFF: _l("Logged off"),
    READY: _l("Ready"),
    PAUSED: _l("Paused"),
    RINGING: _l("Ringing"),
    ON_CALL: _l("On a call"),
    ACW: _l("After-call work"),
}

#: The pause reason Asterisk gives a member it paused for letting calls ring out.
AUTO_PAUSE = "Auto-Pause"
AUTO_PAUSE_LABEL = _l("Missed calls (auto-pause)")


def label(state: str) -> str:
    return str(LABELS.get(state, state))


def tag_class(state: str) -> str:
    return f"tag state-{state}"


def labels() -> dict[str, str]:
    """Every state's words, for the page's script."""
    return {state: str(text) for state, text in LABELS.items()}
