"""Verifies the DKIM signature of the message on standard input with dkimpy (python3-dkim), the
library behind Debian's dkimverify, answering its DNS query through dkimpy's dnsfunc hook.

Usage: verify.py SELECTOR DOMAIN TXT_RECORD_FILE
Prints "signature ok" and exits 0, or prints why it failed and exits 1.
"""
import sys

import dkim


def main():
    selector, domain, record_file = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(record_file, "rb") as f:
        record = f.read().strip()
    expected = ("%s._domainkey.%s." % (selector, domain)).encode("ascii")

    def dnsfunc(name, timeout=5):
        if isinstance(name, str):
            name = name.encode("ascii")
        if name.rstrip(b".") + b"." == expected:
            return record
        return None

    message = sys.stdin.buffer.read()
    verifier = dkim.DKIM(message)
    try:
        ok = verifier.verify(dnsfunc=dnsfunc)
    except dkim.DKIMException as ex:
        print("signature invalid: %s" % ex)
        return 1
    if ok:
        print("signature ok")
        return 0
    print("signature invalid")
    return 1


if __name__ == "__main__":
    sys.exit(main())
