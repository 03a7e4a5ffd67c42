"""An SMTP server on loopback that accepts mail and notes when each arrived, and for whom.

It stands in for the mail relay, which in production runs on a machine of its
own. The tests use aiosmtpd, a full server; here, on the two cores the worker
and PostgreSQL share, aiosmtpd took 0.7-0.85 ms of CPU a mail, a third of the
whole budget. This is the protocol alone: EHLO/HELO, MAIL, RCPT, DATA
(dot-unstuffed to its end), RSET, NOOP, QUIT, with PIPELINING offered, as
relays offer it, since commands are answered in the order they arrive.

Usage: smtp_sink.py PORT OUT; on SIGTERM it writes [[address, time], ...] to OUT.
"""

import asyncio
import json
import signal
import sys
import time
from pathlib import Path

EHLO = b"250-sink\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250 8BITMIME\r\n"


class Session(asyncio.Protocol):
    def __init__(self, accepted: list[tuple[str, float]]) -> None:
        self.accepted = accepted
        self.buffer = b""
        self.in_data = False
        self.recipients: list[str] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    break
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                now = time.time()
                self.accepted.extend((address, now) for address in self.recipients)
                self.recipients = []
                replies.append(b"250 OK queued\r\n")
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                break
            self.buffer = rest
            replies.append(self.command(line))
            if replies[-1].startswith(b"221"):
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
        if replies:
            self.transport.write(b"".join(replies))

    def command(self, line: bytes) -> bytes:
        verb = line[:4].upper()
        if verb == b"EHLO":
            return EHLO
        if verb == b"HELO":
            return b"250 sink\r\n"
        if verb == b"MAIL":
            self.recipients = []
            return b"250 OK\r\n"
        if verb == b"RCPT":
            address = line.partition(b"<")[2].partition(b">")[0].decode()
            self.recipients.append(address)
            return b"250 OK\r\n"
        if verb == b"DATA":
            if not self.recipients:
                return b"503 no valid recipients\r\n"
            self.in_data = True
            # A message may end in the same packet as the DATA line's CRLF.
            self.buffer = b"\r\n" + self.buffer
            return b"354 End data with <CR><LF>.<CR><LF>\r\n"
        if verb == b"RSET":
            self.recipients = []
            return b"250 OK\r\n"
        if verb == b"NOOP":
            return b"250 OK\r\n"
        if verb == b"QUIT":
            return b"221 Bye\r\n"
        return b"500 Command not recognised\r\n"


async def serve(port: int, out: Path) -> None:
    accepted: list[tuple[str, float]] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Session(accepted), "127.0.0.1", port)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()
    out.write_text(json.dumps(accepted))


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), Path(sys.argv[2])))
