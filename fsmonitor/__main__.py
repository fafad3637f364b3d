"""``python -m fsmonitor``: the same as the ``fsmonitor`` command."""

from fsmonitor.app import main

raise SystemExit(main())
