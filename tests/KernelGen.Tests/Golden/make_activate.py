#!/usr/bin/env python3
"""Reference cases for [Activate]: every activation on its own, computed by PyTorch.

Each activation in every rank, small (fully unrolled) and large (the vector form, with lengths that are not whole
vectors), float32 and float64, batches, LeakyReLU with its default and a given slope; inputs spread wide enough to
reach the flat parts of tanh, sigmoid and GELU, with NaN, infinities, signed zeros and subnormals planted.

Writes activate.json in the format of the shared golden files, with params "activation" (KernelGen's member name) and
"constants" (the activation's properties given, such as NegativeSlope, Alpha, Min and Max). Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_activate.py
"""

import torch

from golden_format import flat, write
from make_activations import ACTIVATIONS, DEFAULT_CONSTANTS, activation_params, prelu_slopes

SEED = 1207
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

def inputs(shape, dtype):
    x = torch.randn(shape, dtype=dtype) * 4
    f = x.view(-1)
    tiny = 1e-40 if dtype == torch.float32 else 1e-310
    for i, v in enumerate([float("nan"), float("inf"), float("-inf"), -0.0, 0.0, tiny, -tiny, 1e-8, -1e-8, 30.0, -30.0]):
        if 3 * i + 1 < f.numel():
            f[3 * i + 1] = v
    return x


def case(name, activation, shape, dtype=torch.float32, constants=None):
    constants = DEFAULT_CONSTANTS.get(activation, {}) if constants is None else constants
    if activation == "PRelu" and "slope" not in constants:
        constants = prelu_slopes(shape[1])
    x = inputs(shape, dtype)
    y = ACTIVATIONS[activation](x, constants)
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    # The piecewise-linear ones are exact to PyTorch's rounding: the same steps in the same type.
    exact = activation in ("Relu", "LeakyRelu", "Relu6", "HardSigmoid", "HardSwish", "Clamp", "PRelu")
    eps = 0.0 if exact else 2e-6 if dtype == torch.float32 else 1e-13
    return {
        "name": name, "op": "Activate", "rank": len(shape) - 2,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "randn*4 with specials", "params": activation_params(activation, constants),
        "input_shape": list(x.shape), "weight_shape": None, "bias": False, "output_shape": list(y.shape),
        "abs_tolerance": eps * scale,
        "input": flat(x), "weight": None, "bias_values": None, "output": flat(y),
    }


def main():
    cases = []
    for activation in ACTIVATIONS:
        a = activation.lower()
        cases.append(case(f"act_{a}_small_2d", activation, [1, 2, 4, 5]))
        cases.append(case(f"act_{a}_large_1d", activation, [1, 3, 333]))
        cases.append(case(f"act_{a}_large_3d_double_batch", activation, [2, 2, 5, 6, 7], dtype=torch.float64))
    cases.append(case("act_leakyrelu_slope_0_2_large", "LeakyRelu", [1, 4, 9, 9], constants={"NegativeSlope": 0.2}))
    cases.append(case("act_elu_alpha_0_3_large", "Elu", [1, 4, 9, 9], constants={"Alpha": 0.3}))
    cases.append(case("act_elu_alpha_2_large_double", "Elu", [1, 3, 70], dtype=torch.float64, constants={"Alpha": 2.0}))
    cases.append(case("act_clamp_min_only_large", "Clamp", [1, 4, 9, 9], constants={"Min": 0.25}))
    cases.append(case("act_clamp_max_only_small_double", "Clamp", [1, 2, 3, 3], dtype=torch.float64, constants={"Max": 0.0}))
    cases.append(case("act_clamp_point_large", "Clamp", [1, 3, 50], constants={"Min": 1.0, "Max": 1.0}))
    cases.append(case("act_prelu_single_large_batch", "PRelu", [2, 4, 9, 9], constants=prelu_slopes(4, single=True)))
    write("activate.json", "make_activate.py", SEED, cases)


if __name__ == "__main__":
    main()
