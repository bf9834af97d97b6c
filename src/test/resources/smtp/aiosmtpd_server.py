"""A real SMTP server for the client tests: aiosmtpd on 127.0.0.1.

Usage: aiosmtpd_server.py PORT SIZE_LIMIT SMTPUTF8(0|1) [starttls-454]

With "starttls-454" the server announces STARTTLS without having a certificate, so that aiosmtpd
answers the STARTTLS command with "454 TLS not available" (RFC 3207 section 4).
Prints "READY" once listening, then one line per received message: MAIL FROM address, recipients
(comma-separated), MAIL parameters (space-separated) and the message in base64, separated by tabs. Stops when its standard
input closes, so it never outlives the test that started it.
"""
import base64
import sys

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, announce_starttls):
        self.announce_starttls = announce_starttls

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.announce_starttls:
            responses.insert(len(responses) - 1, "250-STARTTLS")
        return responses

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        print("\t".join([envelope.mail_from, ",".join(envelope.rcpt_tos), " ".join(envelope.mail_options),
                         base64.b64encode(data).decode("ascii")]), flush=True)
        return "250 2.0.0 OK"


def main():
    port = int(sys.argv[1])
    size_limit = int(sys.argv[2])
    smtputf8 = sys.argv[3] == "1"
    announce_starttls = len(sys.argv) > 4 and sys.argv[4] == "starttls-454"
    controller = Controller(Recorder(announce_starttls), hostname="127.0.0.1", port=port,
                            data_size_limit=size_limit, enable_SMTPUTF8=smtputf8)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
