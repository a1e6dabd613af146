"""A decision with 500 recipients: its DOCX and its 500 certificates as one PDF,
each against a baseline measured in the same run.

Creates a fresh database (SQLite in a temporary directory, or a temporary
PostgreSQL database with DATABASE_URL — the pattern of bench/people_search.py),
migrates it, drafts a commune's Giấy khen decision for ``--recipients`` people,
signs and issues it (numbering + 500 registry lines in one transaction; timed
once, for information), then times

  DOCX ours:      documents.build_text + documents.render_docx (python-docx, annex as raw XML)
  DOCX baseline:  docxtpl alone rendering an equivalent Jinja template of the same
                  DecisionText (header, căn cứ, Điều 1–3, annex with {%tr for %} rows)
  PDF ours:       certificates.render_pdf (contexts, 500 QR codes, template, WeasyPrint)
  PDF baseline:   WeasyPrint alone on the already-built HTML of the same 500 pages

and prints the medians and the ratios. Targets: DOCX ≤ 2 s, certificates ≤ 30 s.
Reported, not asserted (``--strict`` exits 1 on a miss).

    .venv/bin/python bench/decision_documents.py [--recipients 500] [--n 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from people_search import setup_environment

DOCX_TARGET_S = 2.0
PDF_TARGET_S = 30.0


def load(recipients: int):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from thidua.accounts.enums import Role
    from thidua.accounts.models import User
    from thidua.accounts.services import role_assign
    from thidua.decisions import services
    from thidua.directory import services as directory

    root = directory.unit_create(actor=None, code="B", name="Tỉnh Đo", kind="province")
    commune = directory.unit_create(actor=None, code="B-X", name="Xã Đo Đạc", kind="commune", parent=root)
    schools = [
        directory.unit_create(
            actor=None, code=f"B-T{i}", name=f"Trường Tiểu học số {i}", kind="school", parent=commune
        )
        for i in range(10)
    ]
    given = [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đức",
        "Giang",
        "Hà",
        "Hải",
        "Hương",
        "Khánh",
        "Lan",
        "Long",
        "Mai",
        "Minh",
    ]
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lò"]
    people = [
        directory.person_create(
            actor=None,
            full_name=f"{family[i % 10]} Thị {given[i % 14]} {chr(65 + i // 140 % 26)}".replace(" A", "")
            if i < 140
            else f"{family[i % 10]} Văn {given[i % 14]} {['Anh', 'Bảo', 'Chí', 'Duy', 'Giao', 'Hùng', 'Kiên', 'Lâm'][i // 140 % 8]}",
            gender="female",
            unit=schools[i % 10],
            position="Giáo viên",
        )
        for i in range(recipients)
    ]
    officer = User.objects.create_user(username="thuongtruc", password="bench-matkhau-1", full_name="Cán bộ")
    role_assign(actor=None, user=officer, role=Role.STANDING_OFFICER, unit=root)
    leader = User.objects.create_user(username="chutich", password="bench-matkhau-1", full_name="Lò Văn Chủ")
    role_assign(actor=None, user=leader, role=Role.APPROVER, unit=commune)
    decision = services.decision_create(
        actor=officer,
        issuer=commune,
        decision_date=dt.date(2025, 3, 10),
        signer_name="Lò Văn Chủ",
        budget_source="Quỹ thi đua, khen thưởng của xã",
        recipients=[services.RecipientInput(award_type="GK", year=2024, person=p) for p in people],
    )
    services.decision_sign(actor=leader, decision=decision)
    start = time.perf_counter()
    services.decision_issue(actor=leader, decision=decision)
    issue_s = time.perf_counter() - start
    decision.refresh_from_db()
    return decision, issue_s


def docxtpl_template() -> bytes:
    """An equivalent docxtpl template of the same content, built once (not timed)."""
    import docx

    doc = docx.Document()
    header = doc.add_table(rows=2, cols=2)
    header.rows[0].cells[0].text = "{{ t.parent_body }}\n{{ t.issuer_name }}"
    header.rows[0].cells[1].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.rows[1].cells[0].text = "{{ t.number_line }}"
    header.rows[1].cells[1].text = "{{ t.place_date }}"
    for line in ("QUYẾT ĐỊNH", "{{ t.subject }}", "{{ t.authority_title }}"):
        doc.add_paragraph(line)
    doc.add_paragraph("{%p for line in t.bases %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("QUYẾT ĐỊNH:")
    doc.add_paragraph("{%p for label, paras in t.articles %}")
    doc.add_paragraph("{%p for p in paras %}")
    doc.add_paragraph("{{ label if loop.first else '' }} {{ p }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    foot = doc.add_table(rows=1, cols=2)
    foot.rows[0].cells[0].text = "Nơi nhận:"
    foot.rows[0].cells[1].text = "{{ t.signer_title }}\n\n\n{{ t.signer_name }}"
    doc.add_paragraph("{{ t.annex_title }}")
    doc.add_paragraph("{{ t.annex_note }}")
    annex = doc.add_table(rows=3, cols=5)
    for cell, text in zip(
        annex.rows[0].cells,
        ("STT", "Họ và tên / Tập thể", "Chức vụ, đơn vị", "Hình thức", "Số tiền (đồng)"),
        strict=True,
    ):
        cell.text = text
    annex.rows[1].cells[0].text = "{%tr for r in t.annex %}"
    for cell, text in zip(
        annex.rows[2].cells,
        ("{{ r.stt }}", "{{ r.name }}", "{{ r.position }}", "{{ r.award }}", "{{ r.amount }}"),
        strict=True,
    ):
        cell.text = text
    row = annex.add_row()
    row.cells[0].text = "{%tr endfor %}"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def median_time(fn, n: int) -> float:
    fn()  # warm
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_avg() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # not on this platform
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=500)
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--pdf-runs", type=int, default=2)
    parser.add_argument("--strict", action="store_true")
    args, _ = parser.parse_known_args()
    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from docxtpl import DocxTemplate
        from weasyprint import HTML

        from thidua.decisions import certificates, documents

        decision, issue_s = load(args.recipients)
        lines = certificates.lines_of(decision)
        print(
            f"Quyết định {decision.full_number}: {len(lines)} người; vào sổ + ghi sổ khen thưởng: {issue_s:.2f} s"
        )

        template = docxtpl_template()
        text = documents.build_text(decision, lines)

        def ours_docx():
            documents.render_docx(documents.build_text(decision, lines))

        def base_docx():
            tpl = DocxTemplate(io.BytesIO(template))
            tpl.render({"t": text})
            tpl.save(io.BytesIO())

        d_ours, d_base = median_time(ours_docx, args.n), median_time(base_docx, args.n)
        docx_size = len(documents.render_docx(text))
        print(
            f"DOCX   ours {d_ours:.3f} s ({docx_size // 1024} KB) | docxtpl alone {d_base:.3f} s"
            f" | ratio {d_ours / d_base:.2f}"
        )

        html = certificates.render_html(decision, lines)
        # Alternated (ours, baseline, ours, baseline …) so that a load change on the
        # machine hits both sides alike; the medians are compared.
        # CPU time (process_time) is printed beside the wall time: on a shared
        # machine the wall time mostly measures the other processes.
        ours_t, base_t, ours_cpu, base_cpu = [], [], [], []
        for _ in range(args.pdf_runs):
            start, cpu = time.perf_counter(), time.process_time()
            certificates.render_pdf(decision, lines)
            ours_t.append(time.perf_counter() - start)
            ours_cpu.append(time.process_time() - cpu)
            start, cpu = time.perf_counter(), time.process_time()
            HTML(string=html, url_fetcher=documents.safe_fetcher()).write_pdf()
            base_t.append(time.perf_counter() - start)
            base_cpu.append(time.process_time() - cpu)
        p_ours, p_base = statistics.median(ours_t), statistics.median(base_t)
        c_ours, c_base = statistics.median(ours_cpu), statistics.median(base_cpu)
        print(
            f"GCN PDF ours {p_ours:.2f} s (CPU {c_ours:.2f} s) | WeasyPrint alone {p_base:.2f} s"
            f" (CPU {c_base:.2f} s) | ratio {p_ours / p_base:.2f} (CPU {c_ours / c_base:.2f})"
        )
        print(f"(tải máy lúc đo: {load_avg()} trên {os.cpu_count()} nhân)")
        ok = d_ours <= DOCX_TARGET_S and p_ours <= PDF_TARGET_S
        print(
            f"Mục tiêu: DOCX ≤ {DOCX_TARGET_S:g} s, giấy chứng nhận ≤ {PDF_TARGET_S:g} s — {'đạt' if ok else 'CHƯA ĐẠT'}"
        )
        return 0 if ok or not args.strict else 1
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
