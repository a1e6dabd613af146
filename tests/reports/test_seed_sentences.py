"""The seeds' sentences regenerated from records entered through the API, in the
JSON and read back from the DOCX with python-docx."""

from __future__ import annotations

import io

import docx

from tests.reports.conftest import SEED_003, SEED_004, as_catalogue


def docx_text(content: bytes) -> str:
    doc = docx.Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_seed_003_award_sentence_from_the_registry(api, minh_long_api):
    district, _communes, _people = minh_long_api
    r = api.get("/api/v1/reports/summary", {"year": 2023, "unit": "ML"})
    assert r.status_code == 200, r.json()
    data = r.json()
    district_sentence = next(s for s in data["text"]["commendation"] if s.startswith("UBND huyện"))
    assert district_sentence == as_catalogue(SEED_003) + "."
    province = next(s for s in data["text"]["commendation"] if s.startswith("UBND tỉnh"))
    assert province == "UBND tỉnh tặng danh hiệu “Tập thể lao động xuất sắc” cho 5 tập thể."
    # The figures behind it: revoked lines are not counted.
    lines = {(a["award_type"], a["authority_level"]): a["total"] for a in data["awards"]}
    assert lines[("LDTT", "district")] == 118
    assert data["award_totals"] == {"collective": 63, "individual": 248, "household": 0}

    r = api.get("/api/v1/reports/annual.docx", {"year": 2023, "unit": district.pk})
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="bao-cao-tong-ket-ml-2023.docx"'
    text = docx_text(r.content)
    assert as_catalogue(SEED_003) + "." in text
    assert "Tổng kết công tác thi đua, khen thưởng năm 2023" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN HUYỆN MINH LONG" in text
    assert "Lao động tiên tiến | Cấp huyện (đến 30/6/2025) | 0 | 118 | 0 | 118" in text
    assert "Tổng cộng |  | 63 | 248 | 0 | 311" in text
    # Shortcomings and directions are marked blanks, not generated judgements.
    assert "[PHẦN ĐỂ TRỐNG" in text and "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024" in text


def test_seed_004_ratings_shares(api, muong_la):
    r = api.get("/api/v1/reports/summary", {"year": 2022, "unit": "MLA"})
    data = r.json()
    assert data["unit_ratings"]["rated"] == 70 and data["unit_ratings"]["completed_share"] == 98.6
    assert data["people_ratings"]["excellent_share"] == 20.0
    situation = " ".join(data["text"]["situation"])
    assert SEED_004 + "." in situation
    text = docx_text(api.get("/api/v1/reports/annual.docx", {"year": 2022, "unit": "MLA"}).content)
    assert "Qua việc thực hiện nhiệm vụ và phong trào thi đua, " + SEED_004 + "." in text
