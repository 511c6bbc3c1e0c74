"""``python -m wenming``: the same as the ``wenming`` command."""

import sys

from wenming.cli import main

if __name__ == "__main__":
    sys.exit(main())
