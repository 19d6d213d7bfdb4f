"""Bad documents (issue #14): every reader fuzzed with hypothesis — random bytes under each
format's name, and damaged copies of the fixtures (truncated, bytes flipped, cut out or repeated,
lines shuffled or dropped, re-encoded, one member of an .xlsx/.docx damaged). A file is either
read — a Document whose warnings name the file and a line — or refused with the project's
``BudgetQAError`` naming the file. Anything else (a reader's own exception) fails the test: a
reader bug found here is fixed in the reader. Bounded: the CI profile runs a fixed set."""

from __future__ import annotations

import functools
import io
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import BudgetQAError
from ingest.pipeline import Parsed, parse_one
from tests.conftest import FIXTURES, SEED, fuzz
from tests.ingest import mutate

FILES = {p.name: p.read_bytes() for p in sorted(FIXTURES.iterdir())} | {SEED.name: SEED.read_bytes()}
TEXTS = [n for n in FILES if n.endswith((".txt", ".html"))]
ZIPS = [n for n in FILES if n.endswith((".xlsx", ".docx"))]
SMALL_PDF = mutate.minimal_pdf(["2024 budget", "Table 1  income  100.00", "total  100.00"])
NAMES = ["fuzz.txt", "fuzz.md", "fuzz.html", "fuzz.xlsx", "fuzz.xls", "fuzz.pdf", "fuzz.docx", "fuzz.doc", "fuzz"]


def read(data: bytes, name: str, tmp: Path) -> Parsed | BudgetQAError:
    """``parse_one`` (read, parse, figures, audit) as the pipeline runs it, on a file in ``tmp``."""
    path = tmp / name
    path.write_bytes(data)
    try:
        parsed = parse_one(path)
    except BudgetQAError as exc:
        assert str(exc).startswith(str(path)), str(exc)  # the message names the file
        return exc
    doc = parsed.document
    for w in doc.warnings:  # line 0: the file as a whole ('文中没有写年度')
        assert w.path == str(path) and w.line >= 0, w
    return parsed


@pytest.fixture
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@fuzz(120)
@given(data=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_random_bytes_under_any_name(tmp, data, name):
    read(data, name, tmp)


@fuzz(60)
@given(
    data=st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-1.4\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<html>"]),
    tail=st.binary(max_size=2000),
    name=st.sampled_from(NAMES),
)
def test_random_bytes_behind_a_format_signature(tmp, data, tail, name):
    """Past the sniffing: each reader gets bytes that start the way its format does."""
    read(data + tail, name, tmp)


@fuzz(60)
@given(name=st.sampled_from(sorted(FILES)), how=st.sampled_from(sorted(mutate.BYTE_MUTATIONS)), seed=st.integers(0, 2**32))
def test_damaged_copies_of_every_fixture(tmp, name, how, seed):
    # the printed PDF takes 10 s to read: a small one here, a page of it below
    data = SMALL_PDF if name.endswith(".pdf") else FILES[name]
    read(mutate.BYTE_MUTATIONS[how](data, random.Random(seed)), name, tmp)


@fuzz(30)
@given(name=st.sampled_from(TEXTS), how=st.sampled_from(sorted(mutate.TEXT_MUTATIONS)), seed=st.integers(0, 2**32))
def test_shuffled_and_dropped_lines(tmp, name, how, seed):
    from ingest.readers.text import decode

    text = decode(FILES[name], name)[0]
    damaged = mutate.TEXT_MUTATIONS[how](text, random.Random(seed))
    read(damaged.encode("utf-8"), name, tmp)


@fuzz(40)
@given(name=st.sampled_from(TEXTS), encoding=st.sampled_from(mutate.ENCODINGS))
def test_other_encodings_and_mojibake(tmp, name, encoding):
    from ingest.readers.text import decode

    text = decode(FILES[name], name)[0]
    read(mutate.reencode(text, encoding), name, tmp)
    read(mutate.mojibake(text), name, tmp)


@fuzz(60)
@given(name=st.sampled_from(ZIPS), seed=st.integers(0, 2**32))
def test_office_files_with_a_damaged_member(tmp, name, seed):
    read(mutate.damage_member(FILES[name], random.Random(seed)), name, tmp)


@functools.cache
def _printed_page() -> bytes:
    """One page of the printed fixture (its ruled table on page 8, CJK fonts): reading the whole
    20-page file takes 10 s, one page under one."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(FIXTURES / "printed-budget-2024.pdf"))
    page = pdfium.PdfDocument.new()
    page.import_pages(src, [7])
    out = io.BytesIO()
    page.save(out)
    return out.getvalue()


@fuzz(8)
@given(how=st.sampled_from(sorted(mutate.BYTE_MUTATIONS)), seed=st.integers(0, 2**32))
def test_damaged_printed_pdf(tmp, how, seed):
    """A real printed PDF page (a ruled table, embedded CJK fonts) damaged past its header."""
    data = _printed_page()
    head, body = data[:1024], data[1024:]
    read(head + mutate.BYTE_MUTATIONS[how](body, random.Random(seed)), "printed-page.pdf", tmp)
