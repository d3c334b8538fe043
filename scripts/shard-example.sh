#!/usr/bin/env bash
# Runs a sweep as N shards in N local processes, then merges them: the same as one run, split.
# Usage: bash scripts/shard-example.sh [N]   (default 2)
set -euo pipefail
n=${1:-2}
out=$(mktemp -d)
for i in $(seq 1 "$n"); do
  npx tsx src/cli/main.ts sweep --board 5A --loads 0.5:3:0.5 --duration 10ms --shard "$i/$n" --json "$out/shard-$i.json" --quiet &
done
wait
npx tsx src/cli/main.ts merge "$out"/shard-*.json --json "$out/merged.json"
echo "merged $(ls "$out"/shard-*.json | wc -l) shards into $out/merged.json"
