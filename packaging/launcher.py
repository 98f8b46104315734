"""Entry point of the packaged app: the same ``align-studio`` command as the wheel's."""

import multiprocessing
import sys

from align_studio.cli import main

if __name__ == "__main__":
    # Runs go to a child process (runs/process.py); in a frozen app that child is
    # this executable again, and freeze_support() turns it into the child.
    multiprocessing.freeze_support()
    sys.exit(main())
