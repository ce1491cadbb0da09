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
