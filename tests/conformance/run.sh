#!/usr/bin/env bash
# Conformance of every rendered tree stackc makes: the repository's stack and
# every example. Usage: tests/conformance/run.sh path/to/stackc
# Needs the tools of .ci/setup-tools on PATH; fails loudly when they or
# ../shared are missing.
set -uo pipefail
stackc="$(realpath "${1:?usage: run.sh path/to/stackc}")"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo="$PWD"
shared="${STACKC_SHARED:-$repo/../shared}"
[ -d "$shared/schemas/crds" ] || { echo "conformance: ERROR: $shared/schemas/crds is missing (../shared must sit beside the repository)"; exit 1; }
for tool in nca sops kubernetes-validate kubectl; do
    command -v "$tool" >/dev/null || { echo "conformance: ERROR: '$tool' not on PATH; run: PATH=\"\$(bash .ci/setup-tools):\$PATH\""; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {
    local what="$1"; shift
    if "$@" >"$work/log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $what"
    else
        failed=$((failed + 1))
        echo "FAIL $what"
        sed 's/^/     /' "$work/log" | tail -40
    fi
}

stacks=("stack.kdl")
for example in examples/*/stack.kdl; do stacks+=("$example"); done
# Randomly generated stacks (cross-namespace connections, volumes, every engine).
gen="$(dirname "$stackc")/examples/gen_stack"
[ -x "$gen" ] || { echo "conformance: ERROR: $gen is missing; run: cargo build --examples"; exit 1; }
for seed in 1 2 3; do
    mkdir -p "$work/random-$seed"
    "$gen" 40 --seed "$seed" >"$work/random-$seed/stack.kdl"
    # One of them with Velero: a Schedule per namespace that got a volume.
    if [ "$seed" = 2 ]; then
        sed -i 's/^        engine "flux"$/        engine "flux"\n        velero schedule="30 2 * * *" volume-backup="snapshot"/' "$work/random-$seed/stack.kdl"
        grep -q '^        velero ' "$work/random-$seed/stack.kdl" || { echo "conformance: ERROR: no velero in random-2"; exit 1; }
    fi
    stacks+=("$work/random-$seed/stack.kdl")
done
# The same random stack applied by the other engines (Argo CD Applications, plain kustomize).
for engine in argocd kustomize; do
    mkdir -p "$work/random-1-$engine"
    sed "s/engine \"flux\"/engine \"$engine\"/" "$work/random-1/stack.kdl" >"$work/random-1-$engine/stack.kdl"
    grep -q "engine \"$engine\"" "$work/random-1-$engine/stack.kdl" || { echo "conformance: ERROR: gen_stack names no engine"; exit 1; }
    stacks+=("$work/random-1-$engine/stack.kdl")
done
# Environments (two clusters) under Argo CD: each cluster its own app of apps.
mkdir -p "$work/environments-argocd"
cp -r examples/environments/secrets "$work/environments-argocd/"
sed 's/engine "flux"/engine "argocd"/' examples/environments/stack.kdl >"$work/environments-argocd/stack.kdl"
grep -q 'engine "argocd"' "$work/environments-argocd/stack.kdl" || { echo "conformance: ERROR: examples/environments names no engine"; exit 1; }
stacks+=("$work/environments-argocd/stack.kdl")
mkdir -p "$work/environments-kustomize"
cp -r examples/environments/secrets "$work/environments-kustomize/"
sed 's/engine "flux"/engine "kustomize"/' examples/environments/stack.kdl >"$work/environments-kustomize/stack.kdl"
grep -q 'engine "kustomize"' "$work/environments-kustomize/stack.kdl" || { echo "conformance: ERROR: examples/environments names no engine"; exit 1; }
stacks+=("$work/environments-kustomize/stack.kdl")
# The starter `stackc init` writes must pass too.
mkdir -p "$work/init-starter"
"$stackc" init "$work/init-starter" 2>/dev/null
stacks+=("$work/init-starter/stack.kdl")
# Every Compose fixture `stackc import compose` is tested on (tests/import.rs), imported and
# its secrets generated, as a person would before the first build.
for compose in tests/import/fixtures/*/docker-compose.yml; do
    app="$(basename "$(dirname "$compose")")"
    mkdir -p "$work/import-$app"
    (cd "$work/import-$app" && "$stackc" import compose "$repo/$compose" \
        --age-recipient age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd >/dev/null 2>&1 \
        && "$stackc" secrets generate --identity "$repo/examples/keys/demo.agekey" >/dev/null 2>&1) \
        || { echo "conformance: ERROR: importing $compose failed"; exit 1; }
    stacks+=("$work/import-$app/stack.kdl")
done
for stack in "${stacks[@]}"; do
    case "$stack" in /*) path="$stack" ;; *) path="$repo/$stack" ;; esac
    name="$(basename "$(dirname "$path")")"
    [ "$stack" = "stack.kdl" ] && name="seed"
    out="$work/tree-$name"
    # Flux's own manifests: listed by every Flux tree (`install-manifest` defaults to them), written
    # by `flux install --export` or `flux bootstrap`, never by stackc; absent from fresh builds.
    foreign=(--foreign gotk-components.yaml)
    if [ "$stack" = "stack.kdl" ]; then
        cp -r out "$out"    # the committed tree, with its foreign gotk-components.yaml
        check "$name: committed out/ is current" "$stackc" build --check --stack "$stack" --out out
        foreign+=(--flux-path-prefix out)   # stack.kdl: git path="out"
    else
        check "$name: build" "$stackc" build --stack "$stack" --out "$out"
    fi
    check "$name: kustomize, kubernetes-validate 1.33 strict, CRD schemas" \
        python3 tests/conformance/validate_tree.py "$out" --schemas "$shared/schemas/crds" "${foreign[@]}"
    clusters=("$out"/clusters/*/)
    if [ "${#clusters[@]}" -gt 1 ]; then
        # Several environments: each cluster is its own network, proven on its own.
        for dir in "${clusters[@]}"; do
            cluster="$(basename "$dir")"
            "$stackc" graph --stack "$stack" --cluster "$cluster" --format json >"$work/$name-$cluster.graph.json"
            check "$name/$cluster: network-config-analyzer connectivity equals stackc graph" \
                python3 tests/conformance/netgraph.py "$dir" "$work/$name-$cluster.graph.json"
        done
    else
        "$stackc" graph --stack "$stack" --format json >"$work/$name.graph.json"
        check "$name: network-config-analyzer connectivity equals stackc graph" \
            python3 tests/conformance/netgraph.py "$out" "$work/$name.graph.json"
    fi
    # Stacks with a secret store: the real sops decrypts every Secret (MAC verified) with
    # the committed demo identity.
    if [ -d "$(dirname "$stack")/secrets" ]; then
        check "$name: sops decrypts every Secret with the demo identity" \
            bash tests/conformance/sops_decrypt.sh "$out" examples/keys/demo.agekey --require
    fi
done
check "harness self-test (broken trees must fail)" bash tests/conformance/selftest.sh

echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
