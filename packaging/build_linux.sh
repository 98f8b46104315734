#!/usr/bin/env bash
# Build the one-folder Linux app with PyInstaller, then run its smoke test (offscreen).
# Usage: packaging/build_linux.sh   (needs: pip install pyinstaller, and the app's dependencies)
# Output: dist/align-studio/ (run dist/align-studio/align-studio). Prints size and build time.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/align-studio.spec
took=$(( $(date +%s) - start ))
size=$(du -sh dist/align-studio | cut -f1)
echo "built dist/align-studio in ${took} s; folder size ${size}"
home=$(mktemp -d)
QT_QPA_PLATFORM=offscreen ALIGN_STUDIO_HOME="$home" dist/align-studio/align-studio --version
QT_QPA_PLATFORM=offscreen ALIGN_STUDIO_HOME="$home" dist/align-studio/align-studio --smoke-test
rm -rf "$home"
