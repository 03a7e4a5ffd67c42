"""A real SMTP server on loopback (aiosmtpd) that can refuse, stall or be absent."""

import asyncio
import email
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller

from tests.helpers import free_port


class Inbox:
    """Keeps what it accepts; ``refuse`` answers RCPT with a code, ``stall`` delays DATA,
    ``slow_rcpt`` delays each RCPT and ``greylisted`` addresses get a 451.

    With ``pipelining`` the server offers PIPELINING (RFC 2920), as mail relays do,
    and notes for each RCPT whether the client had sent DATA along with it.
    """

    def __init__(self, pipelining: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.pipelining = pipelining
        self.pipelined: list[bool] = []
        self.refuse_sender: str | None = None
        self.refuse: str | None = None
        self.stall = 0.0
        self.slow_rcpt = 0.0  # seconds before each RCPT is answered
        self.greylisted: set[str] = set()  # addresses answered 451 for now
        self.receiving = asyncio.Event()
        self.connections = 0  # sessions that said EHLO

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        # What the client sent after RCPT and the server has not read yet.
        self.pipelined.append(b"DATA" in bytes(server._reader._buffer))
        await asyncio.sleep(self.slow_rcpt)
        if self.refuse:
            return self.refuse
        if address in self.greylisted:
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.receiving.set()
        await asyncio.sleep(self.stall)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SMTPServer:
    def __init__(self, port: int | None = None, inbox: Inbox | None = None) -> None:
        self.port = port or free_port()
        self.inbox = inbox or Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SMTPServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    def mailers(self) -> dict[str, Any]:
        return {
            "default": {
                "BACKEND": "petition_site.lib.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }
