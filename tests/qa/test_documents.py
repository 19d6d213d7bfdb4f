"""Picking the document a question names among many (qa/documents.py)."""

from __future__ import annotations

from types import SimpleNamespace

from qa.documents import DocumentNames, name_forms, places


def _docs(*departments: str) -> list:
    return [SimpleNamespace(id=f"d{i}", department=d) for i, d in enumerate(departments)]


def test_places_and_the_department_proper() -> None:
    assert places("重庆市渝北区科学技术协会") == (["重庆市", "渝北区"], "科学技术协会")
    assert places("湖北省襄江市樊东区统计局") == (["湖北省", "襄江市", "樊东区"], "统计局")
    assert places("云岭示范区文化和旅游发展委员会") == (["云岭示范区"], "文化和旅游发展委员会")
    assert places("妇女联合会") == ([], "妇女联合会")


def test_a_department_is_named_as_people_name_it() -> None:
    forms = name_forms("重庆市渝北区科学技术协会")
    assert {"重庆市渝北区科学技术协会", "重庆市渝北区科协", "渝北区科学技术协会", "渝北区科协", "渝北科协"} <= forms
    assert "科协" not in forms  # names every 科协: no document of its own
    assert {"云岭示范区文旅委", "云岭文旅委"} <= name_forms("云岭示范区文化和旅游发展委员会")


def test_the_longest_name_in_the_question_picks_the_document() -> None:
    docs = _docs("重庆市澄川区科学技术协会", "重庆市碧川区科学技术协会", "重庆市碧川区住房和城乡建设委员会")
    names = DocumentNames(docs)
    assert names.named("碧川区科协三公经费是多少？") is docs[1]
    assert names.named("请问重庆市澄川区科学技术协会的收入") is docs[0]
    assert names.named("碧川住建委的预算") is docs[2]
    assert names.named("科协三公经费是多少？") is None  # no place: not one department
    assert names.named("江北区科协三公经费") is None


def test_a_name_shared_by_two_documents_picks_the_first_in_store_order() -> None:
    budget, final = _docs("重庆市澄川区科学技术协会", "重庆市澄川区科学技术协会")
    assert DocumentNames([budget, final]).named("澄川区科协2023年决算") is budget
