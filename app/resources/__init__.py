"""Files shipped inside the package (the wheel carries them): the demo source's sample mentions and
the application icon. Readers take their paths from here, never from the source checkout."""

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent
DEMO_MENTIONS = RESOURCES_DIR / "demo" / "mentions.jsonl"
APP_ICON_SVG = RESOURCES_DIR / "icons" / "responder-console.svg"
