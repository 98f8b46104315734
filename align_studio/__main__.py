"""``python -m align_studio`` is the ``align-studio`` command."""

import sys

from align_studio.cli import main

sys.exit(main())
