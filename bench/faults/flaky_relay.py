"""An SMTP relay (aiosmtpd) that answers a share of transactions with temporary failures, at random:
421 at MAIL (and the session ends, as a throttling server does), 451 4.7.1 at RCPT (a rate limit),
or 451 4.3.0 after the data. Every message it accepts is logged as `recipient <TAB> Message-ID` once
the 250 for the data is decided, so duplicates on the wire can be counted."""
import argparse
import asyncio
import random
import re
import signal

from aiosmtpd.controller import Controller


class FlakyHandler:
    def __init__(self, share, log):
        self.share = share
        self.log = log
        self.counts = {"421": 0, "451-rcpt": 0, "451-data": 0, "accepted": 0}

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if random.random() < self.share / 3:
            self.counts["421"] += 1
            # 421: the server closes the transmission channel (RFC 5321 §3.8).
            server.transport.write(b"421 4.7.0 Too many messages, closing connection\r\n")
            server.transport.close()
            return "421 4.7.0 Too many messages, closing connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if random.random() < self.share / 3:
            self.counts["451-rcpt"] += 1
            return "451 4.7.1 Rate limit exceeded, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if random.random() < self.share / 3:
            self.counts["451-data"] += 1
            return "451 4.3.0 Temporary local problem"
        m = re.search(rb"^Message-ID:\s*(\S+)", envelope.original_content or envelope.content, re.I | re.M)
        mid = m.group(1).decode() if m else "-"
        for rcpt in envelope.rcpt_tos:
            self.log.write(f"{rcpt}\t{mid}\n")
        self.log.flush()
        self.counts["accepted"] += len(envelope.rcpt_tos)
        return "250 2.0.0 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--share", type=float, default=0.2, help="share of transactions that fail temporarily")
    p.add_argument("--log", required=True)
    p.add_argument("--counts", required=True)
    a = p.parse_args()
    with open(a.log, "a") as log:
        handler = FlakyHandler(a.share, log)
        controller = Controller(handler, hostname="127.0.0.1", port=a.port, enable_SMTPUTF8=True,
                                server_hostname="flaky.relay.test", data_size_limit=10 * 1024 * 1024)
        controller.start()
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        loop.run_until_complete(stop.wait())
        controller.stop()
        with open(a.counts, "w") as f:
            f.write(" ".join(f"{k}={v}" for k, v in handler.counts.items()) + "\n")


if __name__ == "__main__":
    main()
