"""``python -m pipelines.commands``: the ``newsarchive`` command without its installed script."""

import sys

from pipelines.commands import main

sys.exit(main())
