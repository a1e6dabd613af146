"""Ids in templates are never localised: with the Vietnamese thousand separator
``{{ person.pk }}`` renders 12.345, which a form or a URL then reads as another
id or as nothing (a browser test failed this way once the ids passed 1.000)."""

import re
from pathlib import Path

from django.template import Context, Template

import thidua

ROOT = Path(thidua.__file__).parent
BARE_ID = re.compile(r"\{\{\s*[a-zA-Z_][\w.]*\.(?:pk|id|version|[a-z_]+_id)\s*\}\}")


def test_no_template_prints_a_bare_id():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BARE_ID.search(line)
    ]
    assert offenders == [], "dùng {{ x.pk|unlocalize }}: " + ", ".join(offenders)


def test_unlocalized_id_keeps_its_digits(settings):
    settings.LANGUAGE_CODE = "vi"
    html = Template("{% load l10n %}{{ n }} {{ n|unlocalize }}").render(Context({"n": 12345}))
    assert html == "12.345 12345"
