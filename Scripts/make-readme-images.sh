#!/usr/bin/env bash
# Regenerate the before/after pictures in docs/images with convkit itself.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product convkit
convkit=.build/release/convkit
mkdir -p docs/images

"$convkit" filter SampleImages/astronaut.png --kernel sobel -o docs/images/astronaut-sobel.png
"$convkit" filter SampleImages/astronaut.png --kernel gaussian --sigma 3 -o docs/images/astronaut-gaussian.png
"$convkit" filter SampleImages/camera.png --kernel sharpen -o docs/images/camera-sharpen.png
"$convkit" filter SampleImages/camera.png --kernel laplacian -o docs/images/camera-laplacian.png

# Learning pictures for docs/learn-kernel.md and the README.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$convkit" filter SampleImages/camera.png --kernel sobel-x --output offset --depth 16 -o "$work/sobel-x.png"
"$convkit" learn-kernel SampleImages/camera.png "$work/sobel-x.png" --optimizer adam \
  --loss-plot docs/images/loss.png -o "$work/sobel-x.json"
"$convkit" filter SampleImages/astronaut.png --kernel-file docs/examples/mix.json --depth 16 -o "$work/mix.png"
"$convkit" learn-kernel SampleImages/astronaut.png "$work/mix.png" --mode full \
  --kernel-image docs/images/kernel.png -o "$work/mix.json"
