#!/bin/sh
# Trains seed-cnn on Fashion-MNIST (imported into a project once) from the window under Xvfb,
# then from the command line with the same settings; prints both throughputs, their ratio and
# the longest main-loop stall while the window trained.
# Usage: bench/train-window.sh [BUILD_DIR] [EPOCHS]
set -eu
build=${1:-build}
export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$build/data"
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  "$build/bench/bench-train-window" "$PWD/$build/app/defectscope-cli" "${2:-2}"
