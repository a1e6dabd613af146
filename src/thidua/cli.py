"""The ``thidua`` console script: Django's management commands plus ours
(``serve``, ``demo``, ``createuser``, ``token``, ``import`` …).

Everything run from here is audited with origin "cli"."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    from django.core.management import execute_from_command_line

    from thidua.core.context import origin

    args = ["thidua", *(sys.argv[1:] if argv is None else argv)]
    with origin("cli"):
        execute_from_command_line(args)


if __name__ == "__main__":
    main()
