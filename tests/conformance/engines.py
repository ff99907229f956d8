"""Checks for what the Argo CD and kustomize engines add to a tree (used by validate_tree.py).

* KSOPS generators (`generators:` entries of kind `ksops`, apiVersion `viaduct.ai/v1`): the
  shape the KSOPS README gives (metadata.name, the `config.kubernetes.io/function` annotation
  with `exec: path: ksops`, a non-empty `files` list of files in the same directory that are
  SOPS documents). The files they list count as listed by the kustomization and are validated
  as objects like any other file.
* `helmCharts:` entries: the fields `kustomize build --enable-helm` needs (name, repo, version,
  releaseName, namespace; valuesInline a mapping; repo an https:// or oci:// URL).
* `kubectl kustomize` can run neither (exec plugins and Helm need flags and the network), so a
  directory with such sections is built from a copy without them; the sections are checked by
  shape instead, and the report says so.
* Argo CD Applications: a directory source's path must be a directory of the tree with a
  kustomization.yaml, and is a root (applied on its own, so no parent lists it); a Helm source
  needs chart and targetRevision; the sync wave is an integer. Paths are relative to the Git
  repository root, where the tree lives at --flux-path-prefix (as for Flux). A child Application
  (one with a sync wave) carries `resources-finalizer.argocd.argoproj.io`; a Helm source's
  repoURL has no `oci://` scheme (Argo CD reads a URL without host as OCI).
* `helmCharts:` inflated by `kubectl kustomize --enable-helm` with a stand-in helm that records
  its calls: every entry reaches `helm template` with its namespace, `--include-crds`,
  `--skip-tests` and `--no-hooks`.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from common import KUSTOMIZATION_NAMES, YAML_SUFFIXES, is_sops_doc, load_documents, rel, walk_files

KSOPS_API = "viaduct.ai/v1"
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
ENGINE_SECTIONS = ("generators", "helmCharts")


def ksops_inputs(root: Path, d: Path, kdoc: dict, rep) -> set:
    """Files (names in `d`) that the kustomization's KSOPS generators read; reports bad shapes."""
    found = set()
    for entry in kdoc.get("generators") or []:
        where = rel(d / str(entry), root)
        path = d / str(entry)
        try:
            docs = load_documents(path)
        except Exception as e:  # noqa: BLE001 - any unreadable file is the error to report
            rep.error(where, f"generator file cannot be read: {e}")
            continue
        if len(docs) != 1 or not isinstance(docs[0], dict):
            rep.error(where, "a generator file holds exactly one mapping")
            continue
        gen = docs[0]
        if gen.get("apiVersion") != KSOPS_API or gen.get("kind") != "ksops":
            rep.error(where, f"generator is not a KSOPS generator ({gen.get('apiVersion')} {gen.get('kind')})")
            continue
        md = gen.get("metadata") or {}
        if not md.get("name"):
            rep.error(where, "KSOPS generator needs metadata.name")
        function = str((md.get("annotations") or {}).get("config.kubernetes.io/function", ""))
        if not re.search(r"(?m)^exec:\s*$", function) or not re.search(r"(?m)^\s+path:\s*\S+", function):
            rep.error(where, "KSOPS generator needs the config.kubernetes.io/function annotation `exec: path: ksops`")
        files = gen.get("files")
        if not isinstance(files, list) or not files:
            rep.error(where, "KSOPS generator needs a non-empty `files` list")
            continue
        for f in files:
            target = (d / str(f)).resolve()
            if target.parent != d.resolve():
                rep.error(where, f"KSOPS file {f!r} is not a file of this directory")
                continue
            if not target.is_file():
                rep.error(where, f"KSOPS file {f!r} does not exist")
                continue
            docs = load_documents(target)
            if not docs or not all(is_sops_doc(x) for x in docs):
                rep.error(where, f"KSOPS file {f!r} is not SOPS-encrypted (it would be applied as it is)")
            found.add(target.name)
    return found


def check_helm_charts(where: str, kdoc: dict, rep):
    for i, chart in enumerate(kdoc.get("helmCharts") or []):
        at = f"{where}: helmCharts[{i}]"
        if not isinstance(chart, dict):
            rep.error(at, "entry is not a mapping")
            continue
        for key in ("name", "repo", "version", "releaseName", "namespace"):
            if not isinstance(chart.get(key), str) or not chart[key]:
                rep.error(at, f"needs a string `{key}`")
        if not str(chart.get("repo", "")).startswith(("https://", "http://", "oci://")):
            rep.error(at, f"repo {chart.get('repo')!r} is not an https:// or oci:// URL")
        if "valuesInline" in chart and not isinstance(chart["valuesInline"], dict):
            rep.error(at, "valuesInline is not a mapping")


def has_engine_sections(kdoc: dict) -> bool:
    return any(kdoc.get(s) for s in ENGINE_SECTIONS)


def without_engine_sections(kdoc: dict) -> dict:
    out = copy.deepcopy(kdoc)
    for s in ENGINE_SECTIONS:
        out.pop(s, None)
    return out


def _applications(root: Path):
    for path in walk_files(root):
        if not path.name.endswith(YAML_SUFFIXES) or path.name in KUSTOMIZATION_NAMES:
            continue
        try:
            docs = load_documents(path)
        except Exception:  # noqa: BLE001 - the object checks report unreadable files
            continue
        for o in docs:
            if isinstance(o, dict) and o.get("kind") == "Application" and \
                    str(o.get("apiVersion", "")).startswith("argoproj.io/"):
                yield path, o


def source_target(root: Path, p: str, prefix: str):
    """The directory of the tree an Application's source.path names: the path is relative to the
    Git repository root, where the tree lives at `prefix` (--flux-path-prefix); None outside it."""
    rp = p.strip("/").removeprefix("./").rstrip("/")
    pf = prefix.strip("/").removeprefix("./").rstrip("/")
    if pf:
        if rp != pf and not rp.startswith(pf + "/"):
            return None
        rp = rp[len(pf):].lstrip("/")
    return root / rp if rp else root


def argo_roots(root: Path, prefix: str = "") -> dict:
    """{directory: [Application file, ...]} for every Application with a directory source, except
    an Application whose own file lies in that directory (the app of apps reads its own dir)."""
    out = {}
    for path, o in _applications(root):
        src = ((o.get("spec") or {}).get("source") or {})
        p = src.get("path")
        if isinstance(p, str) and not src.get("chart"):
            target = source_target(root, p, prefix)
            if target is None:
                continue
            target = target.resolve()
            if target.is_dir() and target != path.parent.resolve():
                out.setdefault(target, []).append(rel(path, root))
    return out


def check_argo_refs(root: Path, rep, prefix: str = ""):
    for path, o in _applications(root):
        where = rel(path, root)
        spec = o.get("spec") or {}
        src = spec.get("source") or {}
        wave = ((o.get("metadata") or {}).get("annotations") or {}).get(SYNC_WAVE)
        if wave is not None and not re.fullmatch(r"-?\d+", str(wave)):
            rep.error(where, f"sync wave {wave!r} is not an integer")
        if wave is not None and "resources-finalizer.argocd.argoproj.io" not in \
                ((o.get("metadata") or {}).get("finalizers") or []):
            rep.error(where, "child Application without resources-finalizer.argocd.argoproj.io (pruning it orphans its objects)")
        if src.get("chart"):
            if str(src.get("repoURL", "")).startswith("oci://"):
                rep.error(where, "Helm source repoURL with oci://: write host/path and `chart:`")
            if not src.get("targetRevision"):
                rep.error(where, "Helm source without targetRevision (chart version)")
            continue
        p = src.get("path")
        if not isinstance(p, str):
            rep.error(where, "directory source without path")
            continue
        target = source_target(root, p, prefix)
        if target is None:
            rep.error(where, f"source.path {p!r} is not under the tree's place in the repository {prefix!r}")
        elif not target.is_dir():
            rep.error(where, f"source.path {p!r} is not a directory of the tree")
        elif not (target / "kustomization.yaml").is_file():
            rep.error(where, f"source.path {p!r} has no kustomization.yaml")


HELM_STAND_IN = r'''#!/bin/sh
# A stand-in for helm: records its arguments, "pulls" an empty chart, templates nothing.
printf '%s\n' "$*" >> "$HELM_CALLS"
case "$1" in
  version) echo "v3.18.0" ;;
  pull)
    dir=""; chart=""
    while [ $# -gt 0 ]; do
      case "$1" in --untardir) dir="$2"; shift ;; --repo|--version) shift ;; pull|--untar) ;; *) chart="$1" ;; esac
      shift
    done
    mkdir -p "$dir/${chart##*/}/templates"
    printf 'apiVersion: v2\nname: %s\nversion: 0.0.0\n' "${chart##*/}" > "$dir/${chart##*/}/Chart.yaml"
    printf '{}\n' > "$dir/${chart##*/}/values.yaml" ;;
esac
exit 0
'''


def check_helm_calls(root: Path, kdirs, rep, kubectl: str):
    """`kubectl kustomize --enable-helm` of every directory with `helmCharts:`, with a stand-in helm
    that records its calls: each entry must reach `helm template <releaseName>` with its namespace,
    `--include-crds`, `--skip-tests` and `--no-hooks` (no hook would run as Helm runs it: applied as
    ordinary objects, Kyverno's pre-delete Jobs would scale it to zero)."""
    charted = [d for d in kdirs if (load_documents(d / "kustomization.yaml")[0] or {}).get("helmCharts")]
    if not charted:
        return
    with tempfile.TemporaryDirectory(prefix="conformance-helm-") as tmp:
        helm = Path(tmp) / "helm"
        helm.write_text(HELM_STAND_IN)
        helm.chmod(0o755)
        for d in charted:
            copy = Path(tmp) / "tree"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(root, copy, symlinks=True)
            target = copy / rel(d, root)
            kdoc = load_documents(target / "kustomization.yaml")[0]
            kdoc.pop("generators", None)  # KSOPS needs exec plugins; checked by shape above
            (target / "kustomization.yaml").write_text(yaml.safe_dump(kdoc))
            calls = Path(tmp) / "calls.log"
            calls.write_text("")
            r = subprocess.run([kubectl, "kustomize", "--enable-helm", "--helm-command", str(helm), str(target)],
                               capture_output=True, text=True, timeout=300,
                               env={**os.environ, "HELM_CALLS": str(calls)})
            where = rel(d / "kustomization.yaml", root)
            if r.returncode != 0:
                rep.error(where, "`kubectl kustomize --enable-helm` with a stand-in helm failed:\n    "
                          + r.stderr.strip().replace(str(copy), "<tree>"))
                continue
            templates = [c.split() for c in calls.read_text().splitlines() if c.startswith("template ")]
            for chart in kdoc.get("helmCharts") or []:
                release = chart.get("releaseName")
                call = next((c for c in templates if len(c) > 1 and c[1] == release), None)
                if call is None:
                    rep.error(where, f"helmCharts {release!r}: helm template was never called")
                    continue
                for flag in ("--include-crds", "--skip-tests", "--no-hooks"):
                    if flag not in call:
                        rep.error(where, f"helmCharts {release!r}: helm template without {flag}")
                ns = chart.get("namespace")
                if ns and ("--namespace" not in call or call[call.index("--namespace") + 1] != ns):
                    rep.error(where, f"helmCharts {release!r}: helm template without --namespace {ns}")
