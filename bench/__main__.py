"""``python -m bench [--quick] [--json PATH]``: run the suite, print the table, write JSON."""

from bench.run import main

raise SystemExit(main())
