"""Entry point of the packaged app: the same ``align-studio`` command as the wheel's."""

import sys

from align_studio.cli import main

if __name__ == "__main__":
    sys.exit(main())
