"""Shared by the benchmarks: interleaved timing rounds, medians with their spread, the machine described.

The machine is shared and noisy. Contenders are timed in the same round, one after the other in an order
that rotates from round to round, and ratios are taken within a round, so a slow moment hits both sides
of a ratio; the median over the rounds is reported with its range. Single-threaded contenders are timed in
CPU seconds of this process (``time.process_time``: user + system, so page faults count) by default:
with other work on the machine, wall-clock time mostly measures the wait for a core.
"""
from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from typing import Callable


def rounds(contenders: dict[str, Callable[[], object]], repeat: int, clock: Callable[[], float] = time.process_time,
           min_seconds: float = 0.02) -> dict[str, list[float]]:
    """Seconds per call of each contender in each of ``repeat`` rounds (order rotated per round). A fast
    contender is called several times per round (the same number in every round) so that each measurement
    lasts at least ``min_seconds``."""
    names = list(contenders)
    calls = {}
    for name, f in contenders.items():
        t0 = clock()
        f()
        calls[name] = max(1, min(100, int(min_seconds / max(clock() - t0, 1e-6)) + 1))
    times: dict[str, list[float]] = {n: [] for n in names}
    for r in range(repeat):
        for name in names[r % len(names):] + names[:r % len(names)]:
            f, n = contenders[name], calls[name]
            t0 = clock()
            for _ in range(n):
                f()
            times[name].append((clock() - t0) / n)
    return times


def ratios(numerator: list[float], denominator: list[float]) -> list[float]:
    """Per-round ratios (round i of one contender over round i of the other)."""
    return [a / b for a, b in zip(numerator, denominator)]


def median(values) -> float:
    return statistics.median(values)


def spread(values, fmt: str = "{:.2f}") -> str:
    """``median [min-max]`` of a list of numbers."""
    return f"{fmt.format(median(values))} [{fmt.format(min(values))}-{fmt.format(max(values))}]"


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def machine() -> str:
    """One line describing the machine and the versions measured."""
    import numpy as np
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} CPU(s), {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, numpy {np.__version__}; {load()}")


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def current_rss_kib() -> int:
    rss = _status_kib("VmRSS")
    return rss if rss is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_kib() -> int:
    """Peak RSS of this process. Linux's ru_maxrss also counts the parent's RSS at fork time (it survives
    exec), which would hide a small child's growth under the size of this benchmark; VmHWM does not."""
    peak = _status_kib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
