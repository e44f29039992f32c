"""Reading a server-sent-event response in a test, frame by frame as the server sends it."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def event_frames(response: Any) -> Iterator[dict[str, str]]:
    """The fields of each event frame of a streamed test-client response, as they come
    (comment lines and the retry line skipped)."""
    buffer = ""
    for chunk in response.response:
        buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.splitlines()
                          if ": " in line and not line.startswith(":"))
            if "event" in fields:
                yield fields
