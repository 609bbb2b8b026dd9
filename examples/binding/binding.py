#!/usr/bin/env python3
"""Reversible binding A + B <-> C in a well-mixed volume, by tau-leaping.

A tiny stochastic simulator that reads its own model language, in the manner of Smoldyn:
`define NAME value` makes NAME stand for value in every later line (whole words only), and
statements configure the model:

    species A B C                     the species, every count starts at 0
    molecules A 200                   initial count of a species
    reaction bind A + B -> C 0.01     name, reactants -> products, rate constant
    time_step 0.01                    the leap
    time_steps 1000                   how many leaps
    random_seed 7                     the generator's seed (the same seed, the same run)
    output_every 10                   a line of trajectory.csv every so many leaps
    end_file                          the end; nothing after it is read

`#` starts a comment. A reaction has one or two reactants; its propensity is the rate
constant times the product of the reactants' counts. Each leap fires each reaction a
Poisson-distributed number of times, never more than its reactants allow.

Reads the model from the first argument, else $TUPLET_CONFIG, else ./model.txt. Writes
trajectory.csv (time and every count) and metrics.json (final counts, the bound fraction of
the scarcer reactant and the time it first came within 5 % of its final value) in the
current directory. A model it cannot read stops it with exit code 2 and a message naming
the line. Standard library only.
"""

import json
import math
import os
import random
import re
import sys

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ModelError(Exception):
    pass


class Model:
    def __init__(self):
        self.species = []
        self.counts = {}
        self.reactions = []  # (name, reactants, products, rate)
        self.dt = None
        self.steps = None
        self.seed = 0
        self.output_every = 1


def number(text, what, line, kind=float):
    try:
        value = kind(text)
    except ValueError:
        raise ModelError(f"line {line}: {what} {text!r} is not {'an integer' if kind is int else 'a number'}")
    if kind is float and not math.isfinite(value):
        raise ModelError(f"line {line}: {what} {text!r} is not finite")
    if value < 0:
        raise ModelError(f"line {line}: {what} {text} is negative")
    return value


def species_of(model, name, line):
    if name not in model.counts:
        raise ModelError(f"line {line}: unknown species {name!r} (declared: {' '.join(model.species) or 'none'})")
    return name


def read_reaction(model, words, line):
    # reaction NAME R1 [+ R2] -> P1 [+ P2 ...] RATE
    if len(words) < 5 or "->" not in words:
        raise ModelError(f"line {line}: a reaction reads `reaction NAME A + B -> C RATE`")
    arrow = words.index("->")
    reactants = [species_of(model, w, line) for w in words[2:arrow] if w != "+"]
    products = [species_of(model, w, line) for w in words[arrow + 1 : -1] if w != "+"]
    if not 1 <= len(reactants) <= 2:
        raise ModelError(f"line {line}: reaction {words[1]} has {len(reactants)} reactants; 1 or 2 are simulated")
    rate = number(words[-1], f"the rate of reaction {words[1]}", line)
    model.reactions.append((words[1], reactants, products, rate))


def read_model(text):
    model = Model()
    defines = {}
    for line, raw in enumerate(text.splitlines(), start=1):
        content = raw.split("#", 1)[0]
        content = WORD.sub(lambda m: defines.get(m.group(0), m.group(0)), content)
        words = content.split()
        if not words:
            continue
        statement, args = words[0], words[1:]
        if statement == "end_file":
            break
        if statement == "define":
            if len(args) != 2 or not WORD.fullmatch(args[0]):
                raise ModelError(f"line {line}: a definition reads `define NAME value`")
            defines[args[0]] = args[1]
        elif statement == "species":
            for name in args:
                model.species.append(name)
                model.counts[name] = 0
        elif statement == "molecules" and len(args) == 2:
            model.counts[species_of(model, args[0], line)] = number(args[1], f"the count of {args[0]}", line, int)
        elif statement == "reaction":
            read_reaction(model, words, line)
        elif statement == "time_step" and len(args) == 1:
            model.dt = number(args[0], "time_step", line)
        elif statement == "time_steps" and len(args) == 1:
            model.steps = number(args[0], "time_steps", line, int)
        elif statement == "random_seed" and len(args) == 1:
            model.seed = number(args[0], "random_seed", line, int)
        elif statement == "output_every" and len(args) == 1:
            model.output_every = max(1, number(args[0], "output_every", line, int))
        else:
            raise ModelError(f"line {line}: cannot read {raw.strip()!r}")
    if model.dt is None or model.steps is None:
        raise ModelError("the model sets no time_step or no time_steps")
    if not model.reactions:
        raise ModelError("the model has no reaction")
    return model


def poisson(rng, mean):
    """A Poisson draw: Knuth's product of uniforms when small, a rounded normal when large."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def simulate(model, out):
    rng = random.Random(model.seed)
    counts = dict(model.counts)
    out.write(",".join(["time", *model.species]) + "\n")
    history = []
    for step in range(model.steps + 1):
        if step % model.output_every == 0 or step == model.steps:
            time = step * model.dt
            out.write(",".join([f"{time:g}", *(str(counts[s]) for s in model.species)]) + "\n")
            history.append((time, dict(counts)))
        if step == model.steps:
            break
        for _, reactants, products, rate in model.reactions:
            propensity = rate * math.prod(counts[r] for r in reactants)
            fired = min(poisson(rng, propensity * model.dt), *(counts[r] for r in reactants))
            for r in reactants:
                counts[r] -= fired
            for p in products:
                counts[p] += fired
    return counts, history


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TUPLET_CONFIG", "model.txt")
    try:
        with open(path, encoding="utf-8") as source:
            model = read_model(source.read())
    except OSError as error:
        print(f"binding: cannot read the model {path}: {error.strerror}", file=sys.stderr)
        return 2
    except ModelError as error:
        print(f"binding: {path}: {error}", file=sys.stderr)
        return 2
    with open("trajectory.csv", "w", encoding="utf-8") as out:
        final, history = simulate(model, out)
    # The bound fraction of the first reaction's scarcer reactant, and when it settled.
    _, reactants, products, _ = model.reactions[0]
    scarcer = min(reactants, key=lambda s: model.counts[s])
    initial = model.counts[scarcer]
    bound = (initial - final[scarcer]) / initial if initial else 0.0
    settled = next(
        (t for t, c in history if abs(c[scarcer] - final[scarcer]) <= 0.05 * max(initial, 1)),
        history[-1][0],
    )
    metrics = {
        **{f"final_{s}": final[s] for s in model.species},
        "bound_fraction": round(bound, 6),
        "settling_time": round(settled, 6),
        "final_time": round(model.steps * model.dt, 6),
    }
    with open("metrics.json", "w", encoding="utf-8") as out:
        json.dump(metrics, out)
        out.write("\n")
    print(f"binding: t = {metrics['final_time']:g}, {final}, bound fraction {bound:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
