"""An SMTP server on loopback that accepts mail and notes when each arrived, and for whom."""

import asyncio
import json
import signal
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self) -> None:
        self.accepted: list[tuple[str, float]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        now = time.time()
        for address in envelope.rcpt_tos:  # type: ignore[attr-defined]
            self.accepted.append((address, now))
        return "250 OK"


def main() -> None:
    port, out = int(sys.argv[1]), Path(sys.argv[2])
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    out.write_text(json.dumps(recorder.accepted))


if __name__ == "__main__":
    main()
