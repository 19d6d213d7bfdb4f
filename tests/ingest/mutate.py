"""Damaged copies of disclosure files, for the reader fuzz tests: truncated, bytes flipped or
cut out, lines shuffled or dropped, re-encoded, and Office files with one member of their zip
damaged (so the damage reaches the XML parsers, not only the zip reader). Plain functions of
bytes and a ``random.Random``: hypothesis draws the choices, these only apply them."""

from __future__ import annotations

import io
import random
import zipfile

ENCODINGS = ("gbk", "gb18030", "utf-16", "utf-16-le", "big5", "shift_jis", "latin-1")


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def flip(data: bytes, rnd: random.Random, count: int = 8) -> bytes:
    out = bytearray(data)
    for _ in range(count):
        if out:
            out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def cut(data: bytes, rnd: random.Random) -> bytes:
    a = rnd.randrange(len(data) + 1)
    b = min(len(data), a + rnd.randrange(1, 4096))
    return data[:a] + data[b:]


def splice(data: bytes, rnd: random.Random) -> bytes:
    """A slice of the file repeated somewhere else (a botched download or copy)."""
    a = rnd.randrange(len(data) + 1)
    piece = data[a : a + rnd.randrange(1, 2048)]
    at = rnd.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def junk(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + rnd.randbytes(rnd.randrange(1, 256)) + data[at:]


BYTE_MUTATIONS = {"truncate": truncate, "flip": flip, "cut": cut, "splice": splice, "junk": junk}


def shuffle_lines(text: str, rnd: random.Random) -> str:
    lines = text.splitlines()
    rnd.shuffle(lines)
    return "\n".join(lines)


def drop_lines(text: str, rnd: random.Random) -> str:
    return "\n".join(line for line in text.splitlines() if rnd.random() > 0.3)


def swap_blocks(text: str, rnd: random.Random) -> str:
    """Two blocks of lines change places (pages of a PDF copy out of order)."""
    lines = text.splitlines()
    if len(lines) < 4:
        return text
    a, b = sorted(rnd.sample(range(len(lines)), 2))
    return "\n".join(lines[b:] + lines[a:b] + lines[:a])


TEXT_MUTATIONS = {"shuffle": shuffle_lines, "drop": drop_lines, "swap": swap_blocks}


def reencode(text: str, encoding: str) -> bytes:
    """The text in another encoding; characters it lacks become '?' (as Windows tools do)."""
    return text.encode(encoding, errors="replace")


def mojibake(text: str) -> bytes:
    """UTF-8 bytes read as GBK by some tool and saved again as UTF-8."""
    return text.encode("utf-8").decode("gbk", errors="replace").encode("utf-8")


def damage_member(data: bytes, rnd: random.Random) -> bytes:
    """An .xlsx/.docx with one member damaged by a byte mutation, or left out."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = src.namelist()
        victim = rnd.choice(names)
        drop = rnd.random() < 0.2
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in names:
                body = src.read(name)
                if name == victim:
                    if drop:
                        continue
                    body = rnd.choice(list(BYTE_MUTATIONS.values()))(body, rnd)
                dst.writestr(name, body)
    return out.getvalue()


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer (Helvetica, ASCII) and a ruled box: small and fast to parse."""
    text = "BT /F1 10 Tf 40 800 Td 12 TL " + " ".join(f"({s}) '" for s in lines) + " ET"
    content = (text + " 40 500 m 400 500 l 400 600 l 40 600 l h S 220 500 m 220 600 l S").encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
