#!/usr/bin/env bash
# Benchmark stackc against its peers on generated stacks, side by side in one run.
#
#   bench/compare.sh [N ...]     # default: 10 100 1000 5000; saves bench/results/<date>.tsv
#   bench/compare.sh --smoke     # N=10 once, for CI (< 60 s once the binaries are built):
#                                # fails if a contender is missing or fails; asserts no timing
#
# For each N it generates a stack (examples/gen_stack.rs, seed $SEED, default 42)
# and its JSON twin, then measures, interleaved, repetition by repetition:
#   stackc-build  `stackc build` into a fresh directory
#   stackc-check  `stackc build --check` on that unchanged tree
#   cp-r          `cp -r` of stackc's tree (the I/O floor)
#   cdk8s-plus    bench/cdk8s/main.js: the same stack with cdk8s-plus-33, `app.synth()`
#   kustomize     `kubectl kustomize` of every directory a Flux Kustomization of the
#                 tree applies (capped by `timeout 300`; "> 300 s" when it is hit)
# Three repetitions at N <= 1000, one above, after one untimed warm-up of each
# contender but kustomize; the table shows medians. A `seed` row
# times `stackc build` of the repository's own stack.kdl (5 repetitions).
#
# Wall time is taken with `date +%s%N` around `/usr/bin/time -f %M`, which gives
# the peak RSS. Environment: SEED, REPEATS (override the repetition count),
# KUSTOMIZE_TIMEOUT (default 300), STACKC_BENCH_NO_BUILD=1 (use the binaries in
# target/release as they are), KEEP=1 (keep the work directory).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SEED=${SEED:-42}
KUSTOMIZE_TIMEOUT=${KUSTOMIZE_TIMEOUT:-300}
SMOKE=0
SIZES=()
for arg in "$@"; do
    case "$arg" in
        --smoke) SMOKE=1 ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *[!0-9]*|'') echo "compare.sh: not a size: $arg" >&2; exit 2 ;;
        *) SIZES+=("$arg") ;;
    esac
done
if [ "$SMOKE" = 1 ]; then
    SIZES=(10)
elif [ ${#SIZES[@]} -eq 0 ]; then
    SIZES=(10 100 1000 5000)
fi

say() { echo "compare.sh: $*" >&2; }

# --- tools ------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    say "/usr/bin/time is missing; installing the 'time' package"
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
    else
        sudo apt-get install -y -qq time >/dev/null
    fi
fi

if [ "${STACKC_BENCH_NO_BUILD:-0}" != 1 ]; then
    say "building stackc and gen_stack (release)"
    (cd "$ROOT" && cargo build --release --quiet --bin stackc --example gen_stack)
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stackc-bench.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then say "work directory: $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
# Private copies: a rebuild by someone else during the run changes nothing here.
cp "$ROOT/target/release/stackc" "$WORK/stackc"
cp "$ROOT/target/release/examples/gen_stack" "$WORK/gen_stack"
STACKC="$WORK/stackc"
# The source the binaries were built from (others may commit during the run).
REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")$([ -z "$(git -C "$ROOT" status --porcelain -- src Cargo.toml Cargo.lock templates 2>/dev/null)" ] || echo "+dirty")"
GEN="$WORK/gen_stack"

CDK8S=1
if ! command -v node >/dev/null; then
    say "node is not installed: skipping cdk8s-plus"
    CDK8S=0
elif [ ! -d "$BENCH/cdk8s/node_modules/cdk8s-plus-33" ]; then
    say "installing cdk8s, cdk8s-plus-33 and constructs (npm ci)"
    if ! (cd "$BENCH/cdk8s" && timeout 180 npm ci --no-audit --no-fund --loglevel=error >&2); then
        say "npm ci failed: skipping cdk8s-plus"
        CDK8S=0
    fi
fi
KUSTOMIZE=1
if ! command -v kubectl >/dev/null; then
    say "kubectl is not installed: skipping kustomize"
    KUSTOMIZE=0
fi
# The smoke run checks that every contender still runs: none may be skipped.
if [ "$SMOKE" = 1 ] && { [ "$CDK8S" = 0 ] || [ "$KUSTOMIZE" = 0 ]; }; then
    say "--smoke: a contender is missing (see above)"
    exit 1
fi

# --- measuring -----------------------------------------------------------------
# Deleting: on ext4 without a journal (this machine's root file system), the
# kernel skips inodes deleted in the last minutes one by one when it allocates
# new ones (fs/ext4/ialloc.c, recently_deleted), so creating thousands of files
# right after `rm -rf` of thousands is several times slower (cp -r of the N=5000
# tree: 0.4 s fresh, 2.6 s after an rm -rf). Every run therefore writes into a
# fresh directory and nothing is deleted before the script exits; leave a few
# minutes between two runs.
RAW="$WORK/raw.tsv"
printf 'n\ttool\trep\twall_s\tcpu_s\tpeak_rss_kb\tstatus\tload1\n' >"$RAW"

# measure N TOOL REP COMMAND...: run COMMAND (stdout discarded), record a row.
measure() {
    local n=$1 tool=$2 rep=$3
    shift 3
    local start end rc=0 status=ok rss cpu load
    load=$(cut -d' ' -f1 /proc/loadavg)
    # Flush dirty pages first (not timed): stackc fsyncs its journal, and that
    # would otherwise wait behind the previous tool's (or cargo's) writeback.
    sync
    start=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/stderr.out" || rc=$?
    end=$(date +%s%N)
    read -r rss user sys < <(tail -n 1 "$WORK/time.out" 2>/dev/null || echo 0 0 0)
    case "$rss" in *[!0-9]*|'') rss=0 ;; esac
    cpu=$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.2f", u + s }')
    if [ "$rc" = 124 ] && [ "$tool" = kustomize ]; then
        status=timeout
    elif [ "$rc" != 0 ]; then
        status="exit-$rc"
        say "$tool at N=$n failed (exit $rc):"
        tail -n 5 "$WORK/stderr.out" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$rep" \
        "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.4f", ns / 1e9 }')" "$cpu" "$rss" "$status" "$load" >>"$RAW"
    printf '  %-13s rep %s: %8.3f s wall %7.2f s cpu %8.1f MB  %s (load %s)\n' "$tool" "$rep" \
        "$(awk -v ns=$((end - start)) 'BEGIN { print ns / 1e9 }')" "$cpu" \
        "$(awk -v kb="$rss" 'BEGIN { print kb / 1024 }')" "$status" "$load" >&2
    return 0
}

# The seed stack (the repository's stack.kdl, with its templates/).
if [ "$SMOKE" = 0 ] && [ -f "$ROOT/stack.kdl" ]; then
    say "seed stack: $ROOT/stack.kdl"
    for rep in 1 2 3 4 5; do
        measure seed stackc-build "$rep" "$STACKC" build --stack "$ROOT/stack.kdl" --out "$WORK/seed-out-$rep"
    done
fi

KUSTOMIZE_GAVE_UP=""
for n in "${SIZES[@]}"; do
    dir="$WORK/n$n"
    mkdir -p "$dir"
    "$GEN" "$n" --seed "$SEED" >"$dir/stack.kdl"
    "$GEN" "$n" --seed "$SEED" --json >"$dir/stack.json"
    if [ "$SMOKE" = 1 ]; then reps=1; elif [ "$n" -le 1000 ]; then reps=3; else reps=1; fi
    reps=${REPEATS:-$reps}
    say "N=$n: $(grep -c '^        app ' "$dir/stack.kdl") apps, $(grep -c 'connects-to' "$dir/stack.kdl") connections, $reps repetition(s)"
    if [ "$SMOKE" = 0 ]; then
        # One untimed warm-up of each contender but kustomize (as hyperfine's
        # --warmup): the first writer into fresh directories after a size change
        # pays for cold file-system metadata (0.3–0.4 s at N=1000 here,
        # whichever tool comes first), and node its first module loads.
        "$STACKC" build --stack "$dir/stack.kdl" --out "$dir/warm-out" >/dev/null 2>&1
        cp -r "$dir/warm-out" "$dir/warm-cp"
        if [ "$CDK8S" = 1 ]; then node "$BENCH/cdk8s/main.js" "$dir/stack.json" "$dir/warm-cdk8s" >/dev/null 2>&1; fi
    fi
    for rep in $(seq 1 "$reps"); do
        # Fresh directories, nothing deleted until the end (see "Deleting" above).
        out="$dir/out-$rep"
        measure "$n" stackc-build "$rep" "$STACKC" build --stack "$dir/stack.kdl" --out "$out"
        measure "$n" stackc-check "$rep" "$STACKC" build --check --stack "$dir/stack.kdl" --out "$out"
        measure "$n" cp-r "$rep" cp -r "$out" "$dir/cp-$rep"
        if [ "$CDK8S" = 1 ]; then
            measure "$n" cdk8s-plus "$rep" node "$BENCH/cdk8s/main.js" "$dir/stack.json" "$dir/cdk8s-$rep"
        fi
        if [ "$KUSTOMIZE" = 1 ]; then
            if [ -n "$KUSTOMIZE_GAVE_UP" ]; then
                # It already hit the timeout at a smaller N (or an earlier repetition).
                printf '%s\tkustomize\t%s\t%s\t0\t0\ttimeout\t-\n' "$n" "$rep" "$KUSTOMIZE_TIMEOUT" >>"$RAW"
                say "  kustomize     rep $rep: skipped (timed out at N=$KUSTOMIZE_GAVE_UP)"
            else
                # One kustomization that includes every directory Flux applies:
                # the root alone lists only what Flux does not apply itself.
                mkdir -p "$dir/kz-$rep"
                # Flux's own manifests are listed but not stackc's to write
                # (`flux install --export`): a comment-only stand-in lets
                # kustomize build the directory that lists them.
                for listing in "$out"/clusters/*/flux-system/kustomization.yaml; do
                    manifest="${listing%/*}/gotk-components.yaml"
                    if grep -q 'gotk-components.yaml' "$listing" && [ ! -e "$manifest" ]; then
                        printf '# stand-in for flux install --export (not measured)\n' >"$manifest"
                    fi
                done
                {
                    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n'
                    grep -ho 'path: "[^"]*"' "$out"/clusters/*/flux-system/*.yaml 2>/dev/null |
                        sed "s|path: \"\\./\\(.*\\)\"|  - ../out-$rep/\\1|" | sort -u
                } >"$dir/kz-$rep/kustomization.yaml"
                measure "$n" kustomize "$rep" timeout "$KUSTOMIZE_TIMEOUT" kubectl kustomize "$dir/kz-$rep"
                if tail -n 1 "$RAW" | grep -q $'\ttimeout\t'; then KUSTOMIZE_GAVE_UP=$n; fi
            fi
        fi
    done
done

# --- the table -------------------------------------------------------------------
TABLE="$WORK/table.md"
awk -F'\t' -v timeout="$KUSTOMIZE_TIMEOUT" '
NR == 1 { next }
{
    key = $1 SUBSEP $2
    if (!(key in count)) { order[++keys] = key }
    count[key]++
    wall[key, count[key]] = $4; cpu[key, count[key]] = $5; rss[key, count[key]] = $6
    if ($7 == "timeout") { timedout[key] = 1 } else if ($7 != "ok") { failed[key] = 1 }
    if (!($1 in seen_n)) { seen_n[$1] = 1; ns[++nn] = $1 }
}
function median(arr, key, n,    i, j, t, v) {
    for (i = 1; i <= n; i++) v[i] = arr[key, i] + 0
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function ratio(a, b) { return (b <= 0) ? "—" : (a / b < 1) ? sprintf("%.2f×", a / b) : sprintf("%.1f×", a / b) }
END {
    for (k = 1; k <= keys; k++) {
        key = order[k]
        mw[key] = median(wall, key, count[key]); mc[key] = median(cpu, key, count[key]); mr[key] = median(rss, key, count[key])
    }
    print "| N | tool | runs | wall s (median) | CPU s (user+sys) | peak RSS MB | wall vs stackc build |"
    print "|---:|---|---:|---:|---:|---:|---:|"
    for (k = 1; k <= keys; k++) {
        key = order[k]; split(key, p, SUBSEP); n = p[1]; tool = p[2]
        base = mw[n SUBSEP "stackc-build"]
        if (key in timedout) { w = "> " timeout; c = "—"; r = "—"; x = (base > 0) ? sprintf("> %.0f×", timeout / base) : "—" }
        else {
            w = sprintf("%.3f", mw[key]); c = sprintf("%.2f", mc[key]); r = sprintf("%.1f", mr[key] / 1024)
            x = (tool == "stackc-build") ? "1×" : ratio(mw[key], base)
        }
        if (key in failed) w = w " (failed)"
        printf "| %s | %s | %d | %s | %s | %s | %s |\n", n, tool, count[key], w, c, r, x
    }
    print ""
    print "| N | cdk8s-plus / stackc | stackc / cp -r | check / build | kustomize / stackc |"
    print "|---:|---:|---:|---:|---:|"
    for (i = 1; i <= nn; i++) {
        n = ns[i]; if (n == "seed") continue
        b = mw[n SUBSEP "stackc-build"]
        c = (n SUBSEP "cdk8s-plus" in mw) ? ratio(mw[n SUBSEP "cdk8s-plus"], b) : "—"
        f = (n SUBSEP "cp-r" in mw) ? ratio(b, mw[n SUBSEP "cp-r"]) : "—"
        h = (n SUBSEP "stackc-check" in mw && b > 0) ? sprintf("%.2f", mw[n SUBSEP "stackc-check"] / b) : "—"
        if (n SUBSEP "kustomize" in timedout) kz = sprintf("> %.0f×", timeout / b)
        else kz = (n SUBSEP "kustomize" in mw) ? ratio(mw[n SUBSEP "kustomize"], b) : "—"
        printf "| %s | %s | %s | %s | %s |\n", n, c, f, h, kz
    }
    if ((1000 SUBSEP "stackc-build" in mw) && (5000 SUBSEP "stackc-build" in mw)) {
        printf "\nstackc build t(5000)/t(1000) = %.2f wall, %.2f CPU (linear would be 5)\n", \
            mw[5000 SUBSEP "stackc-build"] / mw[1000 SUBSEP "stackc-build"], \
            (mc[1000 SUBSEP "stackc-build"] > 0) ? mc[5000 SUBSEP "stackc-build"] / mc[1000 SUBSEP "stackc-build"] : 0
    }
}' "$RAW" >"$TABLE"

echo
echo "stackc $REV, $(nproc) cores, seed $SEED, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$TABLE"

if [ "$SMOKE" = 1 ]; then
    # Any failed row (or a kustomize timeout at N=10) means the benchmark broke.
    if awk -F'\t' 'NR > 1 && $7 != "ok" { bad = 1 } END { exit !bad }' "$RAW"; then
        say "--smoke: a run failed (see the rows above)"
        exit 1
    fi
    say "--smoke: every contender ran"
else
    mkdir -p "$BENCH/results"
    result="$BENCH/results/$(date +%F).tsv"
    {
        echo "# stackc bench/compare.sh ${SIZES[*]} (seed $SEED) at $(date -u +%FT%TZ)"
        echo "# stackc built from $REV$(case "$REV" in *+dirty) echo ' (uncommitted changes in src/, Cargo.*, templates/)' ;; esac)"
        echo "# $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem:/ { print $2 " GB" }')"
        echo "# node $(node --version 2>/dev/null || echo none), cdk8s-plus-33 $(node -p "require('$BENCH/cdk8s/node_modules/cdk8s-plus-33/package.json').version" 2>/dev/null || echo none), $(kubectl version --client 2>/dev/null | tr '\n' ' ' || echo 'kubectl none')"
        cat "$RAW"
    } >"$result"
    say "raw results: $result"
fi
