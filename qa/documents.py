"""Which disclosure a question names, among many: by its department's name as people write it.

'重庆市渝北区科学技术协会' is also asked about as '渝北区科协', '渝北区科学技术协会' and '渝北科协':
the place may be shortened to its last level (the district), or to the district's bare name, and
the department to its usual short form (科协, …委, 文旅委). Every such form of every document's
department is indexed once; a question is scanned for the forms by position and length, so the
cost of picking a document does not grow with the number of documents. The longest form found
wins (渝北区科协 over a document whose forms only match 科协); a form no document shares picks
that document, one several documents share (the same department's budget and final accounts)
picks the first in store order, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.records import Document
from core.text import department_aliases, short_department
from core.vocab import fold

# the place levels a department's name starts with: '湖北省' '襄江市' '樊东区' '云岭示范区'
_PLACE = re.compile(r".+?(?:自治区|自治州|自治县|示范区|新区|省|市|区|县|州|旗)")
_LEVEL = re.compile(r"(?:自治区|自治州|自治县|示范区|新区|省|市|区|县|州|旗)$")


def places(department: str) -> tuple[list[str], str]:
    """'重庆市渝北区科学技术协会' → (['重庆市', '渝北区'], '科学技术协会'). The department's own name
    must keep two characters: '妇女联合会' is no place."""
    parts: list[str] = []
    rest = department
    while (m := _PLACE.match(rest)) and len(rest) - m.end() >= 2 and len(m.group()) <= 8:
        parts.append(m.group())
        rest = rest[m.end() :]
    return parts, rest


def name_forms(department: str) -> set[str]:
    """Every way the department is named: the full and short forms, with the whole place, the
    last levels of it, or the innermost place's bare name ('渝北科协'). A form without a place
    ('科协') would name every department of that kind, and is left out — unless the department's
    name has no place at all."""
    full = fold(department)
    parts, org = places(full)
    orgs = {org, short_department(org), *department_aliases(org)}
    if not parts:
        return {full, short_department(full)}
    forms = {"".join(parts[k:]) + o for k in range(len(parts)) for o in orgs}
    bare = _LEVEL.sub("", parts[-1])
    if len(bare) >= 2:
        forms |= {bare + o for o in orgs}
    return forms | {full, short_department(full)}


class DocumentNames:
    """The documents' department names, indexed by form."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._by_form: dict[str, Document] = {}
        for doc in documents:  # store order: the first document keeps a form it shares
            for form in name_forms(doc.department):
                self._by_form.setdefault(form, doc)
        self._lengths = sorted({len(f) for f in self._by_form}, reverse=True)

    def named(self, text: str) -> Document | None:
        """The document whose department ``text`` names (longest form; the earliest on a tie)."""
        text = fold(text)
        best: tuple[int, int, Document] | None = None
        for start in range(len(text)):
            for length in self._lengths:
                if best is not None and length <= best[0]:
                    break  # only a longer form than the one found can win
                doc = self._by_form.get(text[start : start + length])
                if doc is not None:
                    best = (length, start, doc)
                    break
        return best[2] if best else None
