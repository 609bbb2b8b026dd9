#!/usr/bin/env python3
"""Spiral waves in a 2-D excitable medium: the Barkley model.

    du/dt = u (1 - u) (u - (v + b) / a) / eps + D lap(u)
    dv/dt = u - v

u is the fast excitation variable, v the slow recovery variable. A broken wave front
curls into a rotating spiral; depending on a, b and eps the spiral rotates rigidly,
meanders, or fails to propagate at all (D. Barkley, Physica D 49 (1991) 61-70).

Reads its parameters from an INI file: $TUPLET_CONFIG, else the first argument, else
./config.ini. Writes spiral.png (u in warm colours, v in cool ones) and metrics.json
(one flat JSON object) in the current directory, and prints progress to stdout.
Standard library only.
"""

import configparser
import json
import math
import os
import struct
import sys
import time
import zlib

# name: (section, default, minimum, maximum, type)
PARAMETERS = {
    "a": ("model", 0.75, 0.01, 5.0, float),
    "b": ("model", 0.02, 0.0, 1.0, float),
    "eps": ("model", 0.02, 1e-4, 1.0, float),
    "diffusion": ("model", 1.0, 0.0, 100.0, float),
    "size": ("grid", 40, 8, 1024, int),
    "h": ("grid", 0.7, 1e-3, 100.0, float),
    "dt": ("time", 0.1, 1e-6, 10.0, float),
    "steps": ("time", 200, 1, 10_000_000, int),
    "scale": ("output", 6, 1, 16, int),
}


class BadParameter(Exception):
    pass


def read_parameters(path):
    parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    try:
        with open(path, encoding="utf-8") as config:
            parser.read_file(config, source=path)
    except OSError as error:
        raise BadParameter(f"cannot read the configuration {path}: {error.strerror}")
    except configparser.Error as error:
        raise BadParameter(f"{path} is not a valid INI file: {error}")
    known = {(section, name) for name, (section, *_rest) in PARAMETERS.items()}
    for section in parser.sections():
        for name in parser.options(section):
            if (section, name) not in known:
                print(f"spiral: ignoring unknown parameter [{section}] {name}", file=sys.stderr)
    params = {}
    for name, (section, default, low, high, kind) in PARAMETERS.items():
        text = parser.get(section, name, fallback=None) if parser.has_section(section) else None
        if text is None:
            params[name] = default
            continue
        try:
            value = kind(text.strip().strip('"'))
        except ValueError:
            raise BadParameter(f"[{section}] {name} = {text!r} is not {'an integer' if kind is int else 'a number'}")
        if not (low <= value <= high) or (kind is float and not math.isfinite(value)):
            raise BadParameter(f"[{section}] {name} = {value} is outside [{low}, {high}]")
        params[name] = value
    # Explicit diffusion is stable only for dt <= h^2 / (4 D).
    limit = params["h"] ** 2 / (4 * params["diffusion"]) if params["diffusion"] > 0 else math.inf
    if params["dt"] > limit:
        raise BadParameter(f"[time] dt = {params['dt']} is unstable: it must be <= h^2/(4 D) = {limit:.4g}")
    return params


def initial_state(n):
    """A broken plane wave: an excited stripe with refractory tissue behind its upper half."""
    u = [[0.0] * n for _ in range(n)]
    v = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if n // 2 - n // 16 <= j < n // 2 + n // 16 and i >= n // 2:
                u[i][j] = 1.0
            if n // 2 - n // 4 <= j < n // 2 - n // 16 and i >= n // 2:
                v[i][j] = 0.8
    return u, v


def step(u, v, p):
    """One time step of Barkley's scheme: explicit diffusion with no-flux borders, then the
    reaction semi-implicitly (stable for dt near eps); diffusion first, so the split step
    is stable whenever diffusion alone is. Rows go through zip() over shifted copies,
    several times faster in pure Python than indexing cell by cell."""
    n = len(u)
    inv_a, b_over_a, dt = 1.0 / p["a"], p["b"] / p["a"], p["dt"]
    k = dt / p["eps"]
    dh = p["diffusion"] * dt / (p["h"] * p["h"])
    new_u, new_v = [], []
    for i in range(n):
        row, vrow = u[i], v[i]
        up = u[i - 1] if i > 0 else row
        down = u[i + 1] if i < n - 1 else row
        out = []
        for c, w, l, r, t, d in zip(row, vrow, row[:1] + row[:-1], row[1:] + row[-1:], up, down):
            th = w * inv_a + b_over_a
            c += dh * (l + r + t + d - 4.0 * c)
            if c < th:
                c /= 1.0 - k * (1.0 - c) * (c - th)
            else:
                e = k * c * (c - th)
                c = (c + e) / (1.0 + e)
            out.append(c)
        new_u.append(out)
        new_v.append([w + dt * (c - w) for c, w in zip(row, vrow)])
    return new_u, new_v


def count_tips(u, v, p):
    """Spiral tips: where the u = 1/2 and v = a/2 - b contours cross. Counts the 2x2 cell
    squares both contours pass through, grouped into connected clusters."""
    n = len(u)
    v_level = p["a"] / 2 - p["b"]
    marked = set()
    for i in range(n - 1):
        for j in range(n - 1):
            us = (u[i][j], u[i][j + 1], u[i + 1][j], u[i + 1][j + 1])
            vs = (v[i][j], v[i][j + 1], v[i + 1][j], v[i + 1][j + 1])
            if min(us) < 0.5 <= max(us) and min(vs) < v_level <= max(vs):
                marked.add((i, j))
    clusters = 0
    while marked:
        clusters += 1
        stack = [marked.pop()]
        while stack:
            i, j = stack.pop()
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    if (i + di, j + dj) in marked:
                        marked.remove((i + di, j + dj))
                        stack.append((i + di, j + dj))
    return clusters


def colour(u, v):
    """Excited tissue bright orange, recovering tissue blue, resting tissue near black."""
    u = min(max(u, 0.0), 1.0)
    v = min(max(v, 0.0), 1.0)
    return (
        int(20 + 235 * u),
        int(20 + 150 * u * u + 60 * v * (1 - u)),
        int(40 + 200 * v * (1 - u)),
    )


def write_png(path, u, v, scale):
    n = len(u)
    rows = []
    for i in range(n):
        line = bytearray()
        for j in range(n):
            line += bytes(colour(u[i][j], v[i][j])) * scale
        rows.extend([b"\x00" + bytes(line)] * scale)  # filter type 0 per scanline

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    size = n * scale
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))  # 8-bit RGB
    png += chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as out:
        out.write(png)


def main():
    path = os.environ.get("TUPLET_CONFIG") or (sys.argv[1] if len(sys.argv) > 1 else "config.ini")
    try:
        p = read_parameters(path)
    except BadParameter as error:
        print(f"spiral: {error}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    n, steps, dt = p["size"], p["steps"], p["dt"]
    print(f"Barkley model a={p['a']} b={p['b']} eps={p['eps']} on {n}x{n}, {steps} steps of dt={dt}", flush=True)
    u, v = initial_state(n)
    probe = (n // 4, n // 4)  # where the period is measured
    crossings = []
    previous = u[probe[0]][probe[1]]
    for s in range(1, steps + 1):
        u, v = step(u, v, p)
        current = u[probe[0]][probe[1]]
        if previous < 0.5 <= current:
            crossings.append(s * dt)
        previous = current
        if s % max(1, steps // 5) == 0 or s == steps:
            mean = sum(map(sum, u)) / (n * n)
            print(f"step {s}/{steps}  t={s * dt:.2f}  mean u={mean:.4f}", flush=True)

    cells = n * n
    periods = [later - earlier for earlier, later in zip(crossings, crossings[1:])]
    metrics = {
        "final_time": round(steps * dt, 6),
        "mean_u": round(sum(map(sum, u)) / cells, 6),
        "mean_v": round(sum(map(sum, v)) / cells, 6),
        "excited_fraction": round(sum(c > 0.5 for row in u for c in row) / cells, 6),
        "wave_alive": max(map(max, u)) > 0.5,
        "period": round(sum(periods[-3:]) / len(periods[-3:]), 4) if periods else None,
        "beats_at_probe": len(crossings),
        "tips": count_tips(u, v, p),
    }
    write_png("spiral.png", u, v, p["scale"])
    with open("metrics.json", "w", encoding="utf-8") as out:
        json.dump(metrics, out)
        out.write("\n")
    print(f"wrote spiral.png and metrics.json in {time.perf_counter() - started:.2f} s: {json.dumps(metrics)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
