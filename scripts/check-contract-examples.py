#!/usr/bin/env python3
"""Every example in openapi.yaml validates against the schema it illustrates (JSON Schema 2020-12).

Needs the Python packages pyyaml and jsonschema (`pip install pyyaml jsonschema`). Run by
`make check-contract`; prints each example that does not validate and exits non-zero if any.
"""
import sys

try:
    import yaml
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError as missing:
    sys.exit(f"{missing.name} is missing: pip install pyyaml jsonschema")

spec = yaml.safe_load(open(sys.argv[1] if len(sys.argv) > 1 else "openapi.yaml"))
registry = Registry().with_resource("urn:contract", Resource.from_contents(spec, default_specification=DRAFT202012))


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].split("/")[1:]:
            target = target[part]
        node = target
    return node


def validator(schema):
    if "$ref" in schema:
        schema = {"$ref": "urn:contract#/" + "/".join(schema["$ref"].split("/")[1:])}
    else:  # an inline schema: validated where it stands, so its own $refs resolve against the contract
        spec.setdefault("x-inline", {})["schema"] = schema
        schema = {"$ref": "urn:contract#/x-inline/schema"}
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


checked, failed = 0, 0


def check(where, schema, value):
    global checked, failed
    checked += 1
    errors = list(validator(schema).iter_errors(value))
    if errors:
        failed += 1
        for error in errors[:3]:
            print(f"{where}: at /{'/'.join(map(str, error.absolute_path))}: {error.message[:160]}")


def media(where, content):
    for media_type, entry in (content or {}).items():
        if not isinstance(entry, dict) or "schema" not in entry:
            continue
        if "example" in entry:
            check(f"{where} {media_type} example", entry["schema"], entry["example"])
        for name, example in (entry.get("examples") or {}).items():
            example = resolve(example)
            if "value" in example:
                check(f"{where} {media_type} {name}", entry["schema"], example["value"])


for path, item in spec["paths"].items():
    for method, operation in item.items():
        if not isinstance(operation, dict) or "operationId" not in operation:
            continue
        where = operation["operationId"]
        if "requestBody" in operation:
            media(f"{where} request", resolve(operation["requestBody"]).get("content"))
        for status, response in operation.get("responses", {}).items():
            media(f"{where} {status}", resolve(response).get("content"))
        for parameter in item.get("parameters", []) + operation.get("parameters", []):
            parameter = resolve(parameter)
            if "example" in parameter and "schema" in parameter:
                check(f"{where} parameter {parameter['name']}", parameter["schema"], parameter["example"])
for name, schema in spec["components"]["schemas"].items():
    if "example" in schema:
        check(f"schema {name}", {"$ref": f"#/components/schemas/{name}"}, schema["example"])

print(f"{checked} examples checked, {failed} do not match their schema")
sys.exit(1 if failed else 0)
