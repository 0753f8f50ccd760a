"""A child process for the kill -9 test: types a reply into a DraftKeeper one character at a
time (as a rep would, saves debounced) and prints `saved <n>` each time a save has committed.

    python -m tests.client.composer.draft_typist CACHE_FILE MENTION_ID
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from app.client.composer.drafts import DraftKeeper
from app.client.connection.api import ResponderApi
from app.client.stream.store import LocalStore
from app.client.worker import BlockingWorker

TEXT = (
    "Hi Sam, I'm really sorry your parcel is late; that's not the experience we want for you. "
    "I've asked the warehouse to trace it right now and I'll update you by this evening. "
) * 20


async def type_forever(cache: Path, mention_id: int) -> None:
    store = LocalStore(cache)
    worker = BlockingWorker("typist")
    # Never reached: drafts are only synced after SYNC_DELAY; the test kills us long before.
    api = ResponderApi("http://127.0.0.1:9", "unused", timeout=1)
    keeper = DraftKeeper(store, worker, api, device="typist", save_delay=0.02, max_save_delay=0.1)
    keeper.saved.connect(lambda d: print(f"saved {len(d.body)}", flush=True))
    draft = await keeper.open(mention_id, 1)
    for end in range(1, len(TEXT) + 1):
        keeper.typed(type(draft)(mention_id, draft.client_id, TEXT[:end], 1))
        # The cadence of a fast typist (~200 characters a second): not a wait for anything.
        await asyncio.sleep(0.005)
    await keeper.flush()
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(type_forever(Path(sys.argv[1]), int(sys.argv[2])))
