"""The ``improve`` command: Django's management commands with the project's settings.

``improve workbook export --programme SLUG FILE.xlsx``, ``improve load-example NAME`` and the
standard commands (``improve migrate``, ``improve runserver``) all go through here.
"""

import os
import sys

# Commands whose user-facing name has a hyphen map to the module name Django finds.
ALIASES = {
    "load-example": "load_example",
    "demo-users": "demo_users",
    "programme-admin": "programme_admin",
    "check-figures": "check_figures",
    "board-pack": "board_pack",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improve.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["improve", *args])


if __name__ == "__main__":
    main()
