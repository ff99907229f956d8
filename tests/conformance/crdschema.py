"""Validate custom resources against upstream CRD openAPIV3Schema, the way the API server would.

The CRD schemas in shared/schemas/crds are OpenAPI v3 *structural* schemas with Kubernetes
extensions. This module turns one into a JSON-Schema (draft 4 semantics, which OpenAPI v3.0
inherits: boolean exclusiveMinimum/Maximum) that python-jsonschema can run, applying the
API server's rules:

* unknown fields: wherever a (structural) object schema has `properties` or is a bare
  `type: object`, and neither `additionalProperties` nor `x-kubernetes-preserve-unknown-fields:
  true`, extra fields are an error (the API server prunes them or, with
  fieldValidation=Strict as kubectl/Flux use, rejects them). The rule is NOT applied inside
  allOf/anyOf/oneOf/not, whose branches are value validations only.
* `nullable: true` allows null; without it a null is an error (the API server would prune it,
  which is never what a generator means).
* `x-kubernetes-int-or-string: true` allows integer or string.
* `x-kubernetes-embedded-resource: true` implicitly allows apiVersion/kind/metadata.
* `x-kubernetes-list-type: set` -> items unique; `map` + `x-kubernetes-list-map-keys` -> the
  key tuple is unique (checked by a custom keyword).
* the root always allows apiVersion, kind, metadata; metadata is validated separately
  against Kubernetes' ObjectMeta (see validate_tree.py).

* `format`: date-time (RFC 3339), byte (base64), int32/int64 (range) are checked; other
  formats are not.

Not evaluated (reported as a count): `x-kubernetes-validations` (CEL rules).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from jsonschema import validators

_PASS_THROUGH = (
    "type", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
    "uniqueItems", "minProperties", "maxProperties", "required",
)


class Stats:
    def __init__(self):
        self.cel_rules = 0
        self.formats = set()
        self.bad_patterns = []


def _list_map_keys(validator, keys, instance, schema):
    if not validator.is_type(instance, "array"):
        return
    seen = {}
    for i, item in enumerate(instance):
        if not isinstance(item, dict):
            continue
        tup = tuple(json.dumps(item.get(k), sort_keys=True) for k in keys)
        if tup in seen:
            yield jsonschema.ValidationError(
                f"duplicate entry for list-map keys {keys}: items [{seen[tup]}] and [{i}] "
                f"both have {dict(zip(keys, (item.get(k) for k in keys)))}")
        else:
            seen[tup] = i


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@FORMAT_CHECKER.checks("date-time")
def _date_time(v):
    return not isinstance(v, str) or bool(_RFC3339.match(v))


@FORMAT_CHECKER.checks("byte")
def _byte(v):
    return not isinstance(v, str) or bool(_BASE64.match(v))


@FORMAT_CHECKER.checks("int32")
def _int32(v):
    return not isinstance(v, int) or isinstance(v, bool) or -2**31 <= v < 2**31


@FORMAT_CHECKER.checks("int64")
def _int64(v):
    return not isinstance(v, int) or isinstance(v, bool) or -2**63 <= v < 2**63


CHECKED_FORMATS = {"date-time", "byte", "int32", "int64"}

CRDValidator = validators.extend(
    validators.Draft4Validator,
    {"x-stackc-list-map-keys": _list_map_keys},
)


def convert(node: dict, stats: Stats, structural: bool = True, root: bool = False) -> dict:
    if not isinstance(node, dict):
        return {}
    out = {}
    for k in _PASS_THROUGH:
        if k in node:
            out[k] = node[k]
    if "pattern" in out:
        # Go's RE2 accepts flags after `^` (e.g. ^(?i)...); Python needs them first.
        m = re.match(r"^\^\(\?([aiLmsux]+)\)", out["pattern"])
        if m:
            out["pattern"] = f"(?{m.group(1)})^" + out["pattern"][m.end():]
        try:
            re.compile(out["pattern"])
        except re.error as e:
            stats.bad_patterns.append((out["pattern"], str(e)))
            del out["pattern"]
    if "format" in node:
        stats.formats.add(node["format"])
        if node["format"] in CHECKED_FORMATS:
            out["format"] = node["format"]
    if "x-kubernetes-validations" in node:
        stats.cel_rules += len(node["x-kubernetes-validations"] or [])

    preserve = bool(node.get("x-kubernetes-preserve-unknown-fields"))
    embedded = bool(node.get("x-kubernetes-embedded-resource"))
    nullable = bool(node.get("nullable"))

    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]

    if "items" in node:
        items = node["items"]
        if isinstance(items, list):
            out["items"] = [convert(i, stats, structural) for i in items]
        else:
            out["items"] = convert(items, stats, structural)
    props = dict(node.get("properties") or {})
    if embedded:
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object", "x-kubernetes-preserve-unknown-fields": True})
    if root:
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        # metadata is validated against ObjectMeta separately; here it only has to be an object
        props["metadata"] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    if props:
        out["properties"] = {k: convert(v, stats, structural) for k, v in props.items()}
    if "additionalProperties" in node:
        ap = node["additionalProperties"]
        out["additionalProperties"] = convert(ap, stats, structural) if isinstance(ap, dict) else ap
    for j in ("allOf", "anyOf", "oneOf"):
        if j in node:
            out[j] = [convert(b, stats, structural=False) for b in node[j]]
    if "not" in node:
        out["not"] = convert(node["not"], stats, structural=False)

    lt = node.get("x-kubernetes-list-type")
    if lt == "set":
        out["uniqueItems"] = True
    elif lt == "map" and node.get("x-kubernetes-list-map-keys"):
        out["x-stackc-list-map-keys"] = list(node["x-kubernetes-list-map-keys"])

    is_object = out.get("type") == "object" or "properties" in out
    if (structural and is_object and not preserve and "additionalProperties" not in node):
        out["additionalProperties"] = False

    if nullable:
        t = out.get("type")
        if isinstance(t, str):
            out["type"] = [t, "null"]
        elif isinstance(t, list) and "null" not in t:
            out["type"] = t + ["null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = list(out["enum"]) + [None]
    return out


class CRDIndex:
    """shared/schemas/crds/index.json: (group, version, kind) -> entry, with compiled validators."""

    def __init__(self, schemas_dir: Path):
        self.dir = schemas_dir
        index_path = schemas_dir / "index.json"
        with open(index_path) as fh:
            self.entries = json.load(fh)
        self.by_gvk = {(e["group"], e["version"], e["kind"]): e for e in self.entries}
        self.groups = {e["group"] for e in self.entries}
        self.kinds = {}
        for e in self.entries:
            self.kinds.setdefault((e["group"], e["kind"]), []).append(e["version"])
        self._cache = {}

    def lookup(self, group, version, kind):
        return self.by_gvk.get((group, version, kind))

    def validator(self, entry):
        key = entry["file"]
        if key not in self._cache:
            with open(self.dir / entry["file"]) as fh:
                raw = json.load(fh)
            stats = Stats()
            schema = convert(raw, stats, structural=True, root=True)
            CRDValidator.check_schema(schema)
            self._cache[key] = (CRDValidator(schema, format_checker=FORMAT_CHECKER), stats)
        return self._cache[key]

