"""Shared helpers for the stackc conformance scripts (YAML loading, tree walking, SOPS detection).

Only the standard library and PyYAML; the scripts run inside target/conformance-venv
(created by .ci/setup-tools).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - setup problem, say so clearly
    sys.exit(
        "conformance: PyYAML is not importable. Run `bash .ci/setup-tools` and use "
        "target/conformance-venv/bin/python (or put its bin/ first on PATH)."
    )

YAML_SUFFIXES = (".yaml", ".yml")
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# ENC[AES256_GCM,data:...,iv:...,tag:...,type:str] as written by sops.
ENC_RE = re.compile(r"^ENC\[AES256_GCM,data:[^,\]]*,iv:[^,\]]+,tag:[^,\]]+,type:(str|int|float|bool|bytes|comment)\]$")

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKeyError(yaml.YAMLError):
    pass


class StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that rejects duplicate mapping keys (the API server's sigs.k8s.io/yaml does too)
    and keeps timestamps as strings (Kubernetes never decodes them into time objects)."""


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)  # resolve `<<` merge keys first
    mapping = {}
    first_line = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"unhashable mapping key {key!r}", key_node.start_mark)
        if key in first_line:
            raise DuplicateKeyError(
                f"duplicate key {key!r} at line {key_node.start_mark.line + 1} "
                f"(first at line {first_line[key] + 1})")
        first_line[key] = key_node.start_mark.line
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_documents(path: Path):
    """All non-empty YAML documents of a file. Raises yaml.YAMLError on bad YAML."""
    with open(path, "rb") as fh:
        text = fh.read()
    docs = list(yaml.load_all(text, Loader=StrictLoader))
    return [d for d in docs if d is not None]


def is_hidden(name: str) -> bool:
    return name.startswith(".")


def rel(path: Path, root: Path) -> str:
    r = os.path.relpath(path, root)
    return "." if r == "." else r.replace(os.sep, "/")


def walk_dirs(root: Path):
    """Every non-hidden directory under root (root included), sorted, as Paths."""
    out = []
    for dirpath, dirnames, _files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not is_hidden(d))
        out.append(Path(dirpath))
    return sorted(out)


def walk_files(root: Path):
    """Every non-hidden regular file under non-hidden directories, sorted."""
    out = []
    for dirpath, dirnames, files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not is_hidden(d))
        for f in files:
            if not is_hidden(f):
                out.append(Path(dirpath) / f)
    return sorted(out)


def yaml_files(root: Path):
    return [p for p in walk_files(root) if p.name.endswith(YAML_SUFFIXES)]


def is_kustomization_doc(doc) -> bool:
    if not isinstance(doc, dict):
        return False
    api = str(doc.get("apiVersion", ""))
    return api.startswith("kustomize.config.k8s.io/")


def is_sops_doc(doc) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("sops"), dict)


def has_top_level_sops_key(path: Path) -> bool:
    """True when any document of the file has a top-level `sops:` mapping (YAML) or key (JSON)."""
    try:
        docs = load_documents(path)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        # Fall back to a textual check so a broken-but-encrypted file is still reported.
        try:
            return re.search(rb"(?m)^sops:\s*$", path.read_bytes()) is not None
        except OSError:
            return False
    return any(is_sops_doc(d) for d in docs)


def split_api_version(api_version: str):
    if "/" in api_version:
        group, version = api_version.rsplit("/", 1)
        return group, version
    return "", api_version


def fmt_path(parts) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            p = str(p)
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", p):
                out += ("." if out else "") + p
            else:
                out += f"[{p!r}]"
    return out or "<root>"
