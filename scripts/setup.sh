#!/usr/bin/env bash
# Installs Serenity's build dependencies from Debian (only those missing) and
# builds everything in build/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libgtest-dev libbenchmark-dev
  python3 python3-dev python3-numpy python3-matplotlib python3-onnx
  python3-pybind11 pybind11-dev python3-pytest python3-pyflakes
  python3-torch python3-torchvision python3-flatbuffers
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build

# Make the built `serenity` Python package importable by Debian's python3
# (a .pth file pointing at build/python; the last checkout set up wins).
site=$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])')
if mkdir -p "$site" 2>/dev/null && [ -w "$site" ]; then
  echo "$PWD/build/python" > "$site/serenity-build.pth"
else
  echo "note: cannot write to $site; use PYTHONPATH=$PWD/build/python"
fi
