#!/usr/bin/env python3
"""Reference cases for [Add], [Mul] and [Affine], computed by PyTorch.

[Add] and [Mul]: x + y and x * y, the second operand of the input's shape or broadcast along its dimensions of 1
([C, 1, 1] per channel, [1, H, W] per position, [C, 1, W], every dimension 1), in every rank, float32 and float64,
batches (the second operand holds one slice per sample, as a residual or a squeeze-and-excitation scale does), with
and without a fused activation applied to the result. [Affine]: x * scale + offset by Python numbers, as PyTorch
computes x * s + o (each step rounded in the tensor's type), a scale of 1 and an offset of 0 not applied (x * 3 keeps
-0). Inputs with NaN, infinities, signed zeros and subnormals planted, so that inf - inf, 0 * inf and -0 + -0 are
checked too. Lengths that are not whole vectors, planes smaller than a vector.

Writes elementwise.json in the format of the shared golden files: the second operand in "weight" and its per-sample
shape in params "other_shape"; params "kind", "scale", "offset", "activation", "constants". Needs PyTorch; the
tests only read the JSON. Run: /usr/bin/python3 make_elementwise.py
"""

import torch

from golden_format import flat, write
from make_activations import ACTIVATIONS, activation_params

SEED = 1208
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

SPECIALS = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 1e-8, -1e-8, 30.0, -30.0]


def values(shape, dtype, specials_every):
    x = torch.randn(shape, dtype=dtype) * 3
    f = x.view(-1)
    tiny = 1e-40 if dtype == torch.float32 else 1e-310
    for i, v in enumerate(SPECIALS + [tiny, -tiny]):
        if specials_every * i + 1 < f.numel():
            f[specials_every * i + 1] = v
    return x


def case(name, kind, shape, other_shape=None, dtype=torch.float32, batch=1, activation=None, constants=None, scale=1.0, offset=0.0):
    x = values([batch] + shape, dtype, 3)
    other = values([batch] + other_shape, dtype, 2) if other_shape is not None else None
    if kind == "Add":
        y = x + other
    elif kind == "Mul":
        y = x * other
    else:
        y = x
        if scale != 1:
            y = y * scale
        if offset != 0:
            y = y + offset
    if activation is not None:
        y = ACTIVATIONS[activation](y, constants or {})
    finite = y[torch.isfinite(y)]
    magnitude = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    # The arithmetic is exact to PyTorch's rounding; an activation is within its accuracy bound.
    eps = 0.0 if activation is None else (2e-6 if dtype == torch.float32 else 1e-13)
    return {
        "name": name, "op": kind, "rank": len(shape) - 1,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "randn*3 with specials",
        "params": {"kind": kind, "other_shape": other_shape, "scale": scale, "offset": offset,
                   **activation_params(activation or "None", constants or {})},
        "input_shape": list(x.shape), "weight_shape": None if other is None else list(other.shape), "bias": False,
        "output_shape": list(y.shape), "abs_tolerance": eps * magnitude,
        "input": flat(x), "weight": None if other is None else flat(other), "bias_values": None, "output": flat(y),
    }


def main():
    cases = []
    for kind in ["Add", "Mul"]:
        k = kind.lower()
        cases.append(case(f"{k}_same_1d", kind, [3, 37], [3, 37]))
        cases.append(case(f"{k}_same_2d_relu", kind, [4, 9, 11], [4, 9, 11], activation="Relu"))
        cases.append(case(f"{k}_same_3d_double_batch", kind, [2, 3, 5, 7], [2, 3, 5, 7], dtype=torch.float64, batch=2))
        cases.append(case(f"{k}_per_channel_2d", kind, [16, 6, 6], [16, 1, 1]))
        cases.append(case(f"{k}_per_channel_2d_batch_silu", kind, [8, 5, 13], [8, 1, 1], batch=3, activation="Silu"))
        cases.append(case(f"{k}_per_position_2d_double", kind, [5, 4, 19], [1, 4, 19], dtype=torch.float64))
        cases.append(case(f"{k}_middle_broadcast_3d", kind, [3, 4, 5, 17], [3, 1, 5, 17]))
        cases.append(case(f"{k}_channel_and_width_2d", kind, [6, 7, 20], [6, 1, 20]))
        cases.append(case(f"{k}_scalar_1d", kind, [4, 50], [1, 1]))
        cases.append(case(f"{k}_large_1d_leaky", kind, [2, 1000], [2, 1000], activation="LeakyRelu", constants={"NegativeSlope": 0.2}))
        cases.append(case(f"{k}_per_channel_2d_clamp", kind, [4, 6, 7], [4, 1, 1], activation="Clamp", constants={"Min": -0.5, "Max": 0.5}))
    cases.append(case("affine_third_tanh_2d", "Affine", [4, 8, 9], activation="Tanh", scale=1.0 / 3))
    cases.append(case("affine_three_2d", "Affine", [4, 8, 9], scale=3.0))
    cases.append(case("affine_offset_1d_double", "Affine", [2, 77], dtype=torch.float64, offset=0.5))
    cases.append(case("affine_scale_offset_3d_batch", "Affine", [2, 3, 4, 21], batch=2, scale=-0.1, offset=0.25))
    cases.append(case("affine_normalize_2d_relu6", "Affine", [3, 16, 16], activation="Relu6", scale=1.0 / 255, offset=-0.5))
    write("elementwise.json", "make_elementwise.py", SEED, cases)


if __name__ == "__main__":
    main()
