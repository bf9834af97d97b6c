"""The verdict of one fault case, from three witnesses: what the sender was told (accepted ids),
what the database says (one status and one final event per recipient), and what arrived on the
wire (the SMTP sink's files or the flaky relay's log) and, for webhooks, at the receiver.
Prints one RESULT line; exits 1 when a message was lost or has no single final outcome, or when
duplicates exceed what the case allows."""
import argparse
import collections
import glob
import re
import subprocess
import sys

FINAL = ("delivered", "bounced", "failed", "suppressed", "cancelled")
FINAL_EVENTS = tuple("message." + s for s in FINAL)


def psql(db, sql):
    out = subprocess.run(["psql", "-d", db, "-XAtq", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def wire_from_sink(directory):
    counts = collections.Counter()
    for path in glob.glob(directory + "/*"):
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(b"X-Rcpt-Args:"):
                    m = re.search(rb"<([^>]*)>", line)
                    if m:
                        counts[m.group(1).decode().lower()] += 1
                elif line.startswith(b"Received:"):
                    break
    return counts


def wire_from_log(path):
    counts = collections.Counter()
    with open(path) as f:
        for line in f:
            counts[line.split("\t")[0].strip().lower()] += 1
    return counts


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--case", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--accepted", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--sink-dir")
    p.add_argument("--relay-log")
    p.add_argument("--webhook-log")
    p.add_argument("--allowed-duplicates", type=int, default=0,
                   help="duplicates on the wire this case tolerates (the in-flight work of a killed process)")
    p.add_argument("--extra", default="", help="figures of the case to print on the RESULT line")
    a = p.parse_args()

    accepted = {}
    with open(a.accepted) as f:
        for line in f:
            i, mid, email = line.rstrip("\n").split("\t")
            accepted[email.lower()] = mid

    rows = psql(a.db, "select lower(email), status, attempts from recipient")
    status = collections.defaultdict(list)
    attempts = {}
    for email, st, att in rows:
        status[email].append(st)
        attempts[email] = int(att)
    finals = collections.Counter()
    for email, n in psql(a.db, """
            select lower(r.email), count(*) from message_event e join recipient r on r.id = e.recipient_id
            where e.type in (%s) group by 1""" % ",".join("'%s'" % t for t in FINAL_EVENTS)):
        finals[email] = int(n)

    wire = collections.Counter()
    if a.sink_dir:
        wire = wire_from_sink(a.sink_dir)
    elif a.relay_log:
        wire = wire_from_log(a.relay_log)

    by_status = collections.Counter(s[0] for e, s in status.items() if e in accepted)
    lost_accept = [e for e in accepted if e not in status]                    # accepted, not stored
    not_final = [e for e in accepted if e in status and status[e][0] not in FINAL]
    multi_rows = [e for e in accepted if len(status.get(e, [])) > 1]
    bad_events = [e for e in accepted if finals[e] != 1 and e in status and status[e][0] in FINAL]
    delivered_not_on_wire = [e for e in accepted if status.get(e, [""])[0] == "delivered" and wire[e] == 0]
    on_wire_not_delivered = [e for e in accepted if wire[e] > 0 and status.get(e, [""])[0] != "delivered"]
    duplicates = sum(c - 1 for e, c in wire.items() if c > 1)
    dup_recipients = sum(1 for c in wire.values() if c > 1)
    strangers = [e for e in wire if e not in accepted]
    retried = sum(1 for e in accepted if attempts.get(e, 0) > 1)
    lost = len(lost_accept) + len(delivered_not_on_wire)

    webhook = ""
    webhook_ok = True
    if a.webhook_log:
        ids = collections.Counter()
        per_recipient = collections.defaultdict(list)
        with open(a.webhook_log) as f:
            for line in f:
                wid, typ, rcpt, ts = line.rstrip("\n").split("\t")[:4]
                ids[wid] += 1
                if ids[wid] == 1:
                    per_recipient[rcpt.lower()].append(typ)
        wh_dups = sum(c - 1 for c in ids.values() if c > 1)
        missing = [e for e in accepted if not any(t in FINAL_EVENTS for t in per_recipient.get(e, []))]
        out_of_order = [e for e, types in per_recipient.items()
                        if "message.queued" in types and any(t in FINAL_EVENTS for t in types)
                        and types.index("message.queued") > min(types.index(t) for t in types if t in FINAL_EVENTS)]
        webhook = (f" webhooks={sum(ids.values())} webhook_ids={len(ids)} webhook_duplicates={wh_dups}"
                   f" webhook_missing_final={len(missing)} webhook_out_of_order={len(out_of_order)}")
        webhook_ok = not missing and not out_of_order and wh_dups == 0

    ok = (len(accepted) == a.n and lost == 0 and not not_final and not multi_rows and not bad_events
          and duplicates <= a.allowed_duplicates and webhook_ok)
    print(f"RESULT case={a.case} n={a.n} accepted={len(accepted)} "
          + " ".join(f"{s}={by_status.get(s, 0)}" for s in ("delivered", "bounced", "failed")) +
          f" not_final={len(not_final)} lost={lost} final_events_not_one={len(bad_events)}"
          f" wire_messages={sum(wire.values())} duplicates={duplicates} duplicate_recipients={dup_recipients}"
          f" on_wire_not_delivered={len(on_wire_not_delivered)} strangers={len(strangers)}"
          f" retried={retried}{webhook}{(' ' + a.extra) if a.extra else ''} verdict={'PASS' if ok else 'FAIL'}")
    for label, items in (("lost at accept", lost_accept), ("delivered but never on the wire", delivered_not_on_wire),
                         ("not final", not_final), ("final events != 1", bad_events)):
        if items:
            print(f"  {label}: {len(items)} e.g. {items[:5]}", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
