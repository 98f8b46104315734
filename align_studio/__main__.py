"""``python -m align_studio`` is the ``align-studio`` command."""

import sys

from align_studio.cli import main

if __name__ == "__main__":  # not when a run's child process imports the main module
    sys.exit(main())
