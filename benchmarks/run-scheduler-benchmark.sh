#!/usr/bin/env bash
# Times the core schedulers (Google Benchmark, median of 5) on zoo cells and
# networks and the demo network, and writes
# benchmarks/results/scheduler-benchmark.txt. Run after scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
models=(darts_v2_cell nasnet_cell randwire_s1_cell darts_v2_demo darts_v2_cifar nasnet_cifar randwire_s1_net)
for model in "${models[@]}"; do
  /usr/bin/python3 benchmarks/zoo/generate.py "$model" --splat-weights -o "$work/$model.mlir"
done
out=benchmarks/results/scheduler-benchmark.txt
{
  echo "# serenity-scheduler-benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "# optimal: the default search; plain-dp: the same DP without lower bounds"
  echo "# or dominance pruning; best-heuristic: lowest of program/rpo/list/dfs."
  build/bin/serenity-scheduler-benchmark $(printf "$work/%s.mlir " "${models[@]}") \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null |
    grep -E "^Benchmark|^-|_median"
} > "$out"
cat "$out"
