#!/usr/bin/env bash
# selftest.sh — tests the conformance harness itself.
#
# Builds a small, valid rendered tree (Namespace, Deployment, Service, default-deny + allow
# NetworkPolicies, HelmReleases, Flux GitRepository/Kustomizations/HelmRepositories, Traefik
# IngressRoute, cert-manager Certificate, Linkerd Server/AuthorizationPolicy/
# MeshTLSAuthentication, Kyverno ClusterPolicy, a SOPS-encrypted Secret, kustomization.yaml
# everywhere) and its graph JSON in a temp dir, checks that validate_tree.py, netgraph.py and
# sops_decrypt.sh PASS on it, then breaks it in one way at a time and checks that the right
# script FAILS (with the expected message).
#
# Usage: tests/conformance/selftest.sh [--keep] [--emit DIR]
#   --keep      keep the temp dir and print its path
#   --emit DIR  only write the valid sample tree to DIR/tree and its graph to DIR/graph.json
# Needs: .ci/setup-tools run first (uses target/conformance-venv/bin if present), kubectl,
#        ../shared/schemas/crds and ../shared/testdata/sops/generated/key-{a,b}.agekey.
# Last line: `selftest: N passed, N failed`; exit 0 only when nothing failed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SHARED="${STACKC_SHARED:-$(cd "$REPO/.." && pwd)/shared}"
VENV_BIN="${CONFORMANCE_VENV:-$REPO/target/conformance-venv}/bin"
[ -d "$VENV_BIN" ] && export PATH="$VENV_BIN:$PATH"
export SOPS_DISABLE_VERSION_CHECK=1

KEEP=0
EMIT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) KEEP=1 ;;
        --emit) EMIT="$2"; shift ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "selftest: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

die() { echo "selftest: ERROR: $*"; echo "selftest: 0 passed, 1 failed"; exit 1; }
for tool in python sops nca kubectl; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not on PATH (run: bash .ci/setup-tools; kubectl comes with the machine image)"
done
python -c 'import yaml, jsonschema, kubernetes_validate' 2>/dev/null \
    || die "the python on PATH ($(command -v python)) lacks PyYAML/jsonschema/kubernetes-validate; run bash .ci/setup-tools"
SCHEMAS="$SHARED/schemas/crds"
KEY_A="$SHARED/testdata/sops/generated/key-a.agekey"
KEY_B="$SHARED/testdata/sops/generated/key-b.agekey"
[ -f "$SCHEMAS/index.json" ] || die "CRD schemas missing: $SCHEMAS/index.json (shared/ must sit beside the repo, or set STACKC_SHARED)"
[ -f "$KEY_A" ] && [ -f "$KEY_B" ] || die "test age keys missing: $KEY_A / $KEY_B"
AGE_A="$(sed -n 's/^# public key: //p' "$KEY_A")"
[ -n "$AGE_A" ] || die "no '# public key:' line in $KEY_A"

w() { mkdir -p "$(dirname "$1")"; cat > "$1"; }

# ---------------------------------------------------------------------------------- the tree
make_tree() {
    local d="$1"
    w "$d/clusters/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - production
EOF
    w "$d/clusters/production/demo/authorizationpolicy-api.yaml" <<'EOF'
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata:
  name: api-http
  namespace: demo
spec:
  targetRef:
    group: policy.linkerd.io
    kind: Server
    name: api-http
  requiredAuthenticationRefs:
    - group: policy.linkerd.io
      kind: MeshTLSAuthentication
      name: api-clients
EOF
    w "$d/clusters/production/demo/certificate-api.yaml" <<'EOF'
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: api
  namespace: demo
spec:
  secretName: api-tls
  dnsNames:
    - api.acme.io
  issuerRef:
    kind: ClusterIssuer
    name: letsencrypt
EOF
    w "$d/clusters/production/demo/deployment-api.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: demo
  labels:
    app.kubernetes.io/name: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.2.3
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
EOF
    w "$d/clusters/production/demo/helmrelease-postgres.yaml" <<'EOF'
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: postgres
  namespace: demo
spec:
  interval: 30m
  chart:
    spec:
      chart: postgresql
      version: 16.7.4
      sourceRef:
        kind: HelmRepository
        name: bitnami
        namespace: flux-system
  install:
    remediation:
      retries: 3
  values:
    fullnameOverride: postgres
    primary:
      persistence:
        size: 10Gi
EOF
    w "$d/clusters/production/demo/ingressroute-api.yaml" <<'EOF'
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: api
  namespace: demo
spec:
  entryPoints:
    - websecure
  routes:
    - kind: Rule
      match: Host(`api.acme.io`)
      services:
        - name: api
          port: 80
  tls:
    secretName: api-tls
EOF
    w "$d/clusters/production/demo/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - authorizationpolicy-api.yaml
  - certificate-api.yaml
  - deployment-api.yaml
  - helmrelease-postgres.yaml
  - ingressroute-api.yaml
  - meshtlsauthentication-api.yaml
  - namespace-demo.yaml
  - networkpolicy-api.yaml
  - networkpolicy-default-deny.yaml
  - networkpolicy-postgres.yaml
  - secret-api-db.yaml
  - server-api.yaml
  - service-api.yaml
EOF
    w "$d/clusters/production/demo/meshtlsauthentication-api.yaml" <<'EOF'
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata:
  name: api-clients
  namespace: demo
spec:
  identities:
    - traefik.traefik.serviceaccount.identity.linkerd.cluster.local
EOF
    w "$d/clusters/production/demo/namespace-demo.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: demo
  annotations:
    linkerd.io/inject: enabled
  labels:
    app.kubernetes.io/part-of: stackc-demo
EOF
    w "$d/clusters/production/demo/networkpolicy-api.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: demo
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: api
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: traefik
          podSelector:
            matchLabels:
              app.kubernetes.io/name: traefik
      ports:
        - port: http
          protocol: TCP
  egress:
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: postgresql
              app.kubernetes.io/instance: postgres
      ports:
        - port: 5432
          protocol: TCP
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
EOF
    w "$d/clusters/production/demo/networkpolicy-default-deny.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: demo
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
EOF
    w "$d/clusters/production/demo/networkpolicy-postgres.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: postgres
  namespace: demo
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: postgresql
      app.kubernetes.io/instance: postgres
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: api
      ports:
        - port: 5432
          protocol: TCP
EOF
    w "$d/clusters/production/demo/server-api.yaml" <<'EOF'
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: api-http
  namespace: demo
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: api
  port: http
  proxyProtocol: HTTP/1
EOF
    w "$d/clusters/production/demo/service-api.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: demo
spec:
  selector:
    app.kubernetes.io/name: api
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
EOF
    w "$d/clusters/production/flux-system/gitrepository-flux-system.yaml" <<'EOF'
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  ref:
    branch: main
  secretRef:
    name: flux-system
  url: ssh://git@github.com/acme/k3s-gitops
EOF
    w "$d/clusters/production/flux-system/gotk-components.yaml" <<'EOF'
# user-owned (flux install --export); stand-in with two documents
apiVersion: v1
kind: Namespace
metadata:
  name: flux-system
  labels:
    app.kubernetes.io/instance: flux-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: kustomize-controller
  namespace: flux-system
EOF
    w "$d/clusters/production/flux-system/kustomization-demo.yaml" <<'EOF'
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: demo
  namespace: flux-system
spec:
  dependsOn:
    - name: sources
  interval: 10m
  path: ./clusters/production/demo
  prune: true
  wait: true
  timeout: 5m
  sourceRef:
    kind: GitRepository
    name: flux-system
  decryption:
    provider: sops
    secretRef:
      name: sops-age
EOF
    w "$d/clusters/production/flux-system/kustomization-sources.yaml" <<'EOF'
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: sources
  namespace: flux-system
spec:
  interval: 10m
  path: ./infrastructure/sources
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
EOF
    w "$d/clusters/production/flux-system/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - gotk-components.yaml
  - gitrepository-flux-system.yaml
  - kustomization-demo.yaml
  - kustomization-sources.yaml
EOF
    w "$d/clusters/production/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - demo
  - flux-system
  - kyverno-policies
  - traefik
EOF
    w "$d/clusters/production/kyverno-policies/clusterpolicy-require-labels.yaml" <<'EOF'
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
  annotations:
    policies.kyverno.io/title: Require Labels
spec:
  validationFailureAction: Audit
  background: true
  rules:
    - name: check-name-label
      match:
        any:
          - resources:
              kinds:
                - Deployment
                - StatefulSet
      validate:
        message: "The label `app.kubernetes.io/name` is required."
        pattern:
          metadata:
            labels:
              app.kubernetes.io/name: "?*"
EOF
    w "$d/clusters/production/kyverno-policies/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - clusterpolicy-require-labels.yaml
EOF
    w "$d/clusters/production/traefik/helmrelease-traefik.yaml" <<'EOF'
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: traefik
  namespace: traefik
spec:
  interval: 30m
  chart:
    spec:
      chart: traefik
      version: 37.1.1
      sourceRef:
        kind: HelmRepository
        name: traefik
        namespace: flux-system
  values:
    ports:
      web:
        redirections:
          entryPoint:
            to: websecure
            scheme: https
EOF
    w "$d/clusters/production/traefik/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - helmrelease-traefik.yaml
  - namespace-traefik.yaml
  - networkpolicy-default-deny.yaml
  - networkpolicy-traefik.yaml
EOF
    w "$d/clusters/production/traefik/namespace-traefik.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: traefik
EOF
    w "$d/clusters/production/traefik/networkpolicy-default-deny.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: traefik
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
EOF
    w "$d/clusters/production/traefik/networkpolicy-traefik.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: traefik
  namespace: traefik
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: traefik
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - from:
        - ipBlock:
            cidr: 0.0.0.0/0
      ports:
        - port: 8000
          protocol: TCP
        - port: 8443
          protocol: TCP
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: demo
          podSelector:
            matchLabels:
              app.kubernetes.io/name: api
      ports:
        - port: 8080
          protocol: TCP
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
EOF
    w "$d/infrastructure/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - sources
EOF
    w "$d/infrastructure/sources/helmrepository-bitnami.yaml" <<'EOF'
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: bitnami
  namespace: flux-system
spec:
  type: oci
  interval: 1h
  url: oci://registry-1.docker.io/bitnamicharts
EOF
    w "$d/infrastructure/sources/helmrepository-traefik.yaml" <<'EOF'
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: traefik
  namespace: flux-system
spec:
  interval: 1h
  url: https://traefik.github.io/charts
EOF
    w "$d/infrastructure/sources/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - helmrepository-bitnami.yaml
  - helmrepository-traefik.yaml
EOF
    w "$d/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - clusters
  - infrastructure
EOF
    w "$d/.secret-plain.yaml" <<'EOF'
apiVersion: v1
kind: Secret
metadata:
  name: api-db
  namespace: demo
type: Opaque
stringData:
  password: s3cr3t-pa55
  username: api
EOF
    sops encrypt --age "$AGE_A" --encrypted-regex '^(data|stringData)$' \
        --input-type yaml --output-type yaml "$d/.secret-plain.yaml" \
        > "$d/clusters/production/demo/secret-api-db.yaml" || die "sops encrypt failed"
    rm -f "$d/.secret-plain.yaml"
}

make_graph() {
    w "$1" <<'EOF'
{
  "nodes": [
    {"id": "demo/api", "labels": {"app.kubernetes.io/name": "api"}},
    {"id": "demo/postgres", "labels": {"app.kubernetes.io/name": "postgresql", "app.kubernetes.io/instance": "postgres"}},
    {"id": "traefik/traefik", "labels": {"app.kubernetes.io/name": "traefik"}},
    {"id": "kube-system/coredns", "labels": {"k8s-app": "kube-dns"}}
  ],
  "edges": [
    {"from": "traefik/traefik", "to": "demo/api", "port": 8080, "protocol": "TCP"},
    {"from": "demo/api", "to": "demo/postgres", "port": 5432, "protocol": "TCP"},
    {"from": "demo/api", "to": "kube-system/coredns", "port": 53, "protocol": "UDP"},
    {"from": "demo/api", "to": "kube-system/coredns", "port": 53, "protocol": "TCP"},
    {"from": "traefik/traefik", "to": "kube-system/coredns", "port": 53, "protocol": "UDP"},
    {"from": "traefik/traefik", "to": "kube-system/coredns", "port": 53, "protocol": "TCP"}
  ]
}
EOF
}

if [ -n "$EMIT" ]; then
    mkdir -p "$EMIT"
    make_tree "$EMIT/tree"
    make_graph "$EMIT/graph.json"
    echo "selftest: wrote $EMIT/tree and $EMIT/graph.json"
    exit 0
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/conformance-selftest.XXXXXX")"
cleanup() { if [ "$KEEP" = 1 ]; then echo "selftest: kept $TMP"; else rm -rf "$TMP"; fi; }
trap cleanup EXIT
GOOD="$TMP/good"
make_tree "$GOOD"
make_graph "$TMP/graph.json"

# ---------------------------------------------------------------------------------- helpers
passed=0
failed=0
n=0

# edit FILE OLD NEW — literal replace; the old text must be present (so no case passes vacuously)
edit() {
    python - "$1" "$2" "$3" <<'EOF' || die "edit: text not found in $1: $2"
import sys
path, old, new = sys.argv[1:4]
s = open(path).read()
if old not in s:
    sys.exit(1)
open(path, "w").write(s.replace(old, new, 1))
EOF
}

# variant NAME — fresh copy of the good tree in $V
variant() { n=$((n + 1)); V="$TMP/v$n"; cp -r "$GOOD" "$V"; }

# expect NAME WANT_RC GREP_PATTERN -- command...
expect() {
    local name="$1" want="$2" pat="$3"; shift 4
    local out rc
    out="$("$@" 2>&1)"; rc=$?
    if [ "$rc" -eq "$want" ] && { [ -z "$pat" ] || printf '%s\n' "$out" | grep -qE -- "$pat"; }; then
        passed=$((passed + 1)); echo "PASS  $name"
    else
        failed=$((failed + 1)); echo "FAIL  $name (exit $rc, wanted $want${pat:+, output matching /$pat/})"
        printf '%s\n' "$out" | tail -n 25 | sed 's/^/      | /'
    fi
}

VT=(python "$HERE/validate_tree.py" --schemas "$SCHEMAS" --foreign gotk-components.yaml)
NG=(python "$HERE/netgraph.py")
SD=(bash "$HERE/sops_decrypt.sh")
DEMO=clusters/production/demo

# ---------------------------------------------------------------------------------- good tree
expect "validate_tree: valid sample tree passes" 0 "conformance: 25 objects, 9 dirs, 0 errors" -- "${VT[@]}" "$GOOD"
expect "netgraph: nca map equals the declared graph" 0 "6 edges match, 0 extra, 0 missing" -- "${NG[@]}" "$GOOD" "$TMP/graph.json"
expect "sops_decrypt: encrypted Secret decrypts (MAC verified)" 0 "1 encrypted files, 1 decrypted, 0 failed" -- "${SD[@]}" "$GOOD" "$KEY_A"

# ---------------------------------------------------------------------------------- validate_tree
variant; edit "$V/$DEMO/certificate-api.yaml" "  secretName: api-tls" $'  secretName: api-tls\n  secretname: typo'
expect "validate_tree: unknown field in a custom resource" 1 "Certificate cert-manager.io/v1: spec: Additional properties.*'secretname'" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/server-api.yaml" "  proxyProtocol: HTTP/1" $'  proxyProtocol: HTTP/1\n  extra: {}'
expect "validate_tree: unknown field in a Linkerd Server" 1 "Server policy.linkerd.io/v1beta3: spec: Additional properties" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/deployment-api.yaml" "          image: ghcr.io/acme/api:1.2.3" $'          image: ghcr.io/acme/api:1.2.3\n          imagePullPolice: Always'
expect "validate_tree: unknown field in a built-in kind (1.33 strict)" 1 "Deployment apps/v1: spec.template.spec.containers\[0\]: Additional properties.*imagePullPolice" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/networkpolicy-postgres.yaml" "        - port: 5432" "        - port: [5432]"
expect "validate_tree: wrong type in a NetworkPolicy" 1 "NetworkPolicy networking.k8s.io/v1: spec.ingress\[0\].ports\[0\].port" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/helmrelease-postgres.yaml" "  interval: 30m" $'  interval: 30m\n  suspend: "yes"'
expect "validate_tree: wrong type in a HelmRelease" 1 "spec.suspend: 'yes' is not of type 'boolean'" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/ingressroute-api.yaml" "          port: 80" $'          port: 80\n          weight: -1'
expect "validate_tree: minimum violated in an IngressRoute" 1 "weight: -1 is less than the minimum" -- "${VT[@]}" "$V"

variant; w "$V/$DEMO/widget-w.yaml" <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: demo
EOF
edit "$V/$DEMO/kustomization.yaml" "  - service-api.yaml" $'  - service-api.yaml\n  - widget-w.yaml'
expect "validate_tree: unknown kind" 1 "unknown kind: Widget example.com/v1" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/helmrelease-postgres.yaml" "helm.toolkit.fluxcd.io/v2" "helm.toolkit.fluxcd.io/v2beta1"
expect "validate_tree: CRD version not in the index" 1 "version 'v2beta1' is not in the CRD index" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/kustomization.yaml" "  - service-api.yaml" $'  - service-api.yaml\n  - missing.yaml'
expect "validate_tree: kustomization lists a missing file" 1 "lists 'missing.yaml', which does not exist" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/kustomization.yaml" $'  - service-api.yaml\n' ""
expect "validate_tree: file present but not listed" 1 "file 'service-api.yaml' is present but not listed" -- "${VT[@]}" "$V"

variant; mkdir -p "$V/$DEMO/extra"; cp "$V/$DEMO/service-api.yaml" "$V/$DEMO/extra/"
expect "validate_tree: directory without kustomization.yaml" 1 "$DEMO/extra: directory has no kustomization.yaml" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/kustomization.yaml" "resources:" $'resourcez: []\nresources:'
expect "validate_tree: kubectl kustomize failure is reported" 1 "$DEMO: .kubectl kustomize. failed" -- "${VT[@]}" "$V"

variant; printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: second\n  namespace: demo\n' >> "$V/$DEMO/service-api.yaml"
expect "validate_tree: two objects in one file" 1 "2 documents in one file" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/namespace-demo.yaml" "app.kubernetes.io/part-of: stackc-demo" "app.kubernetes.io/part-of: stackc demo"
expect "validate_tree: invalid label value" 1 "label app.kubernetes.io/part-of='stackc demo'" -- "${VT[@]}" "$V"

variant; edit "$V/clusters/production/kyverno-policies/clusterpolicy-require-labels.yaml" "  name: require-labels" $'  name: require-labels\n  namespace: demo'
expect "validate_tree: namespace on a cluster-scoped kind" 1 "ClusterPolicy is cluster-scoped" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/deployment-api.yaml" "image: ghcr.io/acme/api:1.2.3" "image: ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]"
expect "validate_tree: ENC[] value outside a sops file" 1 "ENC\[...\] value in a file without sops metadata" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/secret-api-db.yaml" "type: Opaque" $'type: Opaque\nimmutable: maybe'
expect "validate_tree: sops file is validated too" 1 "Secret v1: immutable: 'maybe' is not of type" -- "${VT[@]}" "$V"

variant; edit "$V/clusters/production/flux-system/kustomization-demo.yaml" "path: ./clusters/production/demo" "path: ./clusters/production/dmeo"
expect "validate_tree: Flux Kustomization path not in the tree" 1 "spec.path './clusters/production/dmeo' is not a directory" -- "${VT[@]}" "$V"

variant; edit "$V/$DEMO/service-api.yaml" "  name: api" "  name: api
  name: api2"
expect "validate_tree: duplicate YAML key" 1 "duplicate key 'name'" -- "${VT[@]}" "$V"

variant; w "$V/clusters/production/flux-system/kustomization-flux-system.yaml" <<'EOF'
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/production
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
EOF
edit "$V/clusters/production/flux-system/kustomization.yaml" "  - kustomization-demo.yaml" $'  - kustomization-demo.yaml\n  - kustomization-flux-system.yaml'
expect "validate_tree: a dir applied by two Flux Kustomizations" 1 "clusters/production/demo: applied by 2 Flux Kustomizations" -- "${VT[@]}" "$V"
edit "$V/clusters/production/kustomization.yaml" $'  - demo\n' ""
expect "validate_tree: a Flux Kustomization's own dir need not be listed by its parent" 0 "0 errors" -- "${VT[@]}" "$V"

variant; rm "$V/clusters/production/flux-system/gotk-components.yaml"
expect "validate_tree: listed --foreign file may be absent" 0 "0 errors" -- "${VT[@]}" "$V"
expect "validate_tree: ...but not without --foreign" 1 "lists 'gotk-components.yaml', which does not exist" -- python "$HERE/validate_tree.py" --schemas "$SCHEMAS" "$V"

expect "validate_tree: missing schemas dir is an error, not a pass" 2 "CRD schemas not found" -- python "$HERE/validate_tree.py" --schemas "$TMP/nowhere" "$GOOD"

# ---------------------------------------------------------------------------------- engines
# ksops VARIANT_DIR — the demo Secret read by a KSOPS generator instead of listed as a resource,
# and a helmCharts entry (the Argo CD / kustomize engines' shape).
ksops() {
    edit "$1/$DEMO/kustomization.yaml" $'  - secret-api-db.yaml\n' ""
    w "$1/$DEMO/ksops-demo.yaml" <<'EOF'
apiVersion: viaduct.ai/v1
kind: ksops
metadata:
  name: demo
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ksops
files:
  - secret-api-db.yaml
EOF
    cat >> "$1/$DEMO/kustomization.yaml" <<'EOF'
generators:
  - ksops-demo.yaml
helmCharts:
  - name: memcached
    repo: oci://registry-1.docker.io/bitnamicharts
    version: "7.9.2"
    releaseName: memcached
    namespace: demo
    includeCRDs: true
    skipHooks: true
    skipTests: true
    valuesInline:
      architecture: standalone
EOF
}
variant; ksops "$V"
expect "validate_tree: KSOPS generator and helmCharts pass, built without them" 0 "KSOPS generators or helmCharts.*checked by shape" -- "${VT[@]}" "$V"
variant; ksops "$V"; edit "$V/$DEMO/ksops-demo.yaml" "  - secret-api-db.yaml" "  - service-api.yaml"
expect "validate_tree: a KSOPS generator reading a plain file" 1 "KSOPS file 'service-api.yaml' is not SOPS-encrypted" -- "${VT[@]}" "$V"
variant; ksops "$V"; edit "$V/$DEMO/ksops-demo.yaml" "        path: ksops" "        image: ksops"
expect "validate_tree: a KSOPS generator without the exec function" 1 "needs the config.kubernetes.io/function annotation" -- "${VT[@]}" "$V"
variant; ksops "$V"; edit "$V/$DEMO/kustomization.yaml" $'    version: "7.9.2"\n' ""
expect "validate_tree: a helmCharts entry without version" 1 "helmCharts\[0\]: needs a string .version." -- "${VT[@]}" "$V"
variant; ksops "$V"; edit "$V/$DEMO/kustomization.yaml" $'    skipHooks: true\n' ""
expect "validate_tree: a helmCharts entry whose hooks helm would render" 1 "helmCharts 'memcached': helm template without --no-hooks" -- "${VT[@]}" "$V"
variant; w "$V/clusters/production/flux-system/application-demo.yaml" <<'EOF'
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: demo
  namespace: flux-system
  annotations:
    argocd.argoproj.io/sync-wave: "first"
spec:
  project: default
  source:
    repoURL: https://git.example.org/cluster.git
    targetRevision: main
    path: clusters/production/dmeo
  destination:
    server: https://kubernetes.default.svc
  syncPolicy:
    automated:
      prune: true
      selfheal: true
EOF
edit "$V/clusters/production/flux-system/kustomization.yaml" "  - kustomization-demo.yaml" $'  - kustomization-demo.yaml\n  - application-demo.yaml'
expect "validate_tree: Argo CD Application path not in the tree" 1 "source.path 'clusters/production/dmeo' is not a directory" -- "${VT[@]}" "$V"
expect "validate_tree: Argo CD Application against its CRD schema" 1 "Application argoproj.io/v1alpha1: spec.syncPolicy.automated: Additional properties.*selfheal" -- "${VT[@]}" "$V"
expect "validate_tree: Argo CD sync wave must be an integer" 1 "sync wave 'first' is not an integer" -- "${VT[@]}" "$V"

# ---------------------------------------------------------------------------------- netgraph
edit_graph() { # FILE PYTHON-EXPR-ON-g
    python - "$1" "$2" <<'EOF'
import json, sys
path, expr = sys.argv[1:3]
g = json.load(open(path))
exec(expr)
json.dump(g, open(path, "w"), indent=1)
EOF
}
cp "$TMP/graph.json" "$TMP/g-extra.json"
edit_graph "$TMP/g-extra.json" 'g["edges"] = [e for e in g["edges"] if not (e["from"] == "traefik/traefik" and e["to"] == "demo/api")]'
expect "netgraph: an edge nca allows but the graph lacks (extra)" 1 "EXTRA .*traefik/traefik -> demo/api TCP/8080" -- "${NG[@]}" "$GOOD" "$TMP/g-extra.json"

cp "$TMP/graph.json" "$TMP/g-missing.json"
edit_graph "$TMP/g-missing.json" 'g["edges"].append({"from": "demo/postgres", "to": "demo/api", "port": 8080, "protocol": "TCP"})'
expect "netgraph: an edge the graph declares but nca denies (missing)" 1 "MISSING .*demo/postgres -> demo/api TCP/8080" -- "${NG[@]}" "$GOOD" "$TMP/g-missing.json"

variant; edit "$V/$DEMO/networkpolicy-postgres.yaml" "        - port: 5432" $'        - port: 5432\n          endPort: 5434'
edit "$V/$DEMO/networkpolicy-api.yaml" $'        - port: 5432\n          protocol: TCP' "        - protocol: TCP"
expect "netgraph: a widened policy shows up as extra ports" 1 "EXTRA .*demo/api -> demo/postgres TCP/5433" -- "${NG[@]}" "$V" "$TMP/graph.json"

variant; rm "$V/clusters/production/traefik/networkpolicy-default-deny.yaml" "$V/clusters/production/traefik/networkpolicy-traefik.yaml"
expect "netgraph: a namespace without policies allows everything" 1 "EXTRA .*kube-system/coredns -> traefik/traefik All connections" -- "${NG[@]}" "$V" "$TMP/graph.json"

cp "$TMP/graph.json" "$TMP/g-labels.json"
edit_graph "$TMP/g-labels.json" 'g["nodes"][0]["labels"] = {"app": "api"}'
expect "netgraph: graph labels disagree with the tree's workload" 1 "graph node demo/api says its pods carry" -- "${NG[@]}" "$GOOD" "$TMP/g-labels.json"

cp "$TMP/graph.json" "$TMP/g-podlabels.json"
edit_graph "$TMP/g-podlabels.json" 'next(n for n in g["nodes"] if n["id"] == "traefik/traefik")["pod_labels"] = {"app.kubernetes.io/name": "traefik", "helm.sh/chart": "traefik-37.1.2"}'
expect "netgraph: a chart pod's labels with everything its policies select" 0 "6 edges match, 0 extra, 0 missing" -- "${NG[@]}" "$GOOD" "$TMP/g-podlabels.json"
edit_graph "$TMP/g-podlabels.json" 'next(n for n in g["nodes"] if n["id"] == "traefik/traefik")["pod_labels"] = {"app.kubernetes.io/name": "ingress"}'
expect "netgraph: a chart pod's labels without what its policies select" 1 "graph node traefik/traefik selects" -- "${NG[@]}" "$GOOD" "$TMP/g-podlabels.json"

# A CiliumNetworkPolicy of the form stackc writes on Cilium: CRD-validated, kept from nca, and
# refused by netgraph when a peer could be a pod (nca could not judge it).
cilium_variant() { # EGRESS-PEER
    variant
    edit "$V/$DEMO/kustomization.yaml" "  - networkpolicy-api.yaml" $'  - ciliumnetworkpolicy-api-entities.yaml\n  - networkpolicy-api.yaml'
    w "$V/$DEMO/ciliumnetworkpolicy-api-entities.yaml" <<EOF
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: api-entities
  namespace: demo
spec:
  endpointSelector:
    matchLabels:
      app.kubernetes.io/name: api
  egress:
    - $1
      toPorts:
        - ports:
            - port: "6443"
              protocol: TCP
EOF
}
cilium_variant "toEntities: [kube-apiserver]"
expect "validate_tree: a CiliumNetworkPolicy passes its CRD schema" 0 "conformance: 26 objects, 9 dirs, 0 errors" -- "${VT[@]}" "$V"
expect "netgraph: entity-only CiliumNetworkPolicies are kept from nca and said so" 0 "1 CiliumNetworkPolicy objects not given to nca" -- "${NG[@]}" "$V" "$TMP/graph.json"
cilium_variant "toEntities: [kube-api-server]"
expect "validate_tree: an unknown Cilium entity fails the CRD schema" 1 "CiliumNetworkPolicy cilium.io/v2" -- "${VT[@]}" "$V"
cilium_variant "toEndpoints: [{}]"
expect "netgraph: a Cilium peer that could be a pod fails" 1 "may select pods; nca cannot judge it" -- "${NG[@]}" "$V" "$TMP/graph.json"

# ---------------------------------------------------------------------------------- sops_decrypt
expect "sops_decrypt: wrong key fails" 1 "0 decrypted, 1 failed" -- "${SD[@]}" "$GOOD" "$KEY_B"

variant; edit "$V/$DEMO/secret-api-db.yaml" "type: Opaque" "type: Opaque2"
expect "sops_decrypt: tampered cleartext fails the MAC check" 1 "MAC mismatch" -- "${SD[@]}" "$V" "$KEY_A"

variant; python - "$V/$DEMO/secret-api-db.yaml" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
s2 = re.sub(r"(username: ENC\[AES256_GCM,data:)[^,]*", r"\1AAAA", s, count=1)
assert s2 != s
open(p, "w").write(s2)
EOF
expect "sops_decrypt: tampered ciphertext fails" 1 "1 failed" -- "${SD[@]}" "$V" "$KEY_A"

variant; rm "$V/$DEMO/secret-api-db.yaml"
expect "sops_decrypt: no encrypted file is reported, exit 0" 0 "no SOPS-encrypted files" -- "${SD[@]}" "$V" "$KEY_A"
expect "sops_decrypt: ...and fails with --require" 1 "--require" -- "${SD[@]}" "$V" "$KEY_A" --require

echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
