#!/usr/bin/env python3
"""validate_tree.py TREE_DIR [--schemas DIR] [--foreign NAME]... — conformance of a rendered stackc tree.

Checks (every failure is an ERROR; exit 0 only with zero errors):

1. Layout: every (non-hidden) directory has a `kustomization.yaml` whose `resources` list
   exactly the files and subdirectories present in that directory — nothing missing, nothing
   extra, no duplicates, no paths outside the directory, no remote URLs. Files named by
   `--foreign NAME` (user-owned, e.g. gotk-components.yaml) may be present and/or listed.
   Files referenced by other kustomize fields (patches, generators, components, ...) count as
   listed. Hidden files/dirs (.git, .stackc...) are ignored.
2. `kubectl kustomize DIR` succeeds for every directory with a kustomization.yaml.
3. Objects: one object per file (multi-doc only for --foreign / --allow-multidoc files);
   every object has apiVersion, kind, metadata.name;
   * built-in kinds (core group, apps, batch, policy, *.k8s.io groups that are built into
     Kubernetes) are validated with kubernetes-validate's bundled Kubernetes 1.33 *strict*
     schemas (unknown fields rejected);
   * custom resources are validated against the upstream CRD openAPIV3Schema from
     shared/schemas/crds (index.json maps group/version/kind -> file) with python-jsonschema,
     applying the API server's structural-schema rules (see crdschema.py), and their metadata
     against Kubernetes 1.33's ObjectMeta (strict);
   * a kind that is neither built in nor in the CRD index is an error; so is a version the
     index does not have;
   * API-server rules no schema expresses: name / namespace / label / annotation syntax,
     namespace set on a cluster-scoped kind, duplicate objects across the tree;
   * SOPS files (top-level `sops:` mapping) are validated with the `sops` key removed and
     `ENC[...]` values accepted wherever a value of that type may stand; an ENC[...] value in
     a file without sops metadata is an error;
   * `kustomize.config.k8s.io` objects (kustomization.yaml, Component) are not cluster objects
     and are skipped.
4. Engines (engines.py): KSOPS generators and `helmCharts:` are checked by shape, the files a
   KSOPS generator reads count as listed (and are validated as objects); `kubectl kustomize`
   builds a copy of such a directory without those sections (it can run neither exec plugins
   nor Helm); Argo CD Applications' directory sources are roots like Flux Kustomization paths
   and must be directories of the tree.
5. Flux cross-references: a Flux Kustomization's spec.path must be a directory of the tree
   (relative to TREE_DIR, or to --flux-path-prefix); dependsOn must name an existing
   Kustomization / HelmRelease (errors); sourceRefs that name no object in the tree are
   warnings (bootstrap creates some of them).

Prints `conformance: N objects, N dirs, N errors` as its last line.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import copy
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

import engines  # noqa: E402
from common import (  # noqa: E402
    ENC_RE, KUSTOMIZATION_NAMES, YAML_SUFFIXES, fmt_path, is_hidden, is_kustomization_doc,
    is_sops_doc, load_documents, rel, split_api_version, walk_dirs, walk_files,
)
import yaml  # noqa: E402

try:
    import jsonschema  # noqa: E402
    from referencing import Registry, Resource  # noqa: E402
    import kubernetes_validate.utils as kv_utils  # noqa: E402
    from crdschema import CRDIndex  # noqa: E402
except ImportError as e:  # pragma: no cover
    sys.exit(f"conformance: missing Python package ({e}). Run `bash .ci/setup-tools` and run this "
             f"script with target/conformance-venv/bin/python.")

DEFAULT_SCHEMAS = (HERE / "../../../shared/schemas/crds").resolve()
K8S_VERSION = "1.33"

# API groups built into Kubernetes 1.33 (served by kube-apiserver itself, not by CRDs).
# gateway.networking.k8s.io is deliberately absent: it is a CRD (in the index).
BUILTIN_GROUPS = {
    "", "apps", "batch", "autoscaling", "policy",
    "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
    "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io",
    "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io", "networking.k8s.io",
    "node.k8s.io", "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io",
    "storage.k8s.io", "storagemigration.k8s.io",
}
CLUSTER_SCOPED_BUILTIN = {
    "Namespace", "Node", "PersistentVolume", "ComponentStatus",
    "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "APIService",
    "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass",
    "PriorityClass", "RuntimeClass", "IngressClass", "IPAddress", "ServiceCIDR",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
    "CertificateSigningRequest", "ClusterTrustBundle", "FlowSchema",
    "PriorityLevelConfiguration", "DeviceClass", "StorageVersionMigration", "StorageVersion",
    "TokenReview", "SelfSubjectReview", "SubjectAccessReview", "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
}
RBAC_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")

KLOG_PREFIX = re.compile(r'(?m)^[EWI]\d{4} [\d:.]+\s+\d+ [^\]]+\] "command failed" err=')

KUSTOMIZE_PATH_LIST_FIELDS = ("resources", "components", "crds", "patchesStrategicMerge",
                              "configurations", "generators", "transformers", "validators",
                              "bases")


class Report:
    def __init__(self, quiet=False):
        self.errors = []
        self.warnings = []
        self.quiet = quiet

    def error(self, where, msg):
        self.errors.append((where, msg))
        print(f"ERROR {where}: {msg}", flush=True)

    def warn(self, where, msg):
        self.warnings.append((where, msg))
        if not self.quiet:
            print(f"WARN  {where}: {msg}", flush=True)


# ----------------------------------------------------------------------------- layout checks

def is_foreign(relpath: str, foreign: set) -> bool:
    return relpath in foreign or os.path.basename(relpath) in foreign


def kustomization_refs(doc: dict):
    """(resources entries, other local file references) of a kustomization document."""
    resources = list(doc.get("resources") or []) + list(doc.get("bases") or [])
    other = []
    for f in KUSTOMIZE_PATH_LIST_FIELDS:
        if f in ("resources", "bases"):
            continue
        for item in doc.get(f) or []:
            if isinstance(item, str):
                other.append(item)
    for p in doc.get("patches") or []:
        if isinstance(p, dict) and isinstance(p.get("path"), str):
            other.append(p["path"])
    for p in doc.get("patchesJson6902") or []:
        if isinstance(p, dict) and isinstance(p.get("path"), str):
            other.append(p["path"])
    for gen in (doc.get("configMapGenerator") or []) + (doc.get("secretGenerator") or []):
        if not isinstance(gen, dict):
            continue
        for key in ("files", "envs"):
            for item in gen.get(key) or []:
                if isinstance(item, str):
                    other.append(item.split("=", 1)[-1])
        if isinstance(gen.get("env"), str):
            other.append(gen["env"])
    for h in doc.get("helmCharts") or []:
        if isinstance(h, dict) and isinstance(h.get("valuesFile"), str):
            other.append(h["valuesFile"])
    if isinstance((doc.get("openapi") or {}).get("path"), str):
        other.append(doc["openapi"]["path"])
    return resources, other


def flux_path_target(root: Path, path, prefix: str):
    """Directory a Flux Kustomization spec.path points at, or (None, reason)."""
    rp = path[2:] if path.startswith("./") else path.lstrip("/")
    rp = rp.rstrip("/")
    if prefix:
        pf = prefix.strip("/").removeprefix("./").rstrip("/")
        if rp == pf or rp.startswith(pf + "/"):
            rp = rp[len(pf):].lstrip("/")
        else:
            return None, f"spec.path {path!r} is not under --flux-path-prefix {prefix!r}"
    return ((root / rp) if rp not in ("", ".") else root), None


def flux_roots(root: Path, prefix: str):
    """{directory: [Flux Kustomization file, ...]} for every Kustomization spec.path (GitRepository source)."""
    out = {}
    for path in walk_files(root):
        if not path.name.endswith(YAML_SUFFIXES) or path.name in KUSTOMIZATION_NAMES:
            continue
        try:
            docs = load_documents(path)
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            continue
        for o in docs:
            if not (isinstance(o, dict) and o.get("kind") == "Kustomization"
                    and str(o.get("apiVersion", "")).startswith("kustomize.toolkit.fluxcd.io/")):
                continue
            spec = o.get("spec") if isinstance(o.get("spec"), dict) else {}
            src = spec.get("sourceRef") if isinstance(spec.get("sourceRef"), dict) else {}
            if isinstance(spec.get("path"), str) and src.get("kind") in ("GitRepository", None):
                target, _ = flux_path_target(root, spec["path"], prefix)
                if target is not None and target.is_dir():
                    out.setdefault(target.resolve(), []).append(rel(path, root))
    return out


def shared_includes(root: Path) -> set:
    """Directories `clusters/<c>/kustomization.yaml` lists as `../../<dir>` (the kustomize engine:
    a cluster's directory builds the whole cluster, the shared directories included); each must
    be a directory of the tree with a kustomization.yaml."""
    out = set()
    for c in sorted((root / "clusters").glob("*/kustomization.yaml")):
        for entry in (load_documents(c)[0] or {}).get("resources") or []:
            if isinstance(entry, str) and entry.startswith("../../"):
                target = (c.parent / entry).resolve()
                if target.is_dir() and (target / "kustomization.yaml").is_file() and root.resolve() in target.parents:
                    out.add(target)
    return out


def check_layout(root: Path, rep: Report, foreign: set, exempt: set, roots: dict):
    """Returns (dirs with kustomization, set of files referenced as non-resources, missing foreign,
    {dir: [listed subdirs]})."""
    kdirs = []
    children = {}
    aux_files = set()
    missing_foreign = []
    included = shared_includes(root)
    for d in walk_dirs(root):
        rd = rel(d, root)
        names = sorted(n for n in os.listdir(d) if not is_hidden(n))
        kfiles = [n for n in names if n in KUSTOMIZATION_NAMES]
        if "kustomization.yaml" not in kfiles:
            if rd in exempt:
                continue
            if not kfiles and all((d / n).is_dir() for n in names):
                continue  # the kustomize engine writes none where it would list nothing (clusters/ of several)
            if kfiles:
                rep.error(rd, f"kustomization file is named {kfiles[0]!r}; the contract is kustomization.yaml")
            else:
                rep.error(rd, "directory has no kustomization.yaml")
            continue
        if len(kfiles) > 1:
            rep.error(rd, f"more than one kustomization file: {kfiles} (kustomize refuses this)")
        kpath = d / "kustomization.yaml"
        kdirs.append(d)
        try:
            docs = load_documents(kpath)
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            rep.error(rel(kpath, root), f"invalid YAML: {e}")
            continue
        if len(docs) != 1 or not isinstance(docs[0], dict):
            rep.error(rel(kpath, root), "must hold exactly one mapping document")
            continue
        kdoc = docs[0]
        if kdoc.get("kind", "Kustomization") != "Kustomization" or \
                kdoc.get("apiVersion", "kustomize.config.k8s.io/v1beta1") != "kustomize.config.k8s.io/v1beta1":
            rep.error(rel(kpath, root), "expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization; "
                      f"got {kdoc.get('apiVersion')!r} {kdoc.get('kind')!r}")
        resources, other = kustomization_refs(kdoc)
        generated = engines.ksops_inputs(root, d, kdoc, rep)
        engines.check_helm_charts(rel(kpath, root), kdoc, rep)
        present = {n for n in names if n != "kustomization.yaml"}
        listed = {}
        for entry in resources:
            if not isinstance(entry, str):
                rep.error(rel(kpath, root), f"resources entry is not a string: {entry!r}")
                continue
            if re.match(r"^[a-z][a-z0-9+.-]*://", entry) or entry.startswith(("github.com/", "git@")):
                rep.error(rel(kpath, root), f"remote resource {entry!r}: the rendered tree must be self-contained")
                continue
            norm = os.path.normpath(entry)
            if norm in listed:
                rep.error(rel(kpath, root), f"resource {entry!r} listed twice")
                continue
            listed[norm] = entry
            if (d / norm).is_dir():
                children.setdefault(d.resolve(), []).append((d / norm).resolve())
            if (d / norm).resolve() in included and norm.startswith(".."):
                continue  # a shared directory a cluster's directory builds with it (kustomize engine)
            if os.sep in norm or norm in (".", "..") or norm.startswith(".."):
                rep.error(rel(kpath, root),
                          f"resource {entry!r} is not a file or subdirectory of this directory "
                          f"(each kustomization lists exactly its own files and subdirectories)")
                continue
            if norm not in present:
                if is_foreign(rel(d / norm, root), foreign):
                    missing_foreign.append(d / norm)
                    continue
                rep.error(rel(kpath, root), f"lists {entry!r}, which does not exist")
        for entry in other:
            p = (d / entry).resolve()
            try:
                p.relative_to(root.resolve())
            except ValueError:
                rep.error(rel(kpath, root), f"references {entry!r} outside the tree")
                continue
            if not p.exists():
                rep.error(rel(kpath, root), f"references {entry!r}, which does not exist")
            else:
                aux_files.add(p)
        aux_here = {os.path.normpath(os.path.relpath(Path(os.path.abspath(d / e)), d)) for e in other}
        for name in sorted(present):
            if name in listed or name in aux_here or name in generated:
                continue
            if is_foreign(rel(d / name, root), foreign):
                continue
            if (d / name).resolve() in roots:
                continue  # reconciled by its own Flux Kustomization; must not be listed twice (see below)
            if any((d / name).resolve() in i.parents for i in included):
                continue  # holds shared directories the clusters' directories list (kustomize engine)
            if (d / name).is_dir() and not any((d / name / k).exists() for k in KUSTOMIZATION_NAMES) \
                    and any((d / name).resolve() in r.parents for r in roots):
                continue  # no listing of its own: it only holds directories the engine applies on their own
            if rel(d, root) == "clusters" and (d / name).is_dir() and len([c for c in d.iterdir() if c.is_dir()]) > 1:
                continue  # several clusters (environments): each is applied on its own, never together
            kind = "directory" if (d / name).is_dir() else "file"
            rep.error(rel(kpath, root), f"{kind} {name!r} is present but not listed in resources")
    return kdirs, aux_files, missing_foreign, children


def check_flux_overlap(root: Path, rep: Report, roots: dict, children: dict):
    """A directory reached (through kustomization resources) from two Flux Kustomization paths is
    applied by both, and the two controllers fight over its objects."""
    reached = {}
    for r, owners in roots.items():
        stack, seen = [r], set()
        while stack:
            d = stack.pop()
            if d in seen:
                continue
            seen.add(d)
            reached.setdefault(d, []).append((r, owners))
            stack.extend(children.get(d, []))
    for d, by in sorted(reached.items()):
        if len(by) > 1:
            names = "; ".join(f"{rel(r, root) if r != root else '.'} ({', '.join(o)})" for r, o in by)
            rep.error(rel(d, root), f"applied by {len(by)} Flux Kustomizations, whose paths both reach it: {names}")


# ----------------------------------------------------------------------------- kustomize

def run_kustomize(root: Path, kdirs, missing_foreign, rep: Report, kubectl: str, jobs: int):
    build_root = root
    tmp = None
    stripped = [d for d in kdirs if engines.has_engine_sections(load_documents(d / "kustomization.yaml")[0])]
    if missing_foreign or stripped:
        # A listed user-owned file (e.g. gotk-components.yaml) that is not in the tree yet:
        # build a copy of the tree with an empty stand-in so the rest is still checked.
        tmp = tempfile.mkdtemp(prefix="conformance-kz-")
        build_root = Path(tmp) / "tree"
        shutil.copytree(root, build_root, symlinks=True)
        for d in stripped:
            kpath = build_root / rel(d, root) / "kustomization.yaml"
            kpath.write_text(yaml.safe_dump(engines.without_engine_sections(load_documents(kpath)[0])))
        if stripped:
            print(f"NOTE  {len(stripped)} dir(s) with KSOPS generators or helmCharts "
                  f"({', '.join(rel(d, root) for d in stripped[:4])}{' ...' if len(stripped) > 4 else ''}): "
                  f"`kubectl kustomize` builds them without those sections (exec plugins and Helm need "
                  f"flags and the network); the sections are checked by shape", flush=True)
        for p in missing_foreign:
            stub = build_root / rel(p, root)
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text("# stand-in for a user-owned file that is not in the tree\n")
            print(f"NOTE  {rel(p, root)}: listed user-owned (--foreign) file is absent; "
                  f"kustomize runs with an empty stand-in", flush=True)

    def one(d):
        target = build_root / rel(d, root)
        r = subprocess.run([kubectl, "kustomize", str(target)], capture_output=True, text=True,
                           timeout=300)
        return d, r.returncode, r.stderr, r.stdout

    try:
        with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
            results = list(ex.map(one, kdirs))
        failed = {d for d, rc, _e, _o in results if rc != 0}
        for d, rc, err, _out in results:
            if rc == 0:
                continue
            below = sorted(f for f in failed if d in f.parents
                           and not any(f in g.parents for g in failed))
            if below:
                rep.error(rel(d, root), "`kubectl kustomize` failed (because of failing "
                          + ", ".join(rel(f, root) for f in below[:3]) + (" ..." if len(below) > 3 else "")
                          + ", see there)")
                continue
            msg = err.strip().replace(str(build_root), "<tree>") or f"exit {rc}"
            msg = KLOG_PREFIX.sub("", msg)
            rep.error(rel(d, root), "`kubectl kustomize` failed:\n    " + msg.replace("\n", "\n    "))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------- objects

class K8sValidator:
    """kubernetes-validate's bundled strict schemas for one Kubernetes version, as validators that
    report every error (kubernetes_validate.utils.validate stops at the first)."""

    def __init__(self, version: str):
        self.version = version
        all_v = kv_utils.all_versions()
        cands = [v for v in all_v if kv_utils.major_minor(v) == version]
        if not cands:
            raise SystemExit(f"conformance: kubernetes-validate {getattr(kv_utils, '__version__', '?')} "
                             f"has no schemas for Kubernetes {version} (has {all_v[0]}..{all_v[-1]})")
        self.schema_dir = f"v{cands[-1]}-local-strict"
        defs = kv_utils.schema_contents(f"kubernetes-json-schema/{self.schema_dir}/_definitions.json", version)
        self.registry = Resource.from_contents(defs) @ Registry()
        self._cache = {}
        self.objectmeta = jsonschema.Draft202012Validator(
            {"$ref": "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
            registry=self.registry)

    def validator(self, api_version: str, kind: str):
        key = (api_version, kind)
        if key not in self._cache:
            # same file naming as kubernetes_validate.utils.validate
            api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
            fname = f"kubernetes-json-schema/{self.schema_dir}/{kind.lower()}-{api}.json"
            try:
                schema = kv_utils.schema_contents(fname, self.version)
            except FileNotFoundError:
                self._cache[key] = None
            else:
                reg = Resource.from_contents(schema) @ self.registry
                self._cache[key] = jsonschema.Draft202012Validator(schema, registry=reg)
        return self._cache[key]


def enc_paths(obj, path=()):
    """Paths of ENC[...] values; replaces non-string ENC values by a typed stand-in."""
    found = []
    if isinstance(obj, dict):
        for k in list(obj):
            v = obj[k]
            if isinstance(v, str) and ENC_RE.match(v):
                found.append(path + (k,))
                obj[k] = _standin(v)
            else:
                found += enc_paths(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            if isinstance(v, str) and ENC_RE.match(v):
                found.append(path + (i,))
                obj[i] = _standin(v)
            else:
                found += enc_paths(v, path + (i,))
    return found


def _standin(enc: str):
    t = ENC_RE.match(enc).group(1)
    return {"int": 0, "float": 0.5, "bool": False}.get(t, enc)


def has_enc(obj) -> bool:
    if isinstance(obj, str):
        return bool(ENC_RE.match(obj))
    if isinstance(obj, dict):
        return any(has_enc(v) for v in obj.values())
    if isinstance(obj, list):
        return any(has_enc(v) for v in obj)
    return False


def short(msg: str, n=400) -> str:
    msg = " ".join(msg.split())
    return msg if len(msg) <= n else msg[: n - 3] + "..."


def schema_errors(validator, instance, skip_paths, prefix=()):
    out = []
    for err in validator.iter_errors(instance):
        path = tuple(prefix) + tuple(err.absolute_path)
        if path in skip_paths:
            continue
        out.append((path, err))
    out.sort(key=lambda pe: [str(x) for x in pe[0]])
    return out


def check_metadata_syntax(where, obj, kind, rep: Report, namespaced):
    md = obj.get("metadata")
    if not isinstance(md, dict):
        rep.error(where, "metadata must be a mapping")
        return
    name = md.get("name")
    if not isinstance(name, str) or not name:
        rep.error(where, "metadata.name is required (generateName is not allowed in a GitOps tree)")
    else:
        if kind == "Namespace":
            ok, rule = DNS1123_LABEL.match(name) and len(name) <= 63, "an RFC 1123 label (<=63 chars, [a-z0-9-])"
        elif kind == "Service":
            ok, rule = DNS1035_LABEL.match(name) and len(name) <= 63, "an RFC 1035 label (<=63 chars, starts with a letter)"
        elif kind in RBAC_KINDS:
            ok, rule = name not in (".", "..") and "/" not in name and "%" not in name, "a valid path segment"
        else:
            ok, rule = DNS1123_SUBDOMAIN.match(name) and len(name) <= 253, "an RFC 1123 subdomain (<=253 chars, [a-z0-9.-])"
        if not ok:
            rep.error(where, f"metadata.name {name!r} is not {rule}")
    ns = md.get("namespace")
    if ns is not None:
        if namespaced is False:
            rep.error(where, f"{kind} is cluster-scoped but has metadata.namespace {ns!r}")
        if not isinstance(ns, str) or not DNS1123_LABEL.match(ns) or len(ns) > 63:
            rep.error(where, f"metadata.namespace {ns!r} is not an RFC 1123 label")
    elif namespaced:
        rep.warn(where, f"namespaced {kind} without metadata.namespace (it lands wherever it is applied)")
    for field, value_check in (("labels", True), ("annotations", False)):
        m = md.get(field)
        if m is None:
            continue
        if not isinstance(m, dict):
            continue  # type error is reported by the schema
        for k, v in m.items():
            if not _qualified_key_ok(k):
                rep.error(where, f"metadata.{field} key {k!r} is not a valid qualified name "
                                 f"([prefix/]name, name <=63 chars [A-Za-z0-9-_.], prefix a DNS subdomain)")
            if value_check and isinstance(v, str) and (len(v) > 63 or not LABEL_VALUE.match(v)):
                rep.error(where, f"label {k}={v!r}: value must be <=63 chars of [A-Za-z0-9-_.], "
                                 f"starting and ending alphanumeric")
            if not isinstance(v, str):
                rep.error(where, f"metadata.{field}[{k!r}] must be a string, got {type(v).__name__} {v!r} "
                                 f"(quote it in YAML)")


def _qualified_key_ok(k) -> bool:
    if not isinstance(k, str):
        return False
    prefix, _, name = k.rpartition("/")
    if "/" in prefix:
        return False
    if prefix and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        return False
    return len(name) <= 63 and bool(QUALIFIED_NAME.match(name))


def find_nulls(obj, path=()):
    if obj is None:
        return [path]
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += find_nulls(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += find_nulls(v, path + (i,))
    return out


def validate_objects(root, rep, args, crds: CRDIndex, k8s: K8sValidator, aux_files):
    foreign = set(args.foreign)
    allow_multi = set(args.allow_multidoc) | foreign
    objects = []  # (relpath, doc_index, obj)
    counts = {}
    cel_kinds = {}
    for path in walk_files(root):
        rp = rel(path, root)
        if path.name in KUSTOMIZATION_NAMES:
            continue
        if path.resolve() in aux_files:
            continue  # a patch / generator input, not an object of the tree
        if not path.name.endswith(YAML_SUFFIXES):
            if not path.name.endswith(".json"):
                continue  # layout check reports unlisted non-YAML files
        foreign_file = is_foreign(rp, foreign)
        if foreign_file and args.skip_foreign_objects:
            continue
        try:
            docs = load_documents(path)
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            rep.error(rp, f"invalid YAML: {short(str(e))}")
            continue
        if not docs:
            rep.error(rp, "file holds no object")
            continue
        if len(docs) > 1 and not is_foreign(rp, allow_multi):
            rep.error(rp, f"{len(docs)} documents in one file; the contract is one object per file")
        for i, doc in enumerate(docs):
            where = rp if len(docs) == 1 else f"{rp}#{i}"
            if is_kustomization_doc(doc):
                continue
            if not isinstance(doc, dict):
                rep.error(where, f"document is a {type(doc).__name__}, not a mapping")
                continue
            objects.append((where, doc))

    seen_ids = {}
    for where, doc in objects:
        obj = copy.deepcopy(doc)
        skip = set()
        if is_sops_doc(obj):
            sops_md = obj.pop("sops")
            for k in ("mac", "lastmodified", "version"):
                if k not in sops_md:
                    rep.error(where, f"sops metadata has no {k!r}")
            skip = set(enc_paths(obj))
            if not skip and not sops_md.get("mac_only_encrypted"):
                rep.warn(where, "sops file without any ENC[...] value")
        elif "sops" in obj:
            rep.error(where, "top-level `sops` key that is not a mapping")
            obj.pop("sops")
        elif has_enc(obj):
            rep.error(where, "ENC[...] value in a file without sops metadata (would be applied verbatim)")
            skip = set(enc_paths(obj))
        api = obj.get("apiVersion")
        kind = obj.get("kind")
        if not isinstance(api, str) or not api or not isinstance(kind, str) or not kind:
            rep.error(where, "object needs string apiVersion and kind")
            continue
        group, version = split_api_version(api)
        entry = crds.lookup(group, version, kind)
        label = f"{kind} {api}"
        if entry is not None:
            counts[(api, kind, "crd")] = counts.get((api, kind, "crd"), 0) + 1
            if entry.get("deprecated"):
                rep.warn(where, f"{label} is a deprecated version"
                         + (f": {entry['deprecationWarning']}" if entry.get("deprecationWarning") else ""))
            if not entry.get("served", True):
                rep.error(where, f"{label} is not served by the upstream CRD")
            validator, stats = crds.validator(entry)
            if stats.cel_rules:
                cel_kinds[label] = stats.cel_rules
            errs = schema_errors(validator, obj, skip)
            md = obj.get("metadata")
            if isinstance(md, dict):
                errs += schema_errors(k8s.objectmeta, md, skip, prefix=("metadata",))
            for p, e in errs:
                rep.error(where, f"{label}: {fmt_path(p)}: {short(e.message)}")
            namespaced = entry.get("scope") == "Namespaced"
        elif group in BUILTIN_GROUPS:
            v = k8s.validator(api, kind)
            if v is None:
                rep.error(where, f"unknown kind: {label} is not a built-in kind of Kubernetes {K8S_VERSION} "
                                 f"(kubernetes-validate has no schema for it)")
                continue
            counts[(api, kind, "k8s")] = counts.get((api, kind, "k8s"), 0) + 1
            for p, e in schema_errors(v, obj, skip):
                rep.error(where, f"{label}: {fmt_path(p)}: {short(e.message)}")
            nulls = [n for n in find_nulls(obj) if n not in skip]
            for n in nulls[:5]:
                rep.warn(where, f"{fmt_path(n)} is null (the API server drops it; omit the field instead)")
            namespaced = kind not in CLUSTER_SCOPED_BUILTIN
        else:
            known = sorted(f"{g}/{v}" for (g, k), vs in crds.kinds.items() if k == kind for v in vs)
            hint = f" (the index has {kind} in other groups/versions: {known})" if known else ""
            if group in crds.groups:
                versions = crds.kinds.get((group, kind))
                if versions:
                    rep.error(where, f"{label}: version {version!r} is not in the CRD index "
                                     f"(known versions of {group}/{kind}: {sorted(versions)})")
                else:
                    rep.error(where, f"unknown kind: {label} — group {group!r} is in the CRD index "
                                     f"but has no kind {kind!r}")
            else:
                rep.error(where, f"unknown kind: {label} is neither built into Kubernetes {K8S_VERSION} "
                                 f"nor in the CRD index{hint}")
            continue
        check_metadata_syntax(where, obj, kind, rep, namespaced)
        md = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        oid = (group, kind, md.get("namespace") if namespaced else None, md.get("name"))
        # Several clusters (environments) each hold their own copy of an object; within one
        # cluster, and between a cluster and the shared directories, an id is unique.
        scope = cluster_scope(where)
        clash = [w for sc, w in seen_ids.get(oid, []) if sc == scope or sc is None or scope is None]
        if clash:
            rep.error(where, f"duplicate object {kind} {oid[2] + '/' if oid[2] else ''}{oid[3]} "
                             f"(also in {clash[0]})")
        seen_ids.setdefault(oid, []).append((scope, where))
        if "status" in obj:
            rep.warn(where, "object carries a `status` (ignored by the API server; generators should omit it)")
    return objects, counts, cel_kinds


def cluster_scope(where: str):
    """`clusters/<name>/...` belongs to that cluster; anything else is shared by all."""
    parts = str(where).split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "clusters" else None


# ----------------------------------------------------------------------------- Flux references

def check_flux_refs(root: Path, objects, rep: Report, prefix: str):
    index = {}
    for where, o in objects:
        if not isinstance(o, dict):
            continue
        md = o.get("metadata") or {}
        if not isinstance(md, dict):
            continue
        index.setdefault((o.get("kind"), md.get("namespace"), md.get("name")), where)
    for where, o in objects:
        group, _ = split_api_version(str(o.get("apiVersion", "")))
        kind = o.get("kind")
        md = o.get("metadata") if isinstance(o.get("metadata"), dict) else {}
        spec = o.get("spec") if isinstance(o.get("spec"), dict) else {}
        ns = md.get("namespace")
        if group == "kustomize.toolkit.fluxcd.io" and kind == "Kustomization":
            p = spec.get("path")
            src = spec.get("sourceRef") or {}
            if isinstance(p, str) and src.get("kind") in ("GitRepository", None):
                target, why = flux_path_target(root, p, prefix)
                if target is None:
                    rep.error(where, why)
                else:
                    if not target.is_dir():
                        rep.error(where, f"spec.path {p!r} is not a directory of the tree "
                                         f"(resolved against the tree root; see --flux-path-prefix)")
                    elif not (target / "kustomization.yaml").exists():
                        rep.warn(where, f"spec.path {p!r} has no kustomization.yaml (Flux would generate one)")
            if src.get("name") and (src.get("kind"), src.get("namespace", ns), src.get("name")) not in index:
                rep.warn(where, f"sourceRef {src.get('kind')}/{src.get('namespace', ns)}/{src.get('name')} "
                                f"is not in the tree (created by bootstrap?)")
            for dep in spec.get("dependsOn") or []:
                if isinstance(dep, dict) and ("Kustomization", dep.get("namespace", ns), dep.get("name")) not in index:
                    rep.error(where, f"dependsOn Kustomization {dep.get('namespace', ns)}/{dep.get('name')} "
                                     f"does not exist in the tree")
        if group == "helm.toolkit.fluxcd.io" and kind == "HelmRelease":
            for dep in spec.get("dependsOn") or []:
                if isinstance(dep, dict) and ("HelmRelease", dep.get("namespace", ns), dep.get("name")) not in index:
                    rep.error(where, f"dependsOn HelmRelease {dep.get('namespace', ns)}/{dep.get('name')} "
                                     f"does not exist in the tree")
            chart = ((spec.get("chart") or {}).get("spec") or {}) if isinstance(spec.get("chart"), dict) else {}
            src = chart.get("sourceRef") or spec.get("chartRef") or {}
            if isinstance(src, dict) and src.get("name") and \
                    (src.get("kind"), src.get("namespace", ns), src.get("name")) not in index:
                rep.warn(where, f"chart source {src.get('kind')}/{src.get('namespace', ns)}/{src.get('name')} "
                                f"is not in the tree")


# ----------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("tree", type=Path, help="rendered tree (e.g. out/)")
    ap.add_argument("--schemas", type=Path, default=DEFAULT_SCHEMAS,
                    help=f"CRD schema dir with index.json (default {DEFAULT_SCHEMAS})")
    ap.add_argument("--foreign", action="append", default=[], metavar="NAME",
                    help="user-owned file (basename or tree-relative path) that may be present and/or "
                         "listed, and may hold several documents (e.g. gotk-components.yaml); repeatable")
    ap.add_argument("--skip-foreign-objects", action="store_true",
                    help="do not validate the objects inside --foreign files")
    ap.add_argument("--allow-multidoc", action="append", default=[], metavar="NAME",
                    help="file allowed to hold several documents; repeatable")
    ap.add_argument("--exempt-dir", action="append", default=[], metavar="RELDIR",
                    help="tree-relative directory that needs no kustomization.yaml (e.g. '.'); repeatable")
    ap.add_argument("--flux-path-prefix", default="",
                    help="prefix of Flux Kustomization spec.path that maps to TREE_DIR (e.g. ./out)")
    ap.add_argument("--no-kustomize", action="store_true", help="skip the `kubectl kustomize` builds")
    ap.add_argument("--kubectl", default=os.environ.get("KUBECTL", "kubectl"))
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 2),
                    help="parallel kubectl kustomize runs")
    ap.add_argument("-q", "--quiet", action="store_true", help="print errors only (no warnings/notes)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print per-kind counts")
    args = ap.parse_args(argv)

    root = args.tree
    if not root.is_dir():
        print(f"conformance: ERROR: {root} is not a directory")
        print("conformance: 0 objects, 0 dirs, 1 errors")
        return 2
    root = root.resolve()
    if not (args.schemas / "index.json").is_file():
        print(f"conformance: ERROR: CRD schemas not found: {args.schemas}/index.json is missing. "
              f"They live in shared/schemas/crds (CI has ../shared); pass --schemas DIR.")
        print("conformance: 0 objects, 0 dirs, 1 errors")
        return 2
    if not args.no_kustomize and shutil.which(args.kubectl) is None:
        print(f"conformance: ERROR: `{args.kubectl}` not found on PATH (needed for `kubectl kustomize`; "
              f"the machine image has /usr/bin/kubectl). Use --no-kustomize to skip that check.")
        print("conformance: 0 objects, 0 dirs, 1 errors")
        return 2

    rep = Report(quiet=args.quiet)
    crds = CRDIndex(args.schemas)
    k8s = K8sValidator(K8S_VERSION)
    foreign = set(args.foreign)
    exempt = {os.path.normpath(e) if e not in (".", "") else "." for e in args.exempt_dir}

    dirs = walk_dirs(root)
    roots = flux_roots(root, args.flux_path_prefix)
    for d, owners in engines.argo_roots(root, args.flux_path_prefix).items():
        roots.setdefault(d, []).extend(owners)
    kdirs, aux, missing_foreign, children = check_layout(root, rep, foreign, exempt, roots)
    check_flux_overlap(root, rep, roots, children)
    # layout errors for non-YAML stray files are covered above; now kustomize + objects
    if not args.no_kustomize and kdirs:
        run_kustomize(root, kdirs, missing_foreign, rep, args.kubectl, args.jobs)
        engines.check_helm_calls(root, kdirs, rep, args.kubectl)
    objects, counts, cel = validate_objects(root, rep, args, crds, k8s, aux)
    check_flux_refs(root, objects, rep, args.flux_path_prefix)
    engines.check_argo_refs(root, rep, args.flux_path_prefix)

    if args.verbose:
        for (api, kind, how), n in sorted(counts.items()):
            print(f"  {n:4d}  {kind:28s} {api:40s} {'kubernetes-validate 1.33 strict' if how == 'k8s' else 'CRD openAPIV3Schema'}")
    if cel and not args.quiet:
        total = sum(cel.values())
        print(f"NOTE  {total} CEL rule(s) (x-kubernetes-validations) in the schemas of "
              f"{', '.join(sorted(cel))} are not evaluated")
    nobj = len(objects)
    print(f"conformance: {len(rep.warnings)} warnings, {len(kdirs)} kustomize builds")
    print(f"conformance: {nobj} objects, {len(dirs)} dirs, {len(rep.errors)} errors")
    return 0 if not rep.errors else 1


if __name__ == "__main__":
    sys.exit(main())
