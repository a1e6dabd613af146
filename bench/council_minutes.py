"""Minutes of a council session as PDF, against WeasyPrint alone on the same HTML.

Builds the session of bench/council_ballot.py (``--members`` members,
``--candidates`` candidates, every ballot voted and closed) in a fresh
database, then times

  pdf:        thidua.council.minutes.build_pdf (read the session, build the
              text, render the template, WeasyPrint)
  weasyprint: HTML(string=...).write_pdf() on the very same HTML, prepared
              beforehand — the baseline: what WeasyPrint costs by itself
  docx:       thidua.council.minutes.build, for comparison

and prints medians of 5 runs and the ratio pdf / weasyprint. Reported, never asserted.

    .venv/bin/python bench/council_minutes.py [--members 25] [--candidates 100]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from council_ballot import load
from people_search import setup_environment


def timed_ms(fn, n: int = 5) -> float:
    fn()
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return sorted(runs)[len(runs) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--candidates", type=int, default=100)
    args, _ = parser.parse_known_args()
    cleanup = setup_environment()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from weasyprint import HTML

        from thidua.council import minutes, services

        call_command("migrate", verbosity=0, interactive=False)
        officer, session, seats, ballots = load(args.members, args.candidates)
        for b in ballots:
            for i, m in enumerate(seats):
                services.vote_cast(
                    actor=m.user, session=session, ballot_id=b.pk, choice="for" if i % 5 else "against"
                )
        services.ballots_close(actor=officer, session=session)
        html = minutes.render_html(minutes.build_text(session))
        pages = len(HTML(string=html).render().pages)
        print(
            f"CSDL: {connection.vendor}; {args.members} thành viên, {args.candidates} trường hợp, {pages} trang"
        )
        full = timed_ms(lambda: minutes.build_pdf(session))
        bare = timed_ms(lambda: HTML(string=html, url_fetcher=minutes._no_fetch).write_pdf())
        docx = timed_ms(lambda: minutes.build(session))
        print(
            f"  biên bản PDF {full:.0f} ms; WeasyPrint trần cùng HTML {bare:.0f} ms; tỉ lệ {full / bare:.2f}×"
        )
        print(f"  biên bản DOCX {docx:.0f} ms")
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
