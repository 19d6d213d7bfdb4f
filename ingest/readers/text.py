"""Plain text (``.txt``, ``.md``): decode, then one ``SourceLine`` per line of the file.

Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 (a superset of GBK and
GB2312, what Windows-made disclosures use); anything else is guessed by charset-normalizer
and refused when no guess reads as text. Grid lines are tab-separated, ``|``-separated, or
columns aligned by runs of two or more spaces (PDF text; cut by position in ``ingest.columns``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from core.errors import NotADisclosureError
from core.records import Source, SourceLine
from core.text import normalize_radicals, strip_html

_ALIGNED = re.compile(r"\S(?: {2,}|\u3000+)\S")
_LOSSLESS = ("utf-8", "gb18030")  # decoding and encoding again gives the same bytes
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "utf-16": "UTF-16", "gb18030": "GBK/GB18030"}


def read(data: bytes, path: str) -> Source:
    text, encoding = decode(data, path)
    src = text_source(text, path, hashlib.sha256(data).hexdigest(), encoding)
    if encoding in _LOSSLESS and len(text.encode(encoding)) < len(data):
        # the last character was cut off: what comes before it is read, and the cut is reported
        last = len(src.lines) or 1
        note = (last, "文件在最后一个字符中间结束，可能没有下载或复制完整；请核对原文件，必要时重新导入")
        src = replace(src, notes=(*src.notes, note))
    return src


def text_source(text: str, path: str, sha256: str, encoding: str | None = None, fmt: str = "text") -> Source:
    text = normalize_radicals(text)  # text copied from a PDF carries radicals for characters
    lines = tuple(split_line(i + 1, raw) for i, raw in enumerate(text.splitlines()))
    return Source(path, fmt, sha256, lines, encoding=encoding)


def decode(data: bytes, path: str) -> tuple[str, str]:
    """(text, encoding name); raises ``NotADisclosureError`` for binary or undecodable data.
    A file cut off inside its last character (a truncated download) is read up to it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data[: len(data) - len(data) % 2].decode("utf-16", errors="replace")
        if _reads_as_text(text):
            return text, "utf-16"
        raise NotADisclosureError(path, "文件开头标明是 UTF-16 编码，但内容不能按 UTF-16 读出；请另存为 UTF-8 文本")
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig", errors="replace"), "utf-8-sig"
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text, "utf-16"
        raise NotADisclosureError(path, "这是二进制文件，不是文本，也不是支持的表格/文档格式")
    for encoding in ("utf-8", "gb18030"):
        text = _decoded(data, encoding)
        if text is not None and _reads_as_text(text):
            return text, encoding
    from charset_normalizer import from_bytes  # only for the rare file that is neither

    best = from_bytes(data).best()
    if best is not None and _reads_as_text(str(best)):
        return str(best), best.encoding
    raise NotADisclosureError(path, "无法识别文件的文字编码（既不是 UTF-8 也不是 GBK/GB18030）；请另存为 UTF-8 文本")


def _decoded(data: bytes, encoding: str) -> str | None:
    """``data`` in ``encoding``, or None; a character cut off at the very end is left out."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end < len(data) or len(data) - exc.start > 4:
            return None  # not this encoding (or damaged inside, not only cut off)
        try:
            return data[: exc.start].decode(encoding)
        except UnicodeDecodeError:
            return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: the zero bytes of ASCII characters all fall on
    the odd (little-endian) or the even (big-endian) positions."""
    head = data[:4096]
    odd = head[1::2].count(0)
    even = head[0::2].count(0)
    if max(odd, even) < len(head) // 8 or min(odd, even) > max(odd, even) // 20:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    text = data[: len(data) - len(data) % 2].decode(encoding, errors="replace")
    return text if _reads_as_text(text) else None


def _reads_as_text(text: str) -> bool:
    """Mostly printable characters (a binary file decoded as GB18030 is not)."""
    if not text:
        return True
    odd = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return odd <= len(text) * 0.01


def split_line(no: int, raw: str) -> SourceLine:
    text = strip_html(raw).rstrip().replace("\ufeff", "")
    stripped = text.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped.strip("|")
        return SourceLine(no, text, tuple(c.strip() for c in inner.split("|")))
    if "\t" in raw.strip("\r\n "):
        # Trailing tabs are empty cells of a table row, not formatting: keep them.
        return SourceLine(no, text, tuple(c.strip() for c in strip_html(raw).rstrip("\r\n").split("\t")))
    if _ALIGNED.search(stripped):
        return SourceLine(no, text, tuple(re.split(r" {2,}|\u3000+", stripped)), aligned=True)
    return SourceLine(no, text)
