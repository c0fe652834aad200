"""What the benchmark scripts share. Standard library only.

SPDX-License-Identifier: GPL-3.0-or-later
"""


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, for the heading of a benchmark's table."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"
