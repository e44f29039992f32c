"""Leave a message (after hours): the caller speaks after the beep; the recording becomes
a :class:`~app.ivr.models.Voicemail` with caller, time, duration and the audio file's
path. A caller who hangs up after speaking has left a message all the same. Once it is
saved, ``postline_voicemail_left`` tells the rooms above (the work orders room makes an
order of it) and plugins; what they do never disturbs the call."""
from __future__ import annotations

from app.calls.models import VOICEMAIL
from app.extensions import db
from app.ivr.call import Call
from app.ivr.models import Voicemail
from app.ivr.nodes.base import Node, Param
from app.ivr.prompts import texts as p
from app.pluginhost import notify

#: Shorter than this is a caller who hung up at the beep, not a message.
MIN_SECONDS = 1


class VoicemailNode(Node):
    params_spec = (
        Param("prompt", "prompt", p.VOICEMAIL_INTRO, required=True, title="Prompt before the beep"),
        Param("thanks", "prompt", p.VOICEMAIL_THANKS, title="Prompt after the message"),
        Param("max_s", "int", 120, title="Longest message (seconds)", minimum=5),
    )
    may_end = False

    def run(self, call: Call) -> str:
        call.play(self.params["prompt"])
        started = call.now()  # the message's time is when the caller began to speak
        recording = call.record("voicemail", max_s=self.params["max_s"])
        if recording.duration_s >= MIN_SECONDS:
            call.outcome = VOICEMAIL
            call.data["voicemail"] = recording.path
            if not call.dry_run:
                message = Voicemail(call_id=call.call_id, line=call.line.number, caller=call.info.caller,
                                    at=started, duration_s=recording.duration_s, path=recording.path)
                db.session.add(message)
                db.session.commit()
                notify("postline_voicemail_left", message=message)
        if self.params["thanks"]:
            call.play(self.params["thanks"])
        return "done"
