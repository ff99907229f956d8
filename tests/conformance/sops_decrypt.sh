#!/usr/bin/env bash
# sops_decrypt.sh TREE_DIR KEYFILE [--require]
#
# Decrypts, with the real Go `sops` binary, every file of a rendered tree that carries a
# top-level `sops:` key (YAML: a `sops:` line at column 0; JSON: a top-level "sops" member).
# The age identity comes only from KEYFILE (SOPS_AGE_KEY_FILE; SOPS_AGE_KEY and
# SOPS_AGE_KEY_CMD are unset). The MAC is verified (no --ignore-mac). The plaintext is
# discarded; only success matters.
#
#   --require   zero encrypted files is an error (default: reported, exit 0)
#
# Env: SOPS (default: sops on PATH, e.g. target/conformance-venv/bin/sops)
# Exit: 0 every encrypted file decrypts, 1 a file fails (or none with --require), 2 usage/tools.
set -uo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
REQUIRE=0
ARGS=()
for a in "$@"; do
    case "$a" in
        --require) REQUIRE=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "sops_decrypt: unknown option $a" >&2; usage >&2; exit 2 ;;
        *) ARGS+=("$a") ;;
    esac
done
if [ "${#ARGS[@]}" -ne 2 ]; then usage >&2; exit 2; fi
TREE="${ARGS[0]}"
KEY="${ARGS[1]}"
SOPS="${SOPS:-$(command -v sops || true)}"

[ -d "$TREE" ] || { echo "sops_decrypt: ERROR: $TREE is not a directory"; exit 2; }
[ -f "$KEY" ] || { echo "sops_decrypt: ERROR: key file $KEY not found"; exit 2; }
if [ -z "$SOPS" ] || [ ! -x "$SOPS" ]; then
    echo "sops_decrypt: ERROR: sops not found; run 'bash .ci/setup-tools' and put target/conformance-venv/bin on PATH"
    exit 2
fi
KEY="$(cd "$(dirname "$KEY")" && pwd)/$(basename "$KEY")"
export SOPS_DISABLE_VERSION_CHECK=1

files=()
while IFS= read -r -d '' f; do
    case "$f" in
        *.json)
            if python3 - "$f" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(1)
sys.exit(0 if isinstance(d, dict) and isinstance(d.get("sops"), dict) else 1)
EOF
            then files+=("$f"); fi ;;
        *)
            if grep -qE '^sops:[[:space:]]*$' "$f"; then files+=("$f"); fi ;;
    esac
done < <(find "$TREE" -name '.*' -prune -o -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 | sort -z)

if [ "${#files[@]}" -eq 0 ]; then
    if [ "$REQUIRE" = 1 ]; then
        echo "sops_decrypt: ERROR: no SOPS-encrypted file (top-level 'sops:' key) in $TREE, and --require was given"
        exit 1
    fi
    echo "sops_decrypt: no SOPS-encrypted files in $TREE (nothing to decrypt)"
    echo "sops_decrypt: 0 encrypted files, 0 decrypted, 0 failed"
    exit 0
fi

ok=0
fail=0
for f in "${files[@]}"; do
    relf="${f#"$TREE"/}"
    if out="$(env -u SOPS_AGE_KEY -u SOPS_AGE_KEY_CMD SOPS_AGE_KEY_FILE="$KEY" \
                "$SOPS" decrypt "$f" 2>&1 >/dev/null)"; then
        ok=$((ok + 1))
        echo "ok    $relf"
    else
        fail=$((fail + 1))
        echo "FAIL  $relf"
        printf '%s\n' "$out" | sed 's/^/      /'
    fi
done
echo "sops_decrypt: ${#files[@]} encrypted files, $ok decrypted, $fail failed"
[ "$fail" -eq 0 ]
