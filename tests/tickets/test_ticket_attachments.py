"""Files on a work order: the photo of a damaged parcel reaches the order and comes back to
whoever may see the order, and to nobody else; what a file is comes from its bytes; a file
refused leaves nothing behind; names come back whole (Chinese too) but harmless."""
from __future__ import annotations

import hashlib
import io
import wave
import zipfile
from urllib.parse import quote

import pytest
from sqlalchemy import select

from app.extensions import db
from app.testing import csrf_token_from
from app.tickets.attachments import attach, attachments_dir, safe_name
from app.tickets.models import HistoryIsImmutable, TicketAttachment, TicketEntry
from app.tickets.sniffing import sniff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(1600))
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
DOCM = _zip({"[Content_Types].xml": b'<Types><Override ContentType="application/'
                                    b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
             "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
OLE2_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le") + b"\x00\x00"


@pytest.mark.parametrize("data, expected", [
    (PNG, "image/png"),
    (b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
    (PDF, "application/pdf"),
    (_wav(), "audio/wav"),
    (b"ID3\x04" + bytes(60), "audio/mpeg"),
    (b"\xff\xfb\x90\x64" + bytes(60), "audio/mpeg"),
    (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (OLE2_XLS, "application/vnd.ms-excel"),
    (DOCM, None),  # macros are not evidence
    (_zip({"a.txt": b"hello"}), None),  # a plain archive
    (b"MZ\x90\x00" + bytes(60), None),  # a Windows program
    (b"<html><script>alert(1)</script></html>", None),
    (b"PK\x03\x04 broken", None),
])
def test_what_a_file_is_comes_from_its_bytes(data, expected):
    assert sniff(data) == expected


@pytest.mark.parametrize("given, content_type, expected", [
    ("包裹破损照片.png", "image/png", "包裹破损照片.png"),
    ("C:\\Users\\王\\Desktop\\发票.PDF", "application/pdf", "发票.PDF"),
    ("../../etc/passwd.pdf", "application/pdf", "passwd.pdf"),
    ("报告.html", "application/pdf", "报告.html.pdf"),  # the ending fits the bytes
    ("照片\u202egpj.exe", "image/png", "照片gpj.exe.png"),  # no right-to-left trick
    ('a<b>:"c"|?.png', "image/png", "a_b___c___.png"),
    ("", "audio/wav", "attachment.wav"),
    ("...", "image/png", "attachment.png"),
    ("长" * 300 + ".pdf", "application/pdf", "长" * 120 + ".pdf"),
])
def test_file_names_are_kept_readable_but_harmless(given, content_type, expected):
    assert safe_name(given, content_type) == expected


def _upload(client, order, data: bytes, filename: str, token: bool = True):
    page = f"/tickets/{order.number}"
    form = {"file": (io.BytesIO(data), filename)}
    if token:
        form["csrf_token"] = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(f"{page}/attachments", data=form, content_type="multipart/form-data")


def _member(make_user, departments, role, code):
    user = make_user(role)
    user.department_id = departments[code].id
    db.session.commit()
    return user


def _stored_files(app) -> list:
    folder = attachments_dir(app)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"TICKET_ATTACHMENTS_DIR": str(tmp_path / "attachments")}


def test_a_photo_reaches_the_order_and_comes_back_whole(app, make_order, make_user, client_for):
    order = make_order("processing")
    agent = client_for(make_user("agent", username="wangli"))
    response = _upload(agent, order, PNG, "包裹破损照片.png")
    assert response.status_code == 302
    (attachment,) = db.session.scalars(select(TicketAttachment)).all()
    assert (attachment.order_id, attachment.original_name, attachment.content_type, attachment.size) == (
        order.id, "包裹破损照片.png", "image/png", len(PNG))
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest() and attachment.uploaded_by == "wangli"
    year, month, random_name = attachment.stored_name.split("/")
    assert len(year) == 4 and len(month) == 2 and len(random_name) == 32 and "包裹" not in random_name
    assert (attachments_dir(app) / attachment.stored_name).read_bytes() == PNG

    page = agent.get(response.headers["Location"]).get_data(as_text=True)
    assert "已添加附件：包裹破损照片.png" in page
    link = f"/tickets/{order.number}/attachments/{attachment.id}"
    assert page.count(link) == 2  # the list of attachments, and its line in the history
    entry = db.session.scalar(select(TicketEntry).where(TicketEntry.kind == "attachment"))
    assert (entry.actor, entry.text, entry.new) == ("wangli", "包裹破损照片.png", str(attachment.id))

    download = agent.get(link)
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('包裹破损照片.png')}" in disposition


@pytest.mark.parametrize("data, filename, message", [
    (b"<html><script>alert(1)</script></html>", "照片.png", "不能作为附件"),
    (b"MZ\x90\x00" + bytes(60), "报价单.pdf", "不能作为附件"),
    (DOCM, "宏.docx", "不能作为附件"),
    (b"", "空.pdf", "文件是空的"),
    (PDF + bytes(2 * 1024 * 1024), "大文件.pdf", "超过 1 MB"),
])
def test_a_refused_file_is_a_sentence_and_leaves_nothing(app, make_order, make_user, client_for,
                                                         data, filename, message):
    app.config["TICKET_ATTACHMENT_MAX_MB"] = 1
    order = make_order("processing")
    agent = client_for(make_user("agent"))
    response = _upload(agent, order, data, filename)
    assert response.status_code == 302
    page = agent.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(TicketAttachment)) is None
    assert db.session.scalar(select(TicketEntry).where(TicketEntry.kind == "attachment")) is None
    assert _stored_files(app) == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(app, make_order, make_user, client_for):
    app.config["TICKET_ATTACHMENT_MAX_MB"] = 0.05
    order = make_order("processing")
    agent = client_for(make_user("agent"))
    response = _upload(agent, order, PDF + bytes(1024 * 1024), "大文件.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tickets/{order.number}")
    assert "超过 0.05 MB" in agent.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(TicketAttachment)) is None and _stored_files(app) == []


def test_no_file_or_no_token_saves_nothing(app, make_order, make_user, client_for):
    order = make_order("processing")
    agent = client_for(make_user("agent"))
    page = f"/tickets/{order.number}"
    token = csrf_token_from(agent.get(page).get_data(as_text=True))
    empty = agent.post(f"{page}/attachments", data={"csrf_token": token}, content_type="multipart/form-data")
    assert "请选择要添加的文件" in agent.get(empty.headers["Location"]).get_data(as_text=True)
    forged = _upload(agent, order, PNG, "a.png", token=False)
    assert forged.status_code == 302
    assert db.session.scalar(select(TicketAttachment)) is None and _stored_files(app) == []


def test_only_those_who_may_see_the_order_get_its_files(app, make_order, make_user, client_for, departments):
    order = make_order("processing")  # at the ems department
    attachment = attach(order, PDF, "投诉材料.pdf", "registrar")
    db.session.commit()
    link = f"/tickets/{order.number}/attachments/{attachment.id}"

    ems = client_for(_member(make_user, departments, "backoffice", "ems"))
    assert ems.get(link).status_code == 200
    mail = client_for(_member(make_user, departments, "backoffice", "mail"))
    assert mail.get(link).status_code == 404
    assert mail.get(f"/tickets/{order.number}").status_code == 404  # nor the order itself
    for role in ("agent", "teamlead", "qa", "manager"):
        assert client_for(make_user(role)).get(link).status_code == 200, role
    anonymous = app.test_client().get(link)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    other = make_order("processing")
    assert ems.get(f"/tickets/{other.number}/attachments/{attachment.id}").status_code == 404


def test_a_back_office_person_of_another_department_cannot_add_files(app, make_order, make_user,
                                                                     client_for, departments):
    order = make_order("processing")
    mail = client_for(_member(make_user, departments, "backoffice", "mail"))
    token = csrf_token_from(mail.get("/tickets/queue").get_data(as_text=True))
    response = mail.post(f"/tickets/{order.number}/attachments", content_type="multipart/form-data",
                         data={"csrf_token": token, "file": (io.BytesIO(PNG), "x.png")})
    assert response.status_code == 404 and db.session.scalar(select(TicketAttachment)) is None


def test_attachments_are_never_changed_or_deleted(app, make_order):
    order = make_order("processing")
    attachment = attach(order, DOCX, "说明.docx", "王女士")  # a citizen, without an account
    db.session.commit()
    assert (attachment.uploaded_by, attachment.uploaded_by_id) == ("王女士", None)
    attachment.original_name = "别的.docx"
    with pytest.raises(HistoryIsImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(TicketAttachment, attachment.id))
    with pytest.raises(HistoryIsImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(TicketAttachment, attachment.id).original_name == "说明.docx"
