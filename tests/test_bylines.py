from __future__ import annotations

import pytest

from crawler.extraction.bylines import parse_bylines


@pytest.mark.parametrize(
    ("byline", "authors", "agencies"),
    [
        ("By Jane Roe", ["Jane Roe"], []),
        ("BY JANE ROE AND JOHN DOE", ["Jane Roe", "John Doe"], []),
        ("By Maria Lopez, Ali Khan and Tom Berg", ["Maria Lopez", "Ali Khan", "Tom Berg"], []),
        ("By Jane Roe, Senior Reporter", ["Jane Roe"], []),
        ("Jane Roe, Transport Correspondent", ["Jane Roe"], []),
        ("Jane Roe | Staff Writer", ["Jane Roe"], []),
        ("Written by Jane Roe (jane.roe@example.com)", ["Jane Roe"], []),
        ("Von Klaus Meier und Petra Schulz", ["Klaus Meier", "Petra Schulz"], []),
        ("Par Claire Dubois et Luc Martin", ["Claire Dubois", "Luc Martin"], []),
        ("Por Ana Souza y Diego Herrera", ["Ana Souza", "Diego Herrera"], []),
        ("Di Marco Rossi", ["Marco Rossi"], []),
        ("Door Pieter de Vries", ["Pieter de Vries"], []),
        ("佐藤 花子、田中 健", ["佐藤 花子", "田中 健"], []),
        ("By Sam Reed | Valley Post", ["Sam Reed"], []),
        ("By NordPress Agency", [], ["NordPress Agency"]),
        ("By Associated Wire Staff", [], ["Associated Wire Staff"]),
        ("By Jane Roe and Agence Meridien", ["Jane Roe"], ["Agence Meridien"]),
        ("AFP", [], ["AFP"]),
        ("https://news.example.com/authors/jane-roe", [], []),
        ("Maren Falk (https://falk.example/about/)", ["Maren Falk"], []),
        ("Jane", [], []),
    ],
)
def test_bylines_become_person_names_with_agencies_apart(
    byline: str, authors: list[str], agencies: list[str]
) -> None:
    result = parse_bylines([byline], site_names=["Valley Post"])
    assert (result.authors, result.agencies) == (authors, agencies)


def test_names_from_several_sources_are_not_repeated() -> None:
    assert parse_bylines(["By Jane Roe", "Jane Roe and John Doe"]).authors == ["Jane Roe", "John Doe"]


@pytest.mark.parametrize(
    ("byline", "authors", "agencies"),
    [
        ("Jane Roe, John Doe und Max Muster", ["Jane Roe", "John Doe", "Max Muster"], []),
        ("Autor: Jan Kowalski", ["Jan Kowalski"], []),
        ("Texto: Rui Costa e Marta Lima", ["Rui Costa", "Marta Lima"], []),
        ("Di Marco Rossi (ANSA)", ["Marco Rossi"], ["ANSA"]),
        ("山田太郎記者", ["山田太郎"], []),
        ("（山田太郎）", ["山田太郎"], []),
        ("（共同）", [], ["共同"]),
        ("홍길동 기자 hong@example.kr", ["홍길동"], []),
        ("(서울=연합뉴스) 홍길동 특파원 =", ["홍길동"], ["연합뉴스"]),
        ("记者 李明、王芳", ["李明", "王芳"], []),
        ("By Jane Roe (Yonhap)", ["Jane Roe"], ["Yonhap"]),
    ],
)
def test_bylines_of_every_language_and_agencies_in_brackets(
    byline: str, authors: list[str], agencies: list[str]
) -> None:
    result = parse_bylines([byline])
    assert (result.authors, result.agencies) == (authors, agencies)
