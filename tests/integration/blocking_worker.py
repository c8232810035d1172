"""The real `hadath worker`, whose event loop a test can block, for the liveness test.

Run as ``python -m blocking_worker worker`` (``WorkerProcess(..., module="blocking_worker")``).
When the file named by ``BLOCK_LOOP_FILE`` appears, a watcher thread schedules
``time.sleep(BLOCK_LOOP_SECONDS)`` on the worker's event loop: one blocking call in the loop
thread, as a hung client call or a CPU-bound bug would be. Every other thread (the HTTP
server of /metrics, /livez, /readyz; the lag poller) keeps running.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

from hadath.cli import main


def _block_when_asked(loop: asyncio.AbstractEventLoop, flag: str, seconds: float) -> None:
    while not os.path.exists(flag):
        time.sleep(0.1)
    loop.call_soon_threadsafe(time.sleep, seconds)


if __name__ == "__main__":
    # Faust runs on the thread's current event loop: make it one this module knows.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    seconds = float(os.environ.get("BLOCK_LOOP_SECONDS", "60"))
    watcher = threading.Thread(
        target=_block_when_asked, args=(loop, os.environ["BLOCK_LOOP_FILE"], seconds), daemon=True
    )
    watcher.start()
    sys.exit(main(sys.argv[1:]))
