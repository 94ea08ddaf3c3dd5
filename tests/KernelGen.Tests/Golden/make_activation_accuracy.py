#!/usr/bin/env python3
"""The fused activations' accuracy everywhere: exact values (mpmath, 40 digits) and PyTorch's float64 and float32
results on the arguments where formulas lose precision: near 0 (down to the subnormals), in both tails, at the
overflow and underflow edges of exp, at the switch points of KernelGen's piecewise formulas (tanh's 0.625, erfc's 1.5
and 27.3 in units of x/sqrt(2), expm1's 0.5, softplus' and mish's 20), and on a dense grid; NaN and the infinities for the special-value rules.

Writes activation_accuracy.json: {"float": {"arguments": [...], "results": {kind: {"exact": [...], "torch64": {index:
value}, "torch32": {index: value}}}}, "double": {...}}, the float arguments exact in float32, PyTorch's results at the
indices of the non-finite arguments; prints PyTorch's own largest relative error against the exact values. Needs PyTorch and mpmath; the tests only read the JSON.
Run: /usr/bin/python3 make_activation_accuracy.py
"""

import json
import math
import os

import mpmath
import numpy as np
import torch
import torch.nn.functional as F

from golden_format import value

mpmath.mp.dps = 40

EXACT = {
    "Relu": lambda x: max(x, 0),
    "LeakyRelu": lambda x: x if x > 0 else x * mpmath.mpf("0.01"),
    "Relu6": lambda x: min(max(x, 0), 6),
    "Tanh": mpmath.tanh,
    "Sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
    "Silu": lambda x: x / (1 + mpmath.exp(-x)),
    # past |x| = 1e4, erfc(-x/sqrt(2)) is 2 or below 1e-10^7: x, or 0 with x's sign (mpmath's own guard overflows there)
    "Gelu": lambda x: x / 2 * mpmath.erfc(-x / mpmath.sqrt(2)) if abs(x) < 1e4 else (x if x > 0 else mpmath.mpf(0)),
    # x/2 (1 + tanh(u)) = x / (1 + exp(-2u)), the form that keeps its precision in the negative tail
    "GeluTanh": lambda x: x / (1 + mpmath.exp(-2 * mpmath.sqrt(2 / mpmath.pi) * (x + mpmath.mpf("0.044715") * x ** 3))),
    "Elu": lambda x: x if x > 0 else mpmath.expm1(x),
    # PyTorch's definition: x itself above its threshold of 20
    "Softplus": lambda x: x if x > 20 else mpmath.log1p(mpmath.exp(x)),
    "Mish": lambda x: x * mpmath.tanh(mpmath.log1p(mpmath.exp(x))),
}

TORCH = {
    "Relu": F.relu,
    "LeakyRelu": lambda t: F.leaky_relu(t, 0.01),
    "Relu6": F.relu6,
    "Tanh": torch.tanh,
    "Sigmoid": torch.sigmoid,
    "Silu": F.silu,
    "Gelu": F.gelu,
    "GeluTanh": lambda t: F.gelu(t, approximate="tanh"),
    "Elu": F.elu,
    "Softplus": F.softplus,
    "Mish": F.mish,
}


def arguments(dtype):
    tiny = -45 if dtype == np.float32 else -323
    magnitudes = [10.0 ** (k / 4) for k in range(tiny * 4, 4)]
    magnitudes += [1.7e-4, 7e-6, 1e-3, 1e-8]
    magnitudes += [i / 64 for i in range(1, 20 * 64)]
    magnitudes += [20 + i / 2 for i in range(0, 201)] + [1e3, 1e4, 1e6, 1e13, 1e19, 1e30, 3.4e38]
    if dtype == np.float64:
        magnitudes += [700, 708, 709.7, 710, 745, 746, 1e100, 1e300, 5e-324]
    # switch points and edges: tanh's 0.625, erfc's 1.5 and 27.3 (x = -z sqrt(2)), exp's float range, expm1's 0.5,
    # softplus' and mish's threshold of 20
    edges = [0.625, 1.5 * math.sqrt(2), 27.3 * math.sqrt(2), 88.72283935546875, 87.33654022216797, 103.97, 104.0, 8.3, 5.9, 0.5, 20.0]
    for e in edges:
        v = dtype(e)
        for step in range(-3, 4):
            w = v
            for _ in range(abs(step)):
                w = np.nextafter(w, dtype(np.inf) if step > 0 else dtype(-np.inf))
            magnitudes.append(float(w))
    values = sorted({float(dtype(m)) for m in magnitudes if float(dtype(m)) > 0})
    return [0.0, -0.0] + values + [-v for v in values] + [math.inf, -math.inf, math.nan]


def exact(kind, x):
    if math.isnan(x) or math.isinf(x):
        return float("nan")  # the special values are judged against PyTorch
    return float(EXACT[kind](mpmath.mpf(x)))


def report(kind, dtype, xs, ys, torch_ys):
    normal = np.finfo(dtype).tiny
    worst, at = 0.0, 0.0
    for x, y, t in zip(xs, ys, torch_ys):
        if math.isfinite(x) and abs(y) >= normal:
            e = abs(t - y) / abs(y)
            if e > worst:
                worst, at = e, x
    print(f"PyTorch {np.dtype(dtype).name} {kind}: largest relative error {worst:.2e} at x = {at!r}")


def section(dtype):
    xs = arguments(dtype)
    results = {}
    for kind in EXACT:
        t64 = TORCH[kind](torch.tensor(xs, dtype=torch.float64))
        t32 = TORCH[kind](torch.tensor(xs, dtype=torch.float32))
        ys = [exact(kind, x) for x in xs]
        # PyTorch's own error against the exact values, for the README's table (its float64 GELU returns 0 below -8.3)
        report(kind, dtype, xs, ys, t64.tolist() if dtype == np.float64 else t32.tolist())
        special = [i for i, x in enumerate(xs) if not math.isfinite(x)]
        results[kind] = {
            "exact": [value(y) for y in ys],
            "torch64": {str(i): value(t64[i].item()) for i in special},
            "torch32": {str(i): value(t32[i].item()) for i in special},
        }
    return {"arguments": [value(x) for x in xs], "results": results}


if __name__ == "__main__":
    data = {"generator": "make_activation_accuracy.py (mpmath " + mpmath.__version__ + ", torch " + torch.__version__ + ")",
            "float": section(np.float32), "double": section(np.float64)}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "activation_accuracy.json"), "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(len(data["float"]["arguments"]), "float arguments,", len(data["double"]["arguments"]), "double arguments")
