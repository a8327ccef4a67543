#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (gtest, lit, docs)
# through CTest, whose summary line closes the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j 2
