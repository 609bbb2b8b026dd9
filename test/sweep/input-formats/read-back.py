# Reads rendered inputs back with each format's reference parser and prints, per file, one
# JSON line of {name: [type, value]} (floats as repr, so JavaScript compares the same double).
# Usage: read-back.py FORMAT FILE...
import json, sys, tomllib

import f90nml, yaml


def typed(value):
    if isinstance(value, bool):
        return ["boolean", value]
    if isinstance(value, int):
        return ["integer", str(value)]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, str):
        return ["string", value]
    raise TypeError(f"unexpected {type(value).__name__}: {value!r}")


def flatten(tree):
    out = {}
    for name, value in tree.items():
        if isinstance(value, dict):
            for key, inner in value.items():
                out[f"{name}.{key}"] = typed(inner)
        else:
            out[name] = typed(value)
    return out


def elements(path, sep="="):
    with open(path, "rb") as f:
        data = f.read().decode()
    assert data.endswith("\0"), path
    return dict(item.split(sep, 1) for item in data[:-1].split("\0"))


format = sys.argv[1]
for path in sys.argv[2:]:
    if format == "json":
        with open(path) as f:
            tree = json.load(f)
    elif format == "toml":
        with open(path, "rb") as f:
            tree = tomllib.load(f)
    elif format == "yaml":
        with open(path) as f:
            tree = yaml.safe_load(f)
    elif format == "namelist":
        tree = {group: dict(values) for group, values in f90nml.read(path).items()}
    elif format in ("args", "env"):
        tree = elements(path)
    elif format == "template":  # the example's model language: `define NAME value`
        with open(path) as f:
            tree = dict(line.split(" ", 2)[1:] for line in f.read().splitlines() if line.startswith("define "))
    print(json.dumps(flatten(tree)))
