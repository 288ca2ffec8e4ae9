"""``python -m db.postgres migrate | check | copy-from-sqlite FILE`` (see ``tools.py``)."""

import sys

from db.postgres.tools import main

sys.exit(main())
