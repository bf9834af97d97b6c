#!/usr/bin/python3
"""Summarises a JFR recording (JDK 17's `jfr` tool has no `view`). Streams `jfr print` text output,
so a long recording needs little memory.

  jfr_profile.py app.jfr [top] [since-epoch-seconds]
      CPU profile from jdk.ExecutionSample taken after `since` (e.g. after start-up): samples per
      thread group, hottest leaf methods (self), hottest methods of interest (inclusive; FOCUS
      regex, default io.mailroom and the libraries on the request and delivery paths) and the
      nearest io.mailroom caller of each sample.
  jfr_profile.py --waits app.jfr [since-epoch-seconds]
      where threads wait (wall clock): jdk.ThreadPark, jdk.SocketRead, jdk.SocketWrite,
      jdk.JavaMonitorEnter and jdk.JavaMonitorWait events (the default settings record those of
      20 ms or more) summed per thread group and nearest io.mailroom frame.
  jfr_profile.py --heap app.jfr
      heap used after each GC: "<max MiB> <median MiB> <GC count>"
"""
import collections
import os
import re
import subprocess
import sys
import time

FOCUS = re.compile(os.environ.get("FOCUS", r"^(io\.mailroom|org\.postgresql|com\.zaxxer|org\.thymeleaf|"
                                  r"org\.eclipse\.angus|jakarta\.mail|tools\.jackson|org\.jsoup|"
                                  r"org\.springframework\.(jdbc|transaction|web\.servlet\.DispatcherServlet))"))


def records(path, kind, extra=()):
    """Yields each event of `kind` as a list of its text lines."""
    process = subprocess.Popen(["jfr", "print", *extra, "--events", kind, path],
                               stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    current = None
    for line in process.stdout:
        if line.startswith(kind + " {"):
            current = []
        elif line.startswith("}") and current is not None:
            yield current
            current = None
        elif current is not None:
            current.append(line.rstrip("\n"))
    process.wait()


def seconds_of_day(text):
    # "23:22:59.242" (the recording's local time; the date is not printed)
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def after(tod, since_tod):
    if since_tod is None:
        return True
    if tod < since_tod - 12 * 3600:  # the recording passed midnight
        tod += 24 * 3600
    return tod >= since_tod


def thread_group(name):
    return re.sub(r"[-#]?\d+$", "-N", re.sub(r"-\d+-", "-N-", name or "?"))


def heap(path):
    used = []
    units = {"bytes": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}
    for event in records(path, "jdk.GCHeapSummary"):
        when = next((l for l in event if l.strip().startswith("when =")), "")
        if "After GC" not in when:
            continue
        value = next((l for l in event if l.strip().startswith("heapUsed =")), None)
        if value:
            number, unit = value.split("=")[1].split()
            used.append(float(number) * units.get(unit, 1))
    if not used:
        print("0 0 0")
        return
    used.sort()
    mib = 1024 * 1024
    print(f"{int(used[-1] // mib)} {int(used[len(used) // 2] // mib)} {len(used)}")


def time_of_day(since):
    if not since:
        return None
    t = time.localtime(since)
    return t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec


def field(event, name):
    return next((l.split("=", 1)[1].strip() for l in event if l.strip().startswith(name + " =")), "")


def stack(event):
    frames = []
    in_stack = False
    for line in event:
        s = line.strip()
        if s.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and s == "]":
            break
        elif in_stack and s != "...":
            frames.append(s.split("(")[0])
    return frames


def seconds(duration):
    # "25.3 ms", "1.20 s", "412 us", "2 min 3 s"
    total = 0.0
    units = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0}
    parts = duration.split()
    for number, unit in zip(parts[0::2], parts[1::2]):
        total += float(number) * units.get(unit, 0)
    return total


def waits(path, since):
    since_tod = time_of_day(since)
    total = collections.Counter()
    count = collections.Counter()
    for kind in ["jdk.ThreadPark", "jdk.SocketRead", "jdk.SocketWrite", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait"]:
        for event in records(path, kind, ["--stack-depth", "64"]):
            if not after(seconds_of_day(field(event, "startTime").split()[0]), since_tod):
                continue
            name = re.search(r'"(.*?)"', field(event, "eventThread"))
            ours = next((m for m in stack(event) if m.startswith("io.mailroom.")), "-")
            key = (kind.split(".")[1], thread_group(name.group(1) if name else "?"), ours)
            total[key] += seconds(field(event, "duration"))
            count[key] += 1
    print("waits of 20 ms or more (seconds summed over threads):")
    for key, secs in total.most_common(25):
        print(f"  {secs:9.2f} s {count[key]:7d}x  {key[0]:<17} {key[1]:<28} {key[2]}")


def profile(path, top, since):
    since_tod = time_of_day(since)
    total = 0
    threads = collections.Counter()
    leaf = collections.Counter()
    inclusive = collections.Counter()
    nearest = collections.Counter()
    for event in records(path, "jdk.ExecutionSample", ["--stack-depth", "256"]):
        start = next(l for l in event if l.strip().startswith("startTime ="))
        if not after(seconds_of_day(start.split("=")[1].strip().split()[0]), since_tod):
            continue
        total += 1
        thread = next((l for l in event if l.strip().startswith("sampledThread =")), "")
        name = re.search(r'"(.*?)"', thread)
        threads[thread_group(name.group(1) if name else "?")] += 1
        frames = stack(event)
        if not frames:
            continue
        leaf[frames[0]] += 1
        for m in set(frames):
            if FOCUS.search(m):
                inclusive[re.sub(r"\$\$Lambda.*", "$$Lambda", m)] += 1
        nearest[next((m for m in frames if m.startswith("io.mailroom.")), "(no io.mailroom frame)")] += 1

    if total == 0:
        print("no execution samples")
        return

    def show(title, counter, n):
        print(f"{title}:")
        for name, count in counter.most_common(n):
            print(f"  {100.0 * count / total:5.1f}%  {name}")

    print(f"{total} execution samples")
    show("threads", threads, 12)
    show("self (leaf method)", leaf, top)
    show("inclusive (FOCUS)", inclusive, top * 2)
    show("nearest io.mailroom caller", nearest, top)


if __name__ == "__main__":
    if sys.argv[1] == "--heap":
        heap(sys.argv[2])
    elif sys.argv[1] == "--waits":
        waits(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
    else:
        profile(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25,
                float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
