"""Command line: `python -m app.tone [--network mastodon|bluesky|x] [--mention TEXT] DRAFT`."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence

from app.models.enums import Network
from app.tone.check import check_reply

CLI_NETWORKS = (Network.MASTODON, Network.BLUESKY, Network.X)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.tone",
        description="Check a draft reply's tone and print the findings as JSON.",
    )
    parser.add_argument(
        "--network",
        choices=[n.value for n in CLI_NETWORKS],
        default=Network.MASTODON.value,
        help="the network the reply goes to (length limit and counting); default mastodon",
    )
    parser.add_argument("--mention", default=None, help="the customer's post being answered")
    parser.add_argument("draft", metavar="DRAFT", help="the draft reply")
    args = parser.parse_args(argv)
    report = check_reply(args.draft, mention=args.mention, network=Network(args.network))
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # drafts in any language, whatever the locale
    json.dump(report.to_dict(), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
