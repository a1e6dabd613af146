"""Source of the shipped rule data (src/thidua/awards/data/*.json).

The JSON files are the data thidua loads; this script only writes them in a
reviewable way (one place per rule set), so a reviewer can diff a legal
change. Run: .venv/bin/python scripts/rule_data_source.py
Every value carries its citation and a confidence mark (docs/legal/).
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "thidua" / "awards" / "data"

CATALOGUE = [
    # code, name, short name, category, rank
    ("HCLD1", "Huân chương Lao động hạng Nhất", "Huân chương Lao động hạng Nhất", "form", 300),
    ("HCLD2", "Huân chương Lao động hạng Nhì", "Huân chương Lao động hạng Nhì", "form", 290),
    ("HCLD3", "Huân chương Lao động hạng Ba", "Huân chương Lao động hạng Ba", "form", 280),
    ("CSTD_TQ", "Chiến sĩ thi đua toàn quốc", "CSTĐ toàn quốc", "title", 270),
    ("CTD_CP", "Cờ thi đua của Chính phủ", "Cờ thi đua Chính phủ", "title", 260),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "Bằng khen Thủ tướng", "form", 250),
    ("CSTD_TINH", "Chiến sĩ thi đua bộ, ban, ngành, tỉnh", "CSTĐ cấp tỉnh", "title", 240),
    ("CTD_TINH", "Cờ thi đua của bộ, ban, ngành, tỉnh", "Cờ thi đua cấp tỉnh", "title", 230),
    ("TTLDXS", "Tập thể lao động xuất sắc", "Tập thể LĐXS", "title", 220),
    ("BK_TINH", "Bằng khen của bộ, ban, ngành, tỉnh", "Bằng khen cấp tỉnh", "form", 210),
    ("XTB", "Xã, phường, thị trấn tiêu biểu", "Xã tiêu biểu", "title", 200),
    ("CSTD_CS", "Chiến sĩ thi đua cơ sở", "CSTĐ cơ sở", "title", 190),
    ("TTLDTT", "Tập thể lao động tiên tiến", "Tập thể LĐTT", "title", 180),
    ("TDPVH", "Thôn, tổ dân phố văn hóa", "Thôn, TDP văn hóa", "title", 170),
    ("GK", "Giấy khen", "Giấy khen", "form", 160),
    ("LDTT", "Lao động tiên tiến", "LĐTT", "title", 150),
    ("GDVH", "Gia đình văn hóa", "Gia đình văn hóa", "title", 140),
]

IND, COLL, HH = "individual", "collective", "household"


def leaf(pred: str, citation: str, **params: object) -> dict:
    return {"pred": pred, "citation": citation, **params}


def all_(*items: dict) -> dict:
    return {"all": list(items)}


def any_(*items: dict) -> dict:
    return {"any": list(items)}


def prize(ind: dict | None = None, coll: dict | None = None, hh: dict | None = None) -> dict:
    out = {}
    for kind, value in ((IND, ind), (COLL, coll), (HH, hh)):
        if value is not None:
            out[kind] = value
    return out


def vote(threshold: str, citation: str, confidence: str = "text") -> dict:
    return {
        "threshold": threshold,
        "base": "all",
        "ballot": "secret",
        "citation": citation,
        "confidence": confidence,
    }


def rule(
    code,
    kinds,
    levels,
    citation,
    *,
    prize_=None,
    quota=None,
    vote_=None,
    criteria=None,
    confidence="text",
    note="",
):
    return {
        "award_type": code,
        "recipient_kinds": kinds,
        "authority_levels": levels,
        "prize": prize_ or {},
        "quota": quota,
        "vote": vote_,
        "criteria": criteria or {},
        "citation": citation,
        "confidence": confidence,
        "note": note,
    }


def for_kinds(kinds: list[str], node: dict) -> dict:
    """A branch of a criteria tree for some recipient kinds only (docs/eligibility.md, ``kinds``):
    the law gives individuals, collectives and households different criteria for one form."""
    return {**node, "kinds": kinds}


def unread(citation: str, question: str) -> dict:
    """A criterion whose text was not read: a human checks it, and it is shown as unconfirmed."""
    return leaf("manual", citation, question=question, confidence="unconfirmed")


def gk_review(citation: str) -> dict:
    """Giấy khen criteria are delegated to each ministry and province: a human checks them."""
    return leaf(
        "manual",
        citation,
        question="Tiêu chuẩn Giấy khen do bộ, tỉnh quy định chi tiết: cần cán bộ đối chiếu",
    )


# --------------------------------------------------------------------------- L2013
L13 = "Luật TĐKT 2003 sửa đổi 2013"


def l2013() -> dict:
    gk_prize = prize(
        {"*": "0.3", "commune": "0.15"}, {"*": "0.6", "commune": "0.3"}, {"*": "0.3", "commune": "0.15"}
    )
    return {
        "rule_set": {
            "code": "L2013",
            "name": "Luật Thi đua, khen thưởng 2003 (sửa đổi 2013) và Nghị định 91/2017/NĐ-CP",
            # The "Căn cứ" lines of a decision, verbatim: names of legal documents only. (Its end on
            # 31/12/2023 is Law 06/2022 art. 94(2); awards given before stay recognised, art. 95 —
            # docs/legal/verification.md §8.)
            "legal_basis": "Luật Thi đua, khen thưởng số 15/2003/QH11, sửa đổi bởi Luật số 39/2013/QH13; "
            "Nghị định 91/2017/NĐ-CP",
            "valid_from": None,
            "valid_to": "2023-12-31",
            "status": "confirmed",
            "rounding": "up",
            "rounding_citation": "NĐ 91/2017 Điều 68(2)",
        },
        "rules": [
            rule(
                "LDTT",
                [IND],
                ["agency", "district", "commune"],
                f"{L13} Điều 24",
                prize_=prize({"*": "0.3"}),
                criteria=all_(leaf("rating", f"{L13} Điều 24", min="HTTNV")),
            ),
            rule(
                "CSTD_CS",
                [IND],
                ["agency", "district"],
                f"{L13} Điều 23; NĐ 91/2017 Điều 9(3)",
                prize_=prize({"*": "1.0"}),
                quota={
                    "share_of": "LDTT",
                    "max": "0.15",
                    "enforce": "warn",
                    "citation": "NĐ 91/2017 Điều 9(3)",
                    "note": "Tỷ lệ áp dụng chung cho bộ, tỉnh; một đơn vị có thể vượt.",
                },
                criteria=all_(
                    leaf("holds", f"{L13} Điều 23", award="LDTT"),
                    leaf(
                        "initiative",
                        f"{L13} Điều 23; NĐ 91/2017 Điều 9(3)",
                        min_scope="base",
                        count=1,
                        years=1,
                    ),
                ),
            ),
            rule(
                "CSTD_TINH",
                [IND],
                ["province"],
                f"{L13} Điều 22; NĐ 91/2017 Điều 9(2)",
                prize_=prize({"*": "3.0"}),
                vote_=vote("0.9", "NĐ 91/2017 Điều 45(8)"),
                criteria=all_(
                    leaf("holds_chain", f"{L13} Điều 22", award="CSTD_CS", count=3),
                    leaf("initiative", "NĐ 91/2017 Điều 9(2)", min_scope="province", count=1, years=3),
                ),
            ),
            rule(
                "CSTD_TQ",
                [IND],
                ["government"],
                f"{L13} Điều 21",
                prize_=prize({"*": "4.5"}),
                vote_=vote("0.9", "NĐ 91/2017 Điều 45(8)"),
                criteria=all_(
                    leaf("holds_chain", f"{L13} Điều 21", award="CSTD_TINH", count=2),
                    leaf("initiative", f"{L13} Điều 21", min_scope="national", count=1, years=6),
                ),
            ),
            rule(
                "TTLDTT",
                [COLL],
                ["agency", "district"],
                f"{L13} Điều 28",
                prize_=prize(coll={"*": "0.8"}),
                criteria=all_(
                    leaf("rating", f"{L13} Điều 28", min="HTTNV"),
                    leaf("member_share", f"{L13} Điều 28", award="LDTT", more_than="0.5"),
                    leaf("members_no_discipline", f"{L13} Điều 28", min_measure="canh_cao"),
                ),
            ),
            rule(
                "TTLDXS",
                [COLL],
                ["province"],
                "Luật TĐKT 2003 Điều 27 (qua thông tư hướng dẫn)",
                prize_=prize(coll={"*": "1.5"}),
                confidence="secondhand",
                criteria=all_(
                    leaf("rating", "Điều 27", min="HTXSNV"),
                    leaf("member_share", "Điều 27", rating="HTNV", at_least="1"),
                    leaf("member_share", "Điều 27", award="LDTT", at_least="0.7"),
                    leaf("member_count", "Điều 27", award="CSTD_CS", at_least=1),
                    leaf("members_no_discipline", "Điều 27 (thông tư)", min_measure="canh_cao"),
                ),
            ),
            rule(
                "CTD_TINH",
                [COLL],
                ["province"],
                "NĐ 91/2017 Điều 12",
                prize_=prize(coll={"*": "8.0"}),
                criteria=all_(
                    leaf(
                        "manual",
                        "NĐ 91/2017 Điều 12",
                        question="Là tập thể tiêu biểu nhất Khối, Cụm thi đua qua bình xét, suy tôn",
                    )
                ),
            ),
            rule(
                "CTD_CP",
                [COLL],
                ["government"],
                f"{L13} Điều 25",
                prize_=prize(coll={"*": "12.0"}),
                criteria=all_(
                    leaf(
                        "manual", f"{L13} Điều 25", question="Là tập thể tiêu biểu xuất sắc nhất của bộ, tỉnh"
                    )
                ),
            ),
            rule(
                "BK_TINH",
                [IND, COLL, HH],
                ["province"],
                "Tiêu chuẩn: chưa đối chiếu; tiền thưởng: NĐ 91/2017 Điều 73",
                prize_=prize({"*": "1.0"}, {"*": "2.0"}, {"*": "1.0"}),
                confidence="unconfirmed",
                criteria=all_(
                    leaf(
                        "manual",
                        "chưa đối chiếu",
                        question="Tiêu chuẩn Bằng khen cấp tỉnh theo Luật 2013 chưa được đối chiếu",
                    )
                ),
            ),
            rule(
                "BK_TTG",
                [IND, COLL, HH],
                ["government"],
                "NĐ 91/2017 Điều 38(1)(c)",
                prize_=prize({"*": "3.5"}, {"*": "7.0"}, {"*": "3.5"}),
                confidence="secondhand",
                note="Tiêu chuẩn cá nhân: NĐ 91/2017 Điều 38(1)(c). Tiêu chuẩn tập thể, hộ gia đình chưa đối chiếu.",
                criteria=all_(
                    for_kinds(
                        [IND],
                        all_(
                            leaf("holds_before", "NĐ 91/2017 Điều 38(1)(c)", award="BK_TINH"),
                            leaf("rating_years", "NĐ 91/2017 Điều 38(1)(c)", min="HTXSNV", count=5),
                            leaf(
                                "initiative", "NĐ 91/2017 Điều 38(1)(c)", min_scope="base", count=5, years=5
                            ),
                        ),
                    ),
                    for_kinds(
                        [COLL, HH],
                        all_(
                            unread(
                                "NĐ 91/2017 Điều 38 (chưa đối chiếu)",
                                "Tiêu chuẩn Bằng khen Thủ tướng cho tập thể, hộ gia đình theo NĐ 91/2017 "
                                "chưa được đối chiếu",
                            )
                        ),
                    ),
                ),
            ),
            rule(
                "HCLD3",
                [IND, COLL],
                ["state"],
                "Luật TĐKT 2003 (tiêu chuẩn chưa đối chiếu)",
                prize_=prize({"*": "4.5"}),
                confidence="unconfirmed",
                criteria=all_(
                    leaf(
                        "manual",
                        "chưa đối chiếu",
                        question="Tiêu chuẩn Huân chương Lao động hạng Ba theo Luật 2013 chưa được đối chiếu",
                    )
                ),
            ),
            rule(
                "HCLD2",
                [IND, COLL],
                ["state"],
                "NĐ 91/2017",
                prize_=prize({"*": "7.5"}),
                confidence="unconfirmed",
                criteria=all_(leaf("manual", "chưa đối chiếu", question="Tiêu chuẩn chưa được đối chiếu")),
            ),
            rule(
                "HCLD1",
                [IND, COLL],
                ["state"],
                "NĐ 91/2017",
                prize_=prize({"*": "9.0"}),
                confidence="unconfirmed",
                criteria=all_(leaf("manual", "chưa đối chiếu", question="Tiêu chuẩn chưa được đối chiếu")),
            ),
            rule(
                "GK",
                [IND, COLL, HH],
                ["agency", "district", "commune"],
                f"{L13} Điều 76; NĐ 91/2017 Điều 73(1)(d), 73(2)(b)",
                prize_=gk_prize,
                criteria=all_(gk_review(f"{L13} Điều 76")),
            ),
            rule(
                "TDPVH",
                [COLL],
                ["district"],
                "NĐ 91/2017",
                prize_=prize(coll={"*": "1.5"}),
                confidence="secondhand",
                criteria=all_(
                    leaf("manual", "NĐ 122/2018", question="Đạt tiêu chuẩn Thôn, tổ dân phố văn hóa")
                ),
            ),
            rule(
                "GDVH",
                [HH],
                ["commune"],
                "NĐ 122/2018",
                prize_={},
                confidence="secondhand",
                criteria=all_(leaf("manual", "NĐ 122/2018", question="Đạt tiêu chuẩn Gia đình văn hóa")),
            ),
        ],
    }


# --------------------------------------------------------------------------- L2022
L22 = "Luật TĐKT 06/2022/QH15"


def l2022(
    code: str,
    decree: str,
    valid_from: str,
    valid_to: str | None,
    *,
    commune_signs_cs: bool,
    d152: bool,
    status: str = "confirmed",
    name: str | None = None,
    basis: str | None = None,
) -> dict:
    local = ["agency", "commune"] if d152 else ["agency", "district"]
    basic_levels = ["agency", "commune"] if d152 else ["agency", "district", "commune"]
    cs_levels = local if commune_signs_cs else ["agency", "district"]
    unconf = "unconfirmed" if d152 else "text"
    # D152 art. 4 (and D98 before it) bars proposing "cá nhân, tập thể" under a disciplinary
    # measure or an open review: the same leaf reads a person's measures or a collective's own.
    no_disc = leaf(
        "no_discipline",
        "NĐ 152/2025 Điều 4" if d152 else f"{L22} Điều 5; NĐ 98/2023",
        **({} if d152 else {"confidence": "secondhand"}),
    )
    prize_art = "NĐ 152/2025 Điều 50" if d152 else "NĐ 98/2023 Điều 54"
    hc_prize_art = "NĐ 152/2025 Điều 51" if d152 else "NĐ 98/2023"
    vote_cite = "NĐ 98/2023 Điều 30(7)" + (" (NĐ 152/2025 chưa tìm thấy quy định tương ứng)" if d152 else "")
    # NĐ 152/2025 Điều 54: Giấy khen các cấp 0,3 (cá nhân) / 0,6 (tập thể); hộ gia đình 1,5 lần mức
    # của cá nhân (thư viện pháp luật, 2h) — 0,45.
    gk_prize = (
        prize({"*": "0.3"}, {"*": "0.6"}, {"*": "0.45"})
        if d152
        else prize(
            {"*": "0.3", "commune": "0.15"}, {"*": "0.6", "commune": "0.3"}, {"*": "0.3", "commune": "0.15"}
        )
    )
    rules = [
        rule(
            "LDTT",
            [IND],
            basic_levels,
            f"{L22} Điều 24; Điều 80",
            prize_=prize({"*": "0.3"}),
            criteria=all_(leaf("rating", f"{L22} Điều 24(1)(a)", min="HTTNV"), no_disc),
        ),
        rule(
            "CSTD_CS",
            [IND],
            cs_levels,
            f"{L22} Điều 23; Điều 80(3)" + ("; NĐ 129/2025 Điều 59" if d152 else ""),
            prize_=prize({"*": "1.0"}),
            vote_=vote("0.8", vote_cite, unconf),
            criteria=all_(
                leaf("holds", f"{L22} Điều 23", award="LDTT"),
                any_(
                    leaf("rating", f"{L22} Điều 23", min="HTXSNV"),
                    leaf("initiative", f"{L22} Điều 23", min_scope="base", count=1, years=1),
                ),
                no_disc,
            ),
        ),
        rule(
            "CSTD_TINH",
            [IND],
            ["province"],
            f"{L22} Điều 22(1)",
            prize_=prize({"*": "3.0"}),
            vote_=vote("0.9", vote_cite, unconf),
            note="Chuỗi 3 năm CSTĐ cơ sở là điều kiện cần; Hội đồng lựa chọn trong số người đạt.",
            criteria=all_(
                leaf("holds_chain", f"{L22} Điều 22(1)", award="CSTD_CS", count=3),
                leaf("initiative", f"{L22} Điều 22(1)", min_scope="province", count=1, years=3),
                no_disc,
            ),
        ),
        rule(
            "CSTD_TQ",
            [IND],
            ["government"],
            f"{L22} Điều 21; thẩm quyền: Điều 78(2)",
            prize_=prize({"*": "4.5"}),
            vote_=vote("0.9", vote_cite, unconf),
            note="Cửa sổ 6 năm cho sáng kiến phạm vi toàn quốc là suy ra từ hai nhiệm kỳ CSTĐ cấp tỉnh "
            "(mỗi nhiệm kỳ 3 năm); luật không ghi số năm.",
            criteria=all_(
                leaf("holds_chain", f"{L22} Điều 21", award="CSTD_TINH", count=2),
                leaf("initiative", f"{L22} Điều 21", min_scope="national", count=1, years=6),
                no_disc,
            ),
        ),
        rule(
            "TTLDXS",
            [COLL],
            ["province"],
            f"{L22} Điều 27(1); tiền thưởng: {prize_art}",
            prize_=prize(coll={"*": "1.5"}),
            note="Thẩm quyền tặng (Điều 78–80) chưa đối chiếu nguyên văn.",
            criteria=all_(
                leaf("rating", f"{L22} Điều 27(1)", min="HTXSNV"),
                leaf("member_share", f"{L22} Điều 27(1)", rating="HTNV", at_least="1"),
                leaf("member_share", f"{L22} Điều 27(1)", award="LDTT", at_least="0.7"),
                leaf("member_count", f"{L22} Điều 27(1)", award="CSTD_CS", at_least=1),
                no_disc,
            ),
        ),
        rule(
            "TTLDTT",
            [COLL],
            local,
            f"{L22} Điều 28 (chưa đối chiếu nguyên văn); thẩm quyền: Điều 80(1), (2), (4)"
            + ("; NĐ 129/2025 Điều 59" if d152 else "")
            + f"; tiền thưởng: {prize_art}",
            prize_=prize(coll={"*": "0.8"}),
            confidence="unconfirmed",
            note="Điều 28 chưa đọc được nguyên văn: tỷ lệ «trên 50 %» và điều kiện kỷ luật lấy theo Luật 2013, "
            "chờ đối chiếu. Điều 28 có khoản 3 giao bộ, tỉnh quy định chi tiết (2h): tỷ lệ riêng của địa phương "
            "(ví dụ Bắc Ninh QĐ 86/2025 và Văn phòng Chính phủ TT 01/2024/TT-VPCP Điều 5: ít nhất 70 % và không có ai "
            "bị cảnh cáo trở lên) là quy định riêng của cơ quan ban hành. Từ 1/1/2024 (Luật 2022) kỷ luật của chính "
            "tập thể cũng được xét (NĐ 98/2023, NĐ 152/2025 Điều 4).",
            criteria=all_(
                leaf("rating", f"{L22} Điều 28", min="HTTNV"),
                leaf(
                    "member_share", f"{L22} Điều 28", award="LDTT", more_than="0.5", confidence="unconfirmed"
                ),
                leaf(
                    "members_no_discipline",
                    f"{L22} Điều 28",
                    min_measure="canh_cao",
                    confidence="unconfirmed",
                ),
                no_disc,
            ),
        ),
        rule(
            "CTD_TINH",
            [COLL],
            ["province"],
            f"{L22} Điều 26(1); tiền thưởng: {prize_art}",
            prize_=prize(coll={"*": "8.0"}),
            vote_=vote("0.8", vote_cite, unconf),
            confidence="secondhand",
            note="Điều 26(1) (2h, qua TT 15/2025/TT-BXD và QĐ 86/2025/QĐ-UBND Bắc Ninh): tặng hằng năm cho tập thể "
            "dẫn đầu phong trào thi đua của Khối, Cụm thi đua do bộ, tỉnh tổ chức, hoàn thành vượt các chỉ tiêu "
            "thi đua và nhiệm vụ được giao, tiêu biểu xuất sắc, nội bộ đoàn kết. Khoản 3 giao bộ, tỉnh quy định "
            "chi tiết.",
            criteria=all_(
                leaf(
                    "manual",
                    f"{L22} Điều 26(1)",
                    question="Là tập thể dẫn đầu Khối, Cụm thi đua của bộ, tỉnh",
                    confidence="secondhand",
                ),
                no_disc,
            ),
        ),
        rule(
            "CTD_CP",
            [COLL],
            ["government"],
            f"{L22} Điều 25; thẩm quyền: Điều 78(1)",
            prize_=prize(coll={"*": "12.0"}),
            vote_=vote("0.8", vote_cite, unconf),
            criteria=all_(
                leaf(
                    "manual",
                    f"{L22} Điều 25",
                    question="Tiêu biểu xuất sắc trong số các tập thể dẫn đầu Khối, Cụm thi đua do bộ, tỉnh tổ chức, hoặc dẫn đầu Khối, Cụm do Trung ương tổ chức, hoặc phong trào thi đua của Thủ tướng từ 5 năm trở lên",
                ),
                no_disc,
            ),
        ),
        rule(
            "BK_TINH",
            [IND, COLL, HH],
            ["province"],
            f"{L22} Điều 74(1)(d); tiền thưởng: "
            + ("NĐ 152/2025 Điều 54" if d152 else "NĐ 98/2023 (chưa đối chiếu)"),
            prize_=prize({"*": "1.5"}, {"*": "3.0"}, {"*": "2.25"})
            if d152
            else prize({"*": "1.0"}, {"*": "2.0"}, {"*": "1.0"}),
            confidence="text" if d152 else "unconfirmed",
            note="Tiêu chuẩn cá nhân Điều 74(1)(d) đã đối chiếu (trả lời của Bộ Nội vụ); các đường (a)–(c) "
            "(thành tích trong phong trào, đột xuất, đóng góp lớn) xét riêng. Theo Bộ Nội vụ (CV 5007/BNV-TĐKT), "
            "sáng kiến đã dùng để xét CSTĐ cơ sở không được tính lại. Tập thể (2h, qua TT 25/2025/TT-BKHCN "
            "Điều 7(3) và QĐ 86/2025/QĐ-UBND Bắc Ninh Điều 3(3)(c), cùng một lời văn): 02 năm liên tục hoàn thành "
            "xuất sắc nhiệm vụ hoặc đạt Tập thể lao động xuất sắc; các đường khác xét riêng; số khoản của Điều 74 "
            "chưa đối chiếu (có thể là khoản 3, không phải khoản 2)."
            + (
                " Tiền thưởng hộ gia đình: 1,5 lần mức của cá nhân (NĐ 152/2025 Điều 54, 2h)."
                if d152
                else " Hệ số tập thể, hộ gia đình theo NĐ 98/2023 chưa đối chiếu."
            ),
            criteria=all_(
                for_kinds(
                    [IND],
                    all_(
                        any_(
                            leaf("holds_chain", f"{L22} Điều 74(1)(d)", award="CSTD_CS", count=2),
                            all_(
                                leaf("rating_years", f"{L22} Điều 74(1)(d)", min="HTXSNV", count=2),
                                leaf(
                                    "initiative", f"{L22} Điều 74(1)(d)", min_scope="base", count=2, years=2
                                ),
                            ),
                        ),
                        no_disc,
                    ),
                ),
                for_kinds(
                    [COLL],
                    all_(
                        any_(
                            leaf(
                                "rating_years",
                                f"{L22} Điều 74 (tập thể)",
                                min="HTXSNV",
                                count=2,
                                confidence="secondhand",
                            ),
                            leaf(
                                "holds_chain",
                                f"{L22} Điều 74 (tập thể)",
                                award="TTLDXS",
                                count=2,
                                confidence="secondhand",
                            ),
                        ),
                        no_disc,
                    ),
                ),
                for_kinds(
                    [HH],
                    all_(
                        leaf(
                            "manual",
                            f"{L22} Điều 74 (hộ gia đình)",
                            question="Hộ gia đình gương mẫu chấp hành chủ trương, chính sách, pháp luật, có nhiều "
                            "đóng góp về công sức, đất đai, tài sản cho địa phương, xã hội",
                            confidence="secondhand",
                        )
                    ),
                ),
            ),
        ),
        rule(
            "BK_TTG",
            [IND, COLL, HH],
            ["government"],
            f"{L22} Điều 73(1)(b); thẩm quyền: Điều 78(2)"
            + ("; tiền thưởng: NĐ 152/2025 Điều 54" if d152 else ""),
            prize_=prize({"*": "3.5"}, {"*": "7.0"}, {"*": "5.25"} if d152 else {"*": "3.5"}),
            note="5 năm liên tục tính đến thời điểm đề nghị (trả lời của Bộ Nội vụ). "
            "Tiêu chuẩn tập thể, hộ gia đình (các khoản sau của Điều 73) chưa đối chiếu: cần cán bộ xem xét."
            + (
                " Tiền thưởng hộ gia đình: 1,5 lần mức của cá nhân (NĐ 152/2025 Điều 54, 2h)." if d152 else ""
            ),
            criteria=all_(
                for_kinds(
                    [IND],
                    all_(
                        leaf("holds_before", f"{L22} Điều 73(1)(b)", award="BK_TINH"),
                        leaf("rating_years", f"{L22} Điều 73(1)(b)", min="HTTNV", count=5),
                        leaf("holds_within", f"{L22} Điều 73(1)(b)", award="CSTD_CS", count=3, years=5),
                        no_disc,
                    ),
                ),
                for_kinds(
                    [COLL],
                    all_(
                        unread(
                            f"{L22} Điều 73 (chưa đối chiếu)",
                            "Tiêu chuẩn Bằng khen Thủ tướng cho tập thể, hộ gia đình (Điều 73) chưa được đối chiếu",
                        ),
                        no_disc,
                    ),
                ),
                for_kinds(
                    [HH],
                    all_(
                        unread(
                            f"{L22} Điều 73 (chưa đối chiếu)",
                            "Tiêu chuẩn Bằng khen Thủ tướng cho tập thể, hộ gia đình (Điều 73) chưa được đối chiếu",
                        )
                    ),
                ),
            ),
        ),
        rule(
            "HCLD3",
            [IND, COLL],
            ["state"],
            f"{L22} Điều 44(1)(e); tiền thưởng: {hc_prize_art}",
            prize_=prize({"*": "4.5"}, {"*": "9.0"}),
            note="5 năm liên tục tính đến thời điểm đề nghị (trả lời của Bộ Nội vụ). "
            "Tập thể: tiền thưởng gấp 2 cá nhân. Điều 44(2) là tiêu chuẩn cho công nhân, nông dân (không phải "
            "tập thể); khoản về tập thể chưa đối chiếu: cần cán bộ xem xét.",
            criteria=all_(
                for_kinds(
                    [IND],
                    all_(
                        leaf("holds_before", f"{L22} Điều 44(1)(e)", award="BK_TTG"),
                        leaf("rating_years", f"{L22} Điều 44(1)(e)", min="HTTNV", count=5),
                        leaf("rating_count", f"{L22} Điều 44(1)(e)", min="HTXSNV", count=1, years=5),
                        leaf("holds_within", f"{L22} Điều 44(1)(e)", award="CSTD_CS", count=3, years=5),
                        no_disc,
                    ),
                ),
                for_kinds(
                    [COLL],
                    all_(
                        unread(
                            f"{L22} Điều 44 (tập thể, chưa đối chiếu)",
                            "Tiêu chuẩn Huân chương Lao động hạng Ba cho tập thể (Điều 44) chưa được đối chiếu",
                        ),
                        no_disc,
                    ),
                ),
            ),
        ),
        rule(
            "HCLD2",
            [IND, COLL],
            ["state"],
            f"{L22} Điều 43; tiền thưởng: {hc_prize_art}",
            prize_=prize({"*": "7.5"}, {"*": "15.0"}),
            confidence="unconfirmed",
            criteria=all_(leaf("manual", f"{L22} Điều 43", question="Tiêu chuẩn chưa được đối chiếu")),
        ),
        rule(
            "HCLD1",
            [IND, COLL],
            ["state"],
            f"{L22} Điều 42; tiền thưởng: {hc_prize_art}",
            prize_=prize({"*": "9.0"}, {"*": "18.0"}),
            confidence="unconfirmed",
            criteria=all_(leaf("manual", f"{L22} Điều 42", question="Tiêu chuẩn chưa được đối chiếu")),
        ),
        rule(
            "GK",
            [IND, COLL, HH],
            basic_levels,
            f"{L22} Điều 75; Điều 80; tiền thưởng: " + ("NĐ 152/2025 Điều 54" if d152 else "NĐ 98/2023"),
            prize_=gk_prize,
            confidence="secondhand" if d152 else "text",
            criteria=all_(gk_review(f"{L22} Điều 75(2)")),
            note="NĐ 152/2025 Điều 54(1)(e): một hệ số 0,3 cho Giấy khen của các chủ thể tại Điều 75(1)(a), (b), (c), "
            "(đ) — gồm Chủ tịch UBND cấp xã. Điều 54: tập thể 0,6 cho «Giấy khen các cấp»; hộ gia đình 1,5 lần "
            "mức của cá nhân = 0,45 (thư viện pháp luật, 2h)."
            if d152
            else "",
        ),
        rule(
            "TDPVH",
            [COLL],
            ["commune"] if d152 else ["district"],
            f"{L22} Điều 80(2)" + ("; NĐ 129/2025 Điều 59" if d152 else ""),
            prize_=prize(coll={"*": "1.5"}),
            criteria=all_(leaf("manual", "NĐ 86/2023", question="Đạt tiêu chuẩn Thôn, tổ dân phố văn hóa")),
        ),
        rule(
            "GDVH",
            [HH],
            ["commune"],
            f"{L22} Điều 80(3)" + ("; NĐ 129/2025 Điều 59" if d152 else "") + "; tiêu chuẩn: NĐ 86/2023",
            prize_={},
            confidence="secondhand",
            criteria=all_(leaf("manual", "NĐ 86/2023", question="Đạt tiêu chuẩn Gia đình văn hóa")),
        ),
        rule(
            "XTB",
            [COLL],
            ["province"] if d152 else ["district"],
            "NĐ 86/2023; tiền thưởng: " + prize_art,
            prize_=prize(coll={"*": "2.0"}),
            note="NĐ 152/2025 gọi là «Xã, phường, đặc khu tiêu biểu» (không còn thị trấn)." if d152 else "",
            criteria=all_(
                leaf("manual", "NĐ 86/2023", question="Đạt tiêu chuẩn Xã, phường, thị trấn tiêu biểu")
            ),
        ),
    ]
    return {
        "rule_set": {
            "code": code,
            "name": name or f"Luật Thi đua, khen thưởng 2022 và {decree}",
            # verbatim "Căn cứ" lines (in force from 1/1/2024: art. 94(1), in valid_from)
            "legal_basis": basis or f"Luật Thi đua, khen thưởng số 06/2022/QH15; {decree}",
            "valid_from": valid_from,
            "valid_to": valid_to,
            "status": status,
            "rounding": "up",
            "rounding_citation": "NĐ 152/2025 Điều 49" if d152 else "NĐ 98/2023 Điều 53(2)",
        },
        "rules": rules,
    }


BASE_SALARY = [
    (1_150_000, "2013-07-01", "Nghị định 66/2013/NĐ-CP"),
    (1_210_000, "2016-05-01", "Nghị định 47/2016/NĐ-CP"),
    (1_300_000, "2017-07-01", "Nghị định 47/2017/NĐ-CP"),
    (1_390_000, "2018-07-01", "Nghị định 72/2018/NĐ-CP"),
    (1_490_000, "2019-07-01", "Nghị định 38/2019/NĐ-CP"),
    (1_800_000, "2023-07-01", "Nghị định 24/2023/NĐ-CP"),
    (2_340_000, "2024-07-01", "Nghị định 73/2024/NĐ-CP"),
    (2_530_000, "2026-07-01", "Nghị định 161/2026/NĐ-CP"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sets = [
        l2013(),
        l2022(
            "L2022-D98",
            "Nghị định 98/2023/NĐ-CP",
            "2024-01-01",
            "2025-06-30",
            commune_signs_cs=False,
            d152=False,
        ),
        l2022(
            "L2022-D152",
            "Nghị định 152/2025/NĐ-CP",
            "2025-07-01",
            "2026-09-30",
            commune_signs_cs=True,
            d152=True,
        ),
        l2022(
            "L2026",
            "Nghị định 152/2025/NĐ-CP",
            "2026-10-01",
            None,
            commune_signs_cs=True,
            d152=True,
            status="draft",
            name="Luật TĐKT 2022 sửa đổi bởi Luật 06/2026/QH16 (chưa có toàn văn)",
            basis="Luật Thi đua, khen thưởng số 06/2022/QH15, sửa đổi bởi Luật số 06/2026/QH16 ngày 23/4/2026 "
            "(hiệu lực 1/10/2026); Nghị định 152/2025/NĐ-CP. Toàn văn sửa đổi chưa được đối chiếu: tạm giữ tiêu "
            "chuẩn của L2022-D152. Dự thảo (12/2025) sửa Điều 23: CSTĐ cơ sở cần cả HTXSNV và sáng kiến — cập "
            "nhật khi có văn bản chính thức. Chuyển tiếp (2h): hồ sơ được tiếp nhận trước 1/10/2026 xét theo "
            "Luật 06/2022/QH15, trừ khi quy định mới có lợi hơn — phần «có lợi hơn» do cán bộ xem xét.",
        ),
    ]
    payload = {
        "format": 1,
        "catalogue": [
            dict(zip(("code", "name", "short_name", "category", "rank"), row, strict=True))
            for row in CATALOGUE
        ],
        "base_salaries": [
            dict(zip(("amount", "valid_from", "citation"), row, strict=True)) for row in BASE_SALARY
        ],
        "rule_sets": sets,
    }
    (OUT / "rules.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT / 'rules.json'}: {sum(len(s['rules']) for s in sets)} rules in {len(sets)} rule sets")


if __name__ == "__main__":
    main()
