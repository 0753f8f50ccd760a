"""`python -m app.server.cli`: the server's command line (the solo server and the tests start
the server this way)."""

import sys

from app.server.cli import main

sys.exit(main())
