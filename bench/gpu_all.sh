#!/usr/bin/env bash
# Every GPU figure this engine still owes, in one run of about 9 minutes on one H200.
#
#   On the device machine (the device tool's `run`, carrying .whl with a bitsandbytes wheel):
#     bash bench/gpu_all.sh                 # JSON under $OUT (default bench/results/gpu/), one summary table
#   Here, on a CPU, to check the script's logic (seconds; no speed meaning):
#     bash bench/gpu_all.sh --smoke
#
# bitsandbytes is the one reference the GPU image lacks (transformers and peft are there); bring it
# as a wheel, as the device tool's README says, e.g.
#     echo /.whl/ >> .git/info/exclude
#     python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#         --platform manylinux_2_24_x86_64 -d .whl bitsandbytes==0.50.2
# and this script installs it into /tmp/site when .whl/ holds it. Each step has its own time limit,
# so one that hangs cannot eat the others' time; a failed step is reported in the table, not fatal.
set -uo pipefail
cd "$(dirname "$0")/.."

SMOKE=""
[ "${1:-}" = "--smoke" ] && SMOKE="--smoke"
OUT="${OUT:-bench/results/gpu}"
[ -n "$SMOKE" ] && OUT="${OUT_SMOKE:-/tmp/sqlora_gpu_smoke}"
mkdir -p "$OUT"
PY="${PYTHON:-python3}"

if ls .whl/*.whl >/dev/null 2>&1; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
        && export PYTHONPATH="/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
fi
"$PY" - <<'EOF' > "$OUT/machine.txt" 2>&1
import platform, torch
print("python", platform.python_version(), "torch", torch.__version__, "cuda", torch.version.cuda)
print("device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu")
for name in ("triton", "transformers", "peft", "bitsandbytes"):
    try:
        print(name, __import__(name).__version__)
    except Exception as e:
        print(name, "missing:", type(e).__name__)
EOF

declare -a NAMES STATUS SECS
step() {  # step NAME LIMIT_S COMMAND...
    local name=$1 limit=$2; shift 2
    local t0=$SECONDS
    echo "== $name: $*" | tee -a "$OUT/log.txt"
    timeout --kill-after=10 "$limit" "$@" >> "$OUT/log.txt" 2>&1
    local rc=$?
    NAMES+=("$name"); SECS+=($((SECONDS - t0)))
    case $rc in 0) STATUS+=("ok");; 124|137) STATUS+=("TIMEOUT ${limit}s");; *) STATUS+=("FAILED rc=$rc");; esac
}

if [ -n "$SMOKE" ]; then
    step nf4_dequant      120 "$PY" bench/bench_nf4.py --smoke --out "$OUT/nf4.json"
    step train            180 "$PY" bench/bench_train.py --smoke --out "$OUT/train.json"
    step check_6gb        120 "$PY" bench/check_6gb.py --smoke --out "$OUT/check_6gb.json"
    step memory_predict   120 "$PY" bench/memory_predict.py --tiny --device cpu --out "$OUT/memory_predict.json"
    step decode           180 "$PY" bench/bench_decode.py --smoke --out "$OUT/decode.json"
else
    step nf4_dequant       60 "$PY" bench/bench_nf4.py --out "$OUT/nf4.json"
    step train            150 "$PY" bench/bench_train.py --out "$OUT/train.json"
    step check_6gb        100 "$PY" bench/check_6gb.py --steps 60 --out "$OUT/check_6gb.json"
    step memory_predict    45 "$PY" bench/memory_predict.py --out "$OUT/memory_predict.json"
    step decode           110 "$PY" bench/bench_decode.py --out "$OUT/decode.json"
    step cuda_tests        75 "$PY" -m pytest -q -m gpu -p no:cacheprovider tests
fi

{
    printf "%-16s %-18s %6s\n" step status seconds
    for i in "${!NAMES[@]}"; do printf "%-16s %-18s %6s\n" "${NAMES[$i]}" "${STATUS[$i]}" "${SECS[$i]}"; done
    echo "JSON: $(ls "$OUT"/*.json 2>/dev/null | tr '\n' ' ')"
} | tee "$OUT/summary.txt"
