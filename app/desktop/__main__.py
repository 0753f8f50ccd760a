"""`python -m app.desktop`: the console (what the desktop entry runs when `responder` is not on
the PATH)."""

import sys

from app.desktop import main

sys.exit(main())
