"""What a file is, read from its first bytes, never from the name or the type the browser
sent: an order accepts only the kinds of file on :data:`ALLOWED` (pictures, PDF, office
documents, sound), and each is served back with the type its bytes showed.

Office documents are containers: a ZIP (docx, xlsx, pptx, and the OpenDocument files) is
told apart by the parts it holds, an old OLE2 file (doc, xls, ppt) by the names of its
streams. Macro-enabled Office files (docm, xlsm) are refused: an attachment is evidence,
not a program."""
from __future__ import annotations

import io
import zipfile

#: Content type → the file name endings that type may carry (the first is added to a name
#: that has none of them).
ALLOWED: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    "audio/wav": (".wav",),
    "audio/mpeg": (".mp3",),
    "audio/amr": (".amr",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.ms-powerpoint": (".ppt",),
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The part a ZIP-based Office file cannot be without.
_OOXML_PARTS = (
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
#: The stream an OLE2 Office file keeps its body in (names are UTF-16 in the directory).
_OLE2_STREAMS = (
    ("WordDocument", "application/msword"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
)


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` when it is one of :data:`ALLOWED`, else ``None``."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"ID3") or _mp3_frame(head):
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if head.startswith(_OLE2):
        return _ole2_type(data)
    return None


def _mp3_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header: 11 sync bits, a version that exists."""
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    return (head[1] >> 1) & 0x3 == 0x1 and (head[1] >> 3) & 0x3 != 0x1


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:  # OpenDocument: the type is the first part, uncompressed
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return declared if declared in ALLOWED else None
            if "[Content_Types].xml" not in names:
                return None
            if b"macroEnabled" in archive.read("[Content_Types].xml"):
                return None
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError):
        return None
    for part, content_type in _OOXML_PARTS:
        if part in names:
            return content_type
    return None


def _ole2_type(data: bytes) -> str | None:
    for stream, content_type in _OLE2_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return content_type
    return None
