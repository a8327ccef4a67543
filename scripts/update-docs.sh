#!/usr/bin/env bash
# Copies the TableGen-generated pass and dialect references into docs/generated/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target serenity-docs
cp build/docs/Passes.md docs/generated/Passes.md
cp build/docs/Serenity/SerenityDialect.md docs/generated/SerenityDialect.md
