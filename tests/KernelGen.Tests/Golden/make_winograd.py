#!/usr/bin/env python3
"""Reference cases for [Conv] in Winograd's form (Algorithm = ConvAlgorithm.Winograd), computed by PyTorch.

Stride-1 3x3 convolutions, which Winograd's form takes: float32 and float64, planes that are and are not whole tiles
of 4 and 2, pads 0 to 2, a batch, a reflection border, a fused ReLU, small planes (where the planner takes F(2x2, 3x3))
and larger ones (F(4x4, 3x3)). PyTorch computes them directly; the tolerance is the error bound KernelGen states for
Winograd's form, 1e-5 of the output's largest magnitude in float (1e-12 in double).

Writes winograd.json in the format of the shared golden files, with the convolution's params and "algorithm"
(KernelGen's member name). Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_winograd.py
"""

import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 1213
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def case(name, shape, cout, p=1, bias=True, dtype=torch.float32, activation=None, mode=None):
    x = torch.randn(shape, dtype=dtype)
    # Trained-network scale: weights of standard deviation sqrt(2 / fan_in).
    w = torch.randn([cout, shape[1], 3, 3], dtype=dtype) * (2.0 / (shape[1] * 9)) ** 0.5
    b = torch.randn([cout], dtype=dtype) * 0.1 if bias else None
    if mode is None:
        y = F.conv2d(x, w, b, padding=p)
    else:
        y = F.conv2d(F.pad(x, [p, p, p, p], mode=mode.lower()), w, b)
    if activation == "Relu":
        y = F.relu(y)
    scale = max(1.0, float(y.abs().max()))
    params = {"kernel": [3, 3], "stride": [1, 1], "padding": [p, p], "dilation": [1, 1], "groups": 1, "algorithm": "Winograd"}
    if mode is not None:
        params["padding_mode"] = mode
    if activation:
        params.update({"activation": activation, "constants": {}})
    return {
        "name": name, "op": "Conv", "rank": 2, "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "randn", "params": params,
        "input_shape": list(x.shape), "weight_shape": list(w.shape), "bias": bias, "output_shape": list(y.shape),
        "abs_tolerance": (1e-5 if dtype == torch.float32 else 1e-12) * scale,
        "input": flat(x), "weight": flat(w), "bias_values": flat(b) if bias else None, "output": flat(y),
    }


def main():
    cases = [
        case("winograd_whole_tiles", [1, 16, 24, 24], 16),
        case("winograd_ragged_relu", [1, 12, 21, 30], 20, activation="Relu"),
        case("winograd_no_pad", [1, 10, 18, 37], 9, p=0, bias=False),
        case("winograd_pad_2", [1, 8, 17, 19], 12, p=2),
        case("winograd_batch", [2, 6, 13, 22], 10),
        case("winograd_reflect", [1, 8, 20, 20], 8, mode="Reflect"),
        case("winograd_small_plane", [1, 24, 8, 8], 24),
        case("winograd_small_plane_2", [1, 20, 6, 9], 16),
        case("winograd_double", [1, 8, 20, 20], 8, dtype=torch.float64),
        case("winograd_double_batch_ragged", [2, 5, 11, 15], 7, dtype=torch.float64),
    ]
    write("winograd.json", "make_winograd.py", SEED, cases)


if __name__ == "__main__":
    main()
