#!/usr/bin/env python3
"""netgraph.py TREE_DIR GRAPH_JSON — does an independent analyzer agree with our declared network graph?

Runs network-config-analyzer (`nca --connectivity`) on the NetworkPolicies of a rendered tree
and compares the connectivity it computes with the edges of GRAPH_JSON
(`stackc graph --format json`):

    {"nodes":[{"id":"<ns>/<workload>","labels":{...}, "pod_labels":{...}?,
               "ports":[{"name":"http","port":9000}]?}...],
     "edges":[{"from":"<ns>/<workload>","to":"<ns>/<workload>","port":5432,"protocol":"TCP"}...]}

What nca is given (in a temp dir):
* --connectivity DIR  every networking.k8s.io/v1 NetworkPolicy of the tree, one file each
                      (named after its tree path, so nca's warnings point at the right file);
* --pod_list DIR      the tree's Deployments/StatefulSets/DaemonSets/ReplicaSets/Jobs/CronJobs
                      (nca expands workloads into pods itself), plus a synthesized one-replica
                      Deployment for every graph node that has no workload in the tree
                      (HelmRelease-based apps, and every pod of the platform charts stackc
                      installs, hook Jobs included), carrying the node's `pod_labels` (every
                      label the chart renders on the pods, per stackc's chart facts) or else its
                      `labels`, and its optional named `ports`;
* --ns_list DIR       a Namespace for every namespace seen, labelled like the API server does
                      (kubernetes.io/metadata.name) plus the labels of the tree's Namespace objects.
Flags: --output_format txt_no_fw_rules --output_endpoints deployments --file_out FILE: one line
per allowed (workload, workload) pair, `SRC => DST : CONN`, where SRC/DST is `ns/name[Kind]` or
an IP range, CONN `All connections` or `{protocols:TCP, UDP,dst_ports:53,8000-8010},{...}`
or `All but {...}`.

CiliumNetworkPolicy objects (`cni "cilium"`) are not given to nca, which reads only
NetworkPolicy; each must have only entity peers of the API server and the nodes (checked), so
they add no pod-to-pod connection and the comparison below stays whole; their API server and
node edges are not judged here.

Comparison: set equality on (from, to, port, protocol) for in-cluster endpoints. Rows with an
IP range (ipBlock / outside the cluster) are listed separately and never fail the check.
nca never reports a workload's connections to itself, so graph self-edges are listed as not
comparable. A graph node whose tree workload's pod labels do not include the graph's labels is
an error (the graph would describe pods that do not exist), and so is one whose `pod_labels` do
not include its `labels` (its policies would select none of its pods).

Exit: 0 identical, 1 any difference or inconsistency, 2 usage / tool error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep tests/conformance free of __pycache__
sys.path.insert(0, str(HERE))
from common import (  # noqa: E402
    is_kustomization_doc, load_documents, rel, split_api_version, yaml_files,
)
import yaml  # noqa: E402

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
ENDPOINT_RE = re.compile(r"^(?P<ns>[^/\s\[]+)/(?P<name>[^\[\s]+?)(?:\[(?P<kind>[^\]]+)\])?$")
MAX_ENUMERATED_PORTS = 1024
# Cilium entities that never select a pod of the graph (no graph workload runs in the host network).
CILIUM_NODE_ENTITIES = {"host", "kube-apiserver", "remote-node"}


class ConnSet:
    """A parsed nca connection string. cubes: list of (protocols or None=all, ports or None=all,
    other-dims dict). complement=True for `All but ...`; all_=True for `All connections`."""

    def __init__(self, text):
        self.text = text.strip()
        self.all_ = self.text == "All connections"
        self.complement = False
        self.cubes = []
        body = self.text
        if self.all_ or body == "No connections":
            return
        if body.startswith("All but "):
            self.complement = True
            body = body[len("All but "):]
        for cube in re.findall(r"\{([^{}]*)\}", body):
            self.cubes.append(self._parse_cube(cube))
        if not self.cubes:
            raise ValueError(f"cannot parse nca connection string {text!r}")

    @staticmethod
    def _parse_cube(cube):
        keys = list(re.finditer(r"(?:^|,)\s*([a-z_]+):", cube))
        fields = {}
        for i, m in enumerate(keys):
            end = keys[i + 1].start() if i + 1 < len(keys) else len(cube)
            fields[m.group(1)] = cube[m.end():end].strip()
        protocols = None
        ports = None
        if "protocols" in fields:
            protocols = {p.strip().upper() for p in fields.pop("protocols").split(",") if p.strip()}
        if "dst_ports" in fields:
            ports = []
            for part in fields.pop("dst_ports").split(","):
                part = part.strip()
                if not part:
                    continue
                if "-" in part:
                    a, b = part.split("-", 1)
                    ports.append((int(a), int(b)))
                else:
                    ports.append((int(part), int(part)))
        return protocols, ports, fields

    def _cube_has(self, cube, proto, port):
        protocols, ports, other = cube
        if other:
            return False  # restricted by something a NetworkPolicy cannot say: treat as not covering
        if protocols is not None and proto not in protocols:
            return False
        if ports is not None and not any(a <= port <= b for a, b in ports):
            return False
        return True

    def contains(self, proto, port):
        if self.all_:
            return True
        inside = any(self._cube_has(c, proto, port) for c in self.cubes)
        return not inside if self.complement else inside

    def enumerate(self):
        """Finite set of (proto, port), or None when unbounded / not enumerable."""
        if self.all_ or self.complement:
            return None
        out = set()
        for protocols, ports, other in self.cubes:
            if other or protocols is None or ports is None:
                return None
            n = sum(b - a + 1 for a, b in ports)
            if n > MAX_ENUMERATED_PORTS:
                return None
            for p in protocols:
                for a, b in ports:
                    out.update((p, x) for x in range(a, b + 1))
        return out


def load_tree_objects(root: Path):
    objs = []
    for path in yaml_files(root):
        if path.name == "kustomization.yaml":
            continue
        try:
            docs = load_documents(path)
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            print(f"netgraph: WARNING: skipping {rel(path, root)}: invalid YAML ({e})")
            continue
        for d in docs:
            if isinstance(d, dict) and not is_kustomization_doc(d):
                objs.append((rel(path, root), d))
    return objs


def ns_of(o):
    return ((o.get("metadata") or {}).get("namespace")) or "default"


def name_of(o):
    return (o.get("metadata") or {}).get("name") or ""


def pod_template_labels(o):
    spec = o.get("spec") or {}
    if o.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return dict((((spec.get("template") or {}).get("metadata") or {}).get("labels")) or {})


def minimal_workload(o):
    """Only what nca reads: name/namespace, replicas, pod labels, serviceAccount, container ports."""
    spec = o.get("spec") or {}
    kind = o.get("kind")
    inner = spec
    if kind == "CronJob":
        inner = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    tmpl = inner.get("template") or {}
    tspec = tmpl.get("spec") or {}
    containers = []
    for c in (tspec.get("containers") or []) + (tspec.get("initContainers") or []):
        if isinstance(c, dict):
            cc = {"name": c.get("name", "c"), "image": "x"}
            if c.get("ports"):
                cc["ports"] = [{k: p[k] for k in ("name", "containerPort", "protocol") if k in p}
                               for p in c["ports"] if isinstance(p, dict)]
            containers.append(cc)
    new_tspec = {"containers": containers or [{"name": "c", "image": "x"}]}
    if tspec.get("serviceAccountName"):
        new_tspec["serviceAccountName"] = tspec["serviceAccountName"]
    new_tmpl = {"metadata": {"labels": pod_template_labels(o)}, "spec": new_tspec}
    out = {"apiVersion": o.get("apiVersion"), "kind": kind,
           "metadata": {"name": name_of(o), "namespace": ns_of(o)}}
    if kind == "CronJob":
        out["spec"] = {"jobTemplate": {"spec": {"template": new_tmpl}}}
    else:
        out["spec"] = {"template": new_tmpl}
        if kind in ("Deployment", "StatefulSet", "ReplicaSet") and "replicas" in spec:
            out["spec"]["replicas"] = spec["replicas"]
        if kind == "Job" and "parallelism" in spec:
            out["spec"]["parallelism"] = spec["parallelism"]
    return out


def synthesized_deployment(ns, name, labels, ports):
    container = {"name": "app", "image": "x"}
    if ports:
        container["ports"] = [{"name": p["name"], "containerPort": int(p["port"]),
                               "protocol": p.get("protocol", "TCP")}
                              for p in ports if isinstance(p, dict) and p.get("name") and p.get("port")]
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"replicas": 1, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": [container]}}}}


def safe_name(s):
    return re.sub(r"[^A-Za-z0-9_.-]+", "__", s)


def fmt_edge(e):
    return f"{e[0]} -> {e[1]} {e[3]}/{e[2]}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("tree", type=Path)
    ap.add_argument("graph", type=Path)
    ap.add_argument("--nca", default=os.environ.get("NCA", "nca"), help="nca executable")
    ap.add_argument("--ignore-source-ns", action="append", default=[], metavar="NS",
                    help="namespace whose pods' egress the tree does not manage (e.g. kube-system): "
                         "extra edges FROM it are listed but do not fail; repeatable")
    ap.add_argument("--keep-tmp", action="store_true", help="keep nca's input dir and print its path")
    ap.add_argument("-v", "--verbose", action="store_true", help="print nca's own warnings and raw map")
    args = ap.parse_args(argv)

    if not args.tree.is_dir():
        print(f"netgraph: ERROR: {args.tree} is not a directory")
        return 2
    if shutil.which(args.nca) is None:
        print(f"netgraph: ERROR: `{args.nca}` not found; run `bash .ci/setup-tools` and put "
              f"target/conformance-venv/bin on PATH")
        return 2
    try:
        graph = json.loads(args.graph.read_text())
    except (OSError, ValueError) as e:
        print(f"netgraph: ERROR: cannot read graph JSON {args.graph}: {e}")
        return 2

    problems = 0
    nodes = {}
    unmanaged = {n.get("id") for n in graph.get("nodes") or [] if n.get("managed") is False}
    for n in graph.get("nodes") or []:
        nid = n.get("id", "")
        if not ENDPOINT_RE.match(nid) or "[" in nid:
            print(f"netgraph: ERROR: graph node id {nid!r} is not <namespace>/<workload>")
            problems += 1
            continue
        if nid in nodes:
            print(f"netgraph: ERROR: graph node {nid} declared twice")
            problems += 1
        nodes[nid] = n
    graph_edges = set()
    self_edges = []
    for e in graph.get("edges") or []:
        try:
            edge = (e["from"], e["to"], int(e["port"]), str(e.get("protocol", "TCP")).upper())
        except (KeyError, TypeError, ValueError):
            print(f"netgraph: ERROR: malformed graph edge {e!r}")
            problems += 1
            continue
        for end in edge[:2]:
            if end not in nodes:
                print(f"netgraph: ERROR: edge {fmt_edge(edge)} names {end}, which is not a graph node")
                problems += 1
        if edge[0] == edge[1]:
            self_edges.append(edge)
            continue
        graph_edges.add(edge)

    root = args.tree.resolve()
    objs = load_tree_objects(root)
    policies = [(p, o) for p, o in objs
                if o.get("kind") == "NetworkPolicy" and split_api_version(str(o.get("apiVersion")))[0] == "networking.k8s.io"]
    # nca reads only NetworkPolicy. stackc's CiliumNetworkPolicies (cni "cilium") name no pod:
    # their peers are the entities of the API server and the nodes, rows nca would list apart as
    # external anyway; so the pod-to-pod comparison stays whole without them. Checked here, not
    # assumed: a Cilium peer that could be a pod fails the run. Their external edges are judged
    # by `stackc verify` and their shape by validate_tree.py (the CRD schema), not by nca.
    cilium = [(p, o) for p, o in objs if o.get("kind") == "CiliumNetworkPolicy"]
    for p, o in cilium:
        spec = o.get("spec") or {}
        rules = [("ingress", r, "fromEntities") for r in spec.get("ingress") or []] + \
                [("egress", r, "toEntities") for r in spec.get("egress") or []]
        for direction, r, key in rules:
            peers = set(r) - {key, "toPorts"}
            entities = set(r.get(key) or [])
            if peers or not entities or not entities <= CILIUM_NODE_ENTITIES:
                print(f"netgraph: ERROR: {p}: {direction} rule {r} may select pods; nca cannot judge it")
                problems += 1
        if set(spec) - {"endpointSelector", "ingress", "egress"}:
            print(f"netgraph: ERROR: {p}: spec fields {sorted(set(spec))} beyond what stackc writes")
            problems += 1
    if cilium:
        print(f"netgraph: {len(cilium)} CiliumNetworkPolicy objects not given to nca "
              f"(entity peers only: {', '.join(sorted(CILIUM_NODE_ENTITIES))}; judged by stackc verify)")
    workloads = {}
    for p, o in objs:
        group, _ = split_api_version(str(o.get("apiVersion", "")))
        if o.get("kind") in WORKLOAD_KINDS and group in ("apps", "batch"):
            wid = f"{ns_of(o)}/{name_of(o)}"
            if wid in workloads:
                print(f"netgraph: ERROR: two workloads named {wid} ({workloads[wid][0]}, {p})")
                problems += 1
            workloads[wid] = (p, o)
    ns_labels = {}
    for p, o in objs:
        if o.get("kind") == "Namespace" and o.get("apiVersion") == "v1":
            ns_labels[name_of(o)] = dict(((o.get("metadata") or {}).get("labels")) or {})

    tmp = Path(tempfile.mkdtemp(prefix="netgraph-"))
    try:
        np_dir, pod_dir, ns_dir = tmp / "policies", tmp / "workloads", tmp / "namespaces"
        for d in (np_dir, pod_dir, ns_dir):
            d.mkdir()
        namespaces = set()
        for p, o in policies:
            namespaces.add(ns_of(o))
            doc = {k: o[k] for k in ("apiVersion", "kind", "metadata", "spec") if k in o}
            fname = safe_name(f"{p}--{name_of(o)}") + ".yaml"
            (np_dir / fname).write_text(yaml.safe_dump(doc, sort_keys=False))
        synthesized = []
        for wid, (p, o) in sorted(workloads.items()):
            namespaces.add(ns_of(o))
            (pod_dir / (safe_name(wid) + ".yaml")).write_text(
                yaml.safe_dump(minimal_workload(o), sort_keys=False))
        for nid, n in sorted(nodes.items()):
            ns, name = nid.split("/", 1)
            namespaces.add(ns)
            labels = {str(k): str(v) for k, v in (n.get("labels") or {}).items()}
            if nid in workloads:
                have = pod_template_labels(workloads[nid][1])
                diff = {k: v for k, v in labels.items() if have.get(k) != v}
                if diff:
                    print(f"netgraph: ERROR: graph node {nid} says its pods carry {diff}, but the tree's "
                          f"{workloads[nid][1].get('kind')} ({workloads[nid][0]}) has pod labels {have}")
                    problems += 1
                continue
            if not labels:
                print(f"netgraph: ERROR: graph node {nid} has no workload in the tree and no labels")
                problems += 1
            pod_labels = {str(k): str(v) for k, v in (n.get("pod_labels") or labels).items()}
            missing = {k: v for k, v in labels.items() if pod_labels.get(k) != v}
            if missing:
                print(f"netgraph: ERROR: graph node {nid} selects {missing}, which its pod_labels {pod_labels} lack")
                problems += 1
            synthesized.append(nid)
            (pod_dir / (safe_name(nid) + ".synth.yaml")).write_text(
                yaml.safe_dump(synthesized_deployment(ns, name, pod_labels, n.get("ports")), sort_keys=False))
        for ns in sorted(namespaces | set(ns_labels)):
            labels = dict(ns_labels.get(ns, {}))
            labels["kubernetes.io/metadata.name"] = ns
            (ns_dir / (safe_name(ns) + ".yaml")).write_text(yaml.safe_dump(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": labels}},
                sort_keys=False))

        print(f"netgraph: {len(policies)} NetworkPolicies, {len(workloads)} tree workloads, "
              f"{len(synthesized)} synthesized from the graph ({', '.join(synthesized) or '-'}), "
              f"{len(namespaces | set(ns_labels))} namespaces; graph: {len(nodes)} nodes, "
              f"{len(graph_edges) + len(self_edges)} edges")
        out_file = tmp / "connectivity.txt"
        cmd = [args.nca, "--connectivity", str(np_dir), "--pod_list", str(pod_dir), "--ns_list", str(ns_dir),
               "--output_format", "txt_no_fw_rules", "--output_endpoints", "deployments",
               "--file_out", str(out_file)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        nca_log = (r.stdout + r.stderr).replace(str(tmp) + "/", "")
        if args.verbose:
            for line in nca_log.splitlines():
                print(f"  nca| {line}")
        if r.returncode != 0 or not out_file.exists():
            print(f"netgraph: ERROR: nca failed (exit {r.returncode}):\n{nca_log}")
            return 2
        for line in nca_log.splitlines():
            if "rror" in line:
                print(f"netgraph: nca reported: {line}")
                problems += 1
        raw = out_file.read_text()
        if args.verbose:
            print("  nca connectivity map:")
            for line in raw.splitlines():
                print(f"    {line}")

        pairs = {}
        external = []
        for line in raw.splitlines():
            if " => " not in line:
                continue
            lhs, _, conn = line.partition(" : ")
            src, _, dst = lhs.partition(" => ")
            ms, md = ENDPOINT_RE.match(src.strip()), ENDPOINT_RE.match(dst.strip())
            if not ms or not md:
                external.append(line.strip())
                continue
            a = f"{ms.group('ns')}/{ms.group('name')}"
            b = f"{md.group('ns')}/{md.group('name')}"
            try:
                pairs[(a, b)] = ConnSet(conn)
            except ValueError as e:
                print(f"netgraph: ERROR: {e}")
                return 2

        missing = sorted(e for e in graph_edges
                         if (e[0], e[1]) not in pairs or not pairs[(e[0], e[1])].contains(e[3], e[2]))
        extra = []           # (edge-or-description, ignored?)
        for (a, b), cs in sorted(pairs.items()):
            declared = {(e[3], e[2]) for e in graph_edges if e[0] == a and e[1] == b}
            # A pair between two endpoints the graph marks `"managed": false`
            # lies in namespaces whose policies the tree does not write.
            ignored = (a.split("/", 1)[0] in args.ignore_source_ns
                       or (a in unmanaged and b in unmanaged))
            allowed = cs.enumerate()
            if allowed is None:
                extra.append((f"{a} -> {b} {cs.text}" +
                              (f" (declared: {', '.join(f'{p}/{n}' for p, n in sorted(declared))})" if declared else ""),
                              ignored))
                continue
            for proto, port in sorted(allowed - declared):
                extra.append((fmt_edge((a, b, port, proto)), ignored))

        for line in external:
            print(f"  external (ipBlock) : {line}")
        for e in self_edges:
            print(f"  not comparable     : {fmt_edge(e)} (nca omits a workload's connections to itself)")
        for desc, ignored in extra:
            if ignored:
                print(f"  ignored extra      : {desc} (unmanaged: --ignore-source-ns, or both ends \"managed\": false)")
        real_extra = [d for d, ign in extra if not ign]
        for d in real_extra:
            print(f"EXTRA   (nca allows, graph lacks): {d}")
        for e in missing:
            print(f"MISSING (graph declares, nca denies): {fmt_edge(e)}")
        matched = len(graph_edges) - len(missing)
        print(f"netgraph: {matched} edges match, {len(real_extra)} extra, {len(missing)} missing, "
              f"{len(external)} external rows, {problems} other problems")
        if args.keep_tmp:
            print(f"netgraph: nca input kept in {tmp}")
        return 0 if not (real_extra or missing or problems) else 1
    finally:
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
