"""Starts the Responder Console (see app/desktop.py for the command line)."""

import sys

from app.desktop import main

if __name__ == "__main__":
    sys.exit(main())
