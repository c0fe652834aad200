#!/bin/sh
# Imports 10,000 Fashion-MNIST images as PNG files into a project from the window, opens it,
# and scrolls its grid, under Xvfb; prints import time, time to the first grid page, and the
# longest main-loop stalls. Usage: bench/import-10k.sh [BUILD_DIR] [N]
set -eu
build=${1:-build}
export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$build/data"
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$build/bench/bench-import" "${2:-10000}"
