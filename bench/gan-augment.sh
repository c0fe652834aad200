#!/bin/sh
# A classifier trained with and without GAN samples of the demo's rarest class, "crack":
# its recall and F1 on that class, on the project's validation images and on a held-out demo
# set of another seed (960 images, 120 cracks). Whichever way it goes, it is printed.
#
#   bench/gan-augment.sh BUILD_DIR [WORK_DIR]
#   environment: PRESET (surface-cnn), SEEDS ("1 2"), GAN_EPOCHS (200), COUNT (60)
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

build=$(cd "$1" && pwd)
work=${2:-$(mktemp -d /tmp/ds-gan-augment-XXXXXX)}
preset=${PRESET:-surface-cnn}
seeds=${SEEDS:-1 2}
cli="$build/app/defectscope-cli"

mkdir -p "$work"
if [ ! -d "$work/project" ]; then
  "$cli" demo --out "$work/project" > /dev/null
  "$build/bench/bench-gan-augment" --project "$work/project" --heldout "$work/heldout" \
    --epochs "${GAN_EPOCHS:-200}" --count "${COUNT:-60}" --grid "$work/samples.png"
fi

for seed in $seeds; do
  for mode in without with; do
    flag=
    [ "$mode" = with ] && flag=--include-synthetic
    "$cli" train --project "$work/project" --model "$preset" --seed "$seed" $flag \
      --out "$work/$mode-$seed.dsm" > "$work/train-$mode-$seed.log"
    # the held-out set, every image
    "$cli" eval --model "$work/$mode-$seed.dsm" --data "$work/heldout" > "$work/eval-$mode-$seed.log"
    echo "== seed $seed, $mode GAN samples ($(grep -c . "$work/train-$mode-$seed.log") lines of training log)"
    grep -E "^(train|validation|images|run)" "$work/train-$mode-$seed.log" | head -5 || true
    grep -iE "accuracy|crack" "$work/eval-$mode-$seed.log"
  done
done
