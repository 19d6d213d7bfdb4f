"""One reader per format, each returning the same ``Source`` (a linear form of lines).

``read_bytes`` tells the format from the file's first bytes (and its name where bytes do
not say: HTML is text), so a misnamed file is still read by the right reader. Readers of
binary formats are imported only when such a file comes: no work at import.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO
from pathlib import Path

from core.errors import NotADisclosureError
from core.records import Source

SUFFIXES = (".txt", ".md", ".xlsx", ".xlsm", ".xls", ".pdf", ".html", ".htm", ".docx")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED = 200 * 2**20  # an .xlsx/.docx that unpacks to more is refused (a zip bomb)


def read_source(path: Path | str) -> Source:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotADisclosureError(str(path), f"无法读取文件（{exc.strerror}）") from exc
    return read_bytes(data, str(path))


def read_bytes(data: bytes, path: str) -> Source:
    if not data.strip():
        raise NotADisclosureError(path, "文件是空的")
    fmt = sniff(data, path)
    if fmt == "xlsx":
        from ingest.readers import xlsx as reader
    elif fmt == "xls":
        from ingest.readers import xls as reader
    elif fmt == "pdf":
        from ingest.readers import pdf as reader
    elif fmt == "docx":
        from ingest.readers import docx as reader
    elif fmt == "html":
        from ingest.readers import html as reader
    else:
        from ingest.readers import text as reader
    return reader.read(data, path)


def sniff(data: bytes, path: str) -> str:
    """'text', 'html', 'xlsx', 'xls', 'pdf' or 'docx'; unsupported formats get a clear refusal."""
    suffix = Path(path).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return _office_zip(data, path)
    if data.startswith(_OLE):
        return _ole(data, path)
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data.startswith(b"{\\rtf"):
        raise NotADisclosureError(path, "这是 RTF 文档；请在 Word 中另存为 .docx 后再导入")
    head = data[:2048].lower()
    if suffix in (".html", ".htm", ".xhtml") or b"<html" in head or b"<!doctype html" in head:
        return "html"
    if suffix in (".doc", ".wps", ".et", ".ppt", ".pptx", ".odt", ".ods"):
        raise NotADisclosureError(path, f"不支持 {suffix} 格式；请另存为 .docx、.xlsx 或 PDF 后再导入")
    return "text"


def _office_zip(data: bytes, path: str) -> str:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError) as exc:
        raise NotADisclosureError(path, "文件已损坏（不是完整的 .xlsx/.docx 压缩包）；请重新下载或另存") from exc
    if "xl/workbook.xml" in names:
        fmt = "xlsx"
    elif "word/document.xml" in names:
        fmt = "docx"
    else:
        raise NotADisclosureError(path, "这是压缩包，不是 .xlsx 或 .docx 文件；请解压后导入其中的公开文件")
    check_members(archive, path)
    return fmt


def check_members(archive: zipfile.ZipFile, path: str) -> None:
    """Every member of an .xlsx/.docx unpacks (deflate data and CRC intact, not a zip bomb)
    and every XML part is well-formed, before openpyxl or python-docx read it: a damaged part
    is named in the refusal, and their parsers only ever see sound XML. The XML is parsed as
    data: no entities resolved, no DTD or network fetched."""
    from lxml import etree

    if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
        raise NotADisclosureError(path, f"压缩包解压后超过 {MAX_UNPACKED // 2**20} MB，不像一份公开文件；请检查文件")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    for info in archive.infolist():
        try:
            body = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise NotADisclosureError(path, f"文件中的 {info.filename} 已损坏，无法解压；请重新下载，或打开后另存") from exc
        if info.filename.endswith((".xml", ".rels")):
            try:
                root = etree.fromstring(body, parser)
            except etree.XMLSyntaxError as exc:
                raise NotADisclosureError(
                    path, f"文件中的 {info.filename} 已损坏（XML 格式错误：{exc.msg}）；请重新下载，或打开后另存"
                ) from exc
            if root.getroottree().docinfo.doctype:
                # Excel and Word never write one; a DOCTYPE can declare entities that read other files
                raise NotADisclosureError(
                    path, f"文件中的 {info.filename} 含有 DOCTYPE 声明（Excel/Word 不会写入），出于安全不予读取；请打开后另存"
                )


def _ole(data: bytes, path: str) -> str:
    """An OLE2 container: a legacy .xls, a legacy .doc, or an encrypted .xlsx/.docx."""
    # Directory entries are UTF-16LE names; the streams say what the container holds.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise NotADisclosureError(path, "文件设置了打开密码（已加密）；请在 Excel/Word 中取消密码后另存，再导入")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "WordDocument".encode("utf-16-le") in data:
        raise NotADisclosureError(path, "这是旧版 Word（.doc）文档；请在 Word 中另存为 .docx 后再导入")
    raise NotADisclosureError(path, "无法识别的 Office 文件；请另存为 .xlsx 或 .docx 后再导入")
