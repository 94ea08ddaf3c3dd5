#!/usr/bin/env python3
"""Reference cases for the fused activations, computed by PyTorch.

Every activation after each weighted operator, in a small layer (fully unrolled) and a large one (loops and vectors),
float32, and a few in float64; inputs and biases large enough to reach the flat parts of tanh, sigmoid and GELU, and
NaN and infinities in the input, which the activation must carry as PyTorch does (relu(-inf) = 0, silu(-inf) = NaN,
relu6(inf) = 6).

Writes activations.json in the format of the shared golden files, with params "activation" (KernelGen's member name)
and "constants" (the activation's properties given, such as NegativeSlope, Alpha, Min and Max). Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_activations.py
"""

import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 909
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

# Each activation from the case's constants (KernelGen's property names): NegativeSlope, Alpha, Min, Max.
ACTIVATIONS = {
    "Relu": lambda t, c: F.relu(t),
    "LeakyRelu": lambda t, c: F.leaky_relu(t, c.get("NegativeSlope", 0.01)),
    "Relu6": lambda t, c: F.relu6(t),
    "Tanh": lambda t, c: torch.tanh(t),
    "Sigmoid": lambda t, c: torch.sigmoid(t),
    "Silu": lambda t, c: F.silu(t),
    "Gelu": lambda t, c: F.gelu(t),
    "GeluTanh": lambda t, c: F.gelu(t, approximate="tanh"),
    "HardSigmoid": lambda t, c: F.hardsigmoid(t),
    "HardSwish": lambda t, c: F.hardswish(t),
    "Elu": lambda t, c: F.elu(t, c.get("Alpha", 1.0)),
    "Softplus": lambda t, c: F.softplus(t),
    "Mish": lambda t, c: F.mish(t),
    "Clamp": lambda t, c: torch.clamp(t, c.get("Min"), c.get("Max")),
    "PRelu": lambda t, c: F.prelu(t, torch.tensor(c["slope"], dtype=t.dtype)),
}

# The constants each activation is drawn with where a case does not say: Clamp needs a bound.
DEFAULT_CONSTANTS = {"Clamp": {"Min": -1.5, "Max": 2.0}}


def activation_params(activation, constants):
    """The golden "params" entries of an activation: its name, the constants given (property name to value), and
    PReLU's slopes (a span parameter, not a constant) as "slope"."""
    params = {"activation": activation, "constants": {k: v for k, v in constants.items() if k != "slope"}}
    if "slope" in constants:
        params["slope"] = list(constants["slope"])
    return params


def prelu_slopes(channels, single=False):
    """PReLU's learned slopes: one per channel (nn.PReLU(C)) or one for all (nn.PReLU()), some negative, one zero."""
    if single:
        return {"slope": [0.25]}
    values = (torch.rand(channels) * 0.6 - 0.1).tolist()
    values[0] = 0.0
    return {"slope": values}


def inputs(shape, dtype):
    x = torch.randn(shape, dtype=dtype) * 3
    f = x.view(-1)
    f[1] = float("nan")
    f[f.numel() // 2] = float("inf")
    f[-2] = float("-inf")
    return x


def layer(op, size, dtype):
    """(name, rank, x, w, b, params, pre-activation output) of one operator at one size."""
    large = size == "large"
    if op == "ConvTranspose":
        cin, cout, n = (4, 4, 8) if large else (2, 2, 3)
        x, w, b = inputs([1, cin, n, n], dtype), torch.randn(cin, cout, 4 if large else 3, 4 if large else 3, dtype=dtype), torch.randn(cout, dtype=dtype) * 20
        k, s, p = (4, 2, 1) if large else (3, 2, 0)
        y = F.conv_transpose2d(x, w, b, stride=s, padding=p)
        params = {"kernel": [k, k], "stride": [s, s], "padding": [p, p], "output_padding": [0, 0], "dilation": [1, 1], "groups": 1}
    elif op == "Conv":
        cin, cout, n = (8, 8, 12) if large else (2, 2, 4)
        x, w, b = inputs([1, cin, n, n], dtype), torch.randn(cout, cin, 3, 3, dtype=dtype), torch.randn(cout, dtype=dtype) * 20
        s = 2 if large else 1
        y = F.conv2d(x, w, b, stride=s, padding=1)
        params = {"kernel": [3, 3], "stride": [s, s], "padding": [1, 1], "dilation": [1, 1], "groups": 1}
    else:
        cin, cout, n = (16, 8, 8) if large else (3, 2, 3)
        x, w, b = inputs([1, cin, n, n], dtype), torch.randn(cout, cin, 1, 1, dtype=dtype), torch.randn(cout, dtype=dtype) * 20
        y = F.conv2d(x, w, b)
        params = {"groups": 1}
    return x, w, b, params, y


def case(op, activation, size, dtype, constants=None):
    constants = DEFAULT_CONSTANTS.get(activation, {}) if constants is None else constants
    x, w, b, params, y = layer(op, size, dtype)
    if activation == "PRelu" and "slope" not in constants:
        constants = prelu_slopes(y.shape[1])
    y = ACTIVATIONS[activation](y, constants)
    params = dict(params, **activation_params(activation, constants))
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    eps = 1e-5 if dtype == torch.float32 else 1e-12
    name = f"act_{activation}_{op}_{size}" + ("_f64" if dtype == torch.float64 else "") + "".join(f"_{k.lower()}" for k in constants if constants != DEFAULT_CONSTANTS.get(activation, {}) and k != "slope")
    name += "_single" if activation == "PRelu" and len(constants["slope"]) == 1 else ""
    weight = w.reshape(w.shape[0], w.shape[1]) if op == "Conv1x1" else w
    return {
        "name": name, "op": op, "rank": 2, "dtype": "float32" if dtype == torch.float32 else "float64", "values": "randn",
        "params": params, "input_shape": list(x.shape), "weight_shape": list(weight.shape), "bias": True,
        "output_shape": list(y.shape), "abs_tolerance": eps * scale * 8,
        "input": flat(x), "weight": flat(weight), "bias_values": flat(b), "output": flat(y),
    }


def main():
    cases = []
    for activation in ACTIVATIONS:
        for op in ("ConvTranspose", "Conv", "Conv1x1"):
            for size in ("small", "large"):
                cases.append(case(op, activation, size, torch.float32))
    for activation in ("Gelu", "Tanh", "GeluTanh", "Silu", "Elu", "Softplus", "Mish"):
        for op in ("Conv", "ConvTranspose"):
            for size in ("small", "large"):
                cases.append(case(op, activation, size, torch.float64))
    cases.append(case("Conv", "LeakyRelu", "large", torch.float32, {"NegativeSlope": 0.2}))
    cases.append(case("Conv1x1", "LeakyRelu", "small", torch.float64, {"NegativeSlope": 0.2}))
    cases.append(case("Conv", "Elu", "large", torch.float32, {"Alpha": 0.5}))
    cases.append(case("Conv1x1", "Clamp", "large", torch.float32, {"Min": 0.0}))
    cases.append(case("ConvTranspose", "Clamp", "large", torch.float64, {"Max": -0.5}))
    cases.append(case("Conv", "PRelu", "large", torch.float32, prelu_slopes(1, single=True)))
    cases.append(case("Conv1x1", "PRelu", "small", torch.float64))
    write("activations.json", "PyTorch " + torch.__version__ + " (make_activations.py)", SEED, cases, layout="NCHW, batch first")


if __name__ == "__main__":
    main()
