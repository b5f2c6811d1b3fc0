#!/usr/bin/env python3
"""How long fsync takes on the disk under DIR right now: 300 appends of 4 KiB,
each followed by fsync, in a scratch file. Durable-write benchmarks print it
first, because their latency is bounded below by it and a shared virtual
disk's fsync time varies from day to day.

    python3 Benchmarks/fsync-probe.py [DIR]
"""
import os
import sys
import tempfile
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "."
descriptor, path = tempfile.mkstemp(prefix="kawan-fsync-", dir=directory)
try:
    block = b"k" * 4096
    timings = []
    for _ in range(300):
        os.write(descriptor, block)
        start = time.perf_counter()
        os.fsync(descriptor)
        timings.append((time.perf_counter() - start) * 1000)
finally:
    os.close(descriptor)
    os.unlink(path)
timings.sort()
print(f"fsync on {os.path.abspath(directory)}: p50 {timings[150]:.2f} ms, "
      f"p99 {timings[296]:.2f} ms (300 appends of 4 KiB)")
