"""The ``dangbo`` command: Django's management commands plus dangbo's own."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.config.settings.dev")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "dangbo"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
