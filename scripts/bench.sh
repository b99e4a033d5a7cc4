#!/usr/bin/env bash
# make bench: runs the benchmark drivers in bench/ and records their results.
# No benchmark exists yet: the first ones (compile time of the reference
# networks, simulator throughput) come with the ISA/simulator issue.
set -euo pipefail
echo "bench: no benchmarks yet (they arrive with the ISA/simulator issue); see bench/README.md"
