"""Serving a dossier's attachment — shared by the page and the API.

Files live under MEDIA_ROOT (never routed) with a random name; the only way
out is this response, after the caller has checked the reader may see the
dossier. The browser gets the ORIGINAL name (RFC 5987 ``filename*`` for
Vietnamese, an ASCII fallback for old clients) and ``nosniff`` so an uploaded
file is never run as a page.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.http import FileResponse, Http404

from thidua.nominations.models import Attachment


def _ascii(name: str) -> str:
    """ "Báo cáo thành tích.pdf" → "Bao cao thanh tich.pdf" (đ → d); quotes and controls dropped."""
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if ord(ch) < 128 and ch.isprintable() and ch not in '"\\')
    return text.strip() or "tep-dinh-kem"


def content_disposition(name: str, *, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{_ascii(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_response(att: Attachment) -> FileResponse:
    """The stored file under its original name; always a download, never rendered."""
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:  # the row outlived its file (a restore without the uploads)
        raise Http404("Tệp không còn trên máy chủ; hãy báo quản trị hệ thống.") from exc
    response = FileResponse(handle, content_type=att.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(att.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
