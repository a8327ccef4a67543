#!/usr/bin/env bash
# Installs what is missing, builds, and schedules the bundled example network
# (three DARTS_V2 normal cells, each reading its two predecessors), printing
# the peak activation memory before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh > build-setup.log 2>&1 || { cat build-setup.log; exit 1; }
rm -f build-setup.log

model=examples/darts_v2_demo.mlir
echo "Serenity demo: $model"
for memory_model in strict inplace; do
  report=$(build/bin/serenity-opt "$model" \
    --serenity-schedule="memory-model=$memory_model" |
    grep -o '#serenity.schedule<[^>]*>')
  field() { sed -E "s/.*[<, ]$1 = \"?([a-z0-9-]+)\"?.*/\1/" <<<"$report"; }
  before=$(field input_peak)
  after=$(field peak)
  printf '  %-7s peak before: %8d bytes  after: %8d bytes  (%s lower, %s, %s partial schedules)\n' \
    "$memory_model" "$before" "$after" \
    "$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2fx", a / b }')" \
    "$(field status)" "$(field states)"
done
echo "Full report and reordered IR: build/bin/serenity-opt $model --serenity-liveness --serenity-schedule"

# The same network on an emulated Cortex-M4 (QEMU mps2-an386) with 768 KiB
# of RAM: as written (TFLite Micro's greedy planner on the converter's
# order) it does not link; with Serenity it runs.
echo
echo "On a Cortex-M4 with 768 KiB of RAM (build/bin/serenity-run-qemu, docs/cortex-m.md):"
echo "  as written, planned by TFLite Micro's greedy planner:"
build/bin/serenity-run-qemu "$model" --ram 768K \
  --pipeline="algorithm=program placement=tflm-greedy" 2>&1 | sed 's/^/    /' || true
echo "  with Serenity (optimal order, exact placement):"
build/bin/serenity-run-qemu "$model" --ram 768K | sed 's/^/    /'
