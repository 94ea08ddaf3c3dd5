#!/usr/bin/env python3
"""Reference cases for [InstanceNorm] and [GroupNorm], computed by PyTorch.

F.instance_norm (the input's own statistics) and F.group_norm in every rank, float32 and float64, batches, with and
without the per-channel weight and bias, one group (a layer norm), a group per channel, Eps given (0 too), a fused
activation; planes shorter than a vector and not whole vectors; a constant channel (variance 0); a NaN in one group
(which PyTorch spreads over that group only); and planes with a large mean and a small variance (1e4 + 1e-2 randn),
where the statistics lose digits unless computed with care.

The reference is group_norm's definition in float64 on the case's inputs (float32 inputs widened) with exactly rounded
sums for the statistics, checked against PyTorch's float64 kernel (within 1e-12 except on the large-mean planes, where
PyTorch's float64 loses about 1e-9), so that a float32 case measures KernelGen's error rather than PyTorch's own
float32 rounding; the script prints PyTorch's error against it on the large-mean planes. Writes norm.json in the format of the shared golden files: the weight in
"weight", the bias in "bias_values", params "groups", "eps", "affine", "activation", "constants". Needs PyTorch; the
tests only read the JSON. Run: /usr/bin/python3 make_norm.py
"""

import math

import torch
import torch.nn.functional as F

from golden_format import flat, write
from make_activations import ACTIVATIONS, activation_params

SEED = 1211
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def normalize(op, x, groups, w, b, eps):
    if op == "InstanceNorm":
        return F.instance_norm(x, weight=w, bias=b, eps=eps)
    return F.group_norm(x, groups, w, b, eps)


def reference(x, groups, w, b, eps):
    """F.group_norm's definition in float64 with exactly rounded sums (math.fsum) for the statistics: PyTorch's own
    float64 kernel loses about 1e-9 of the output on a plane with mean 1e4 and deviations of 1e-2."""
    x = x.double()
    n, c = x.shape[0], x.shape[1]
    y = torch.empty_like(x)
    per = c // groups
    for s in range(n):
        for g in range(groups):
            block = x[s, g * per:(g + 1) * per]
            values = block.reshape(-1).tolist()
            mean = math.fsum(values) / len(values)
            variance = math.fsum((v - mean) ** 2 for v in values) / len(values)
            scale = 1 / math.sqrt(variance + eps)
            for k in range(per):
                ch = g * per + k
                a = scale * (float(w[ch]) if w is not None else 1.0)
                y[s, ch] = (x[s, ch] - mean) * a + (float(b[ch]) if b is not None else 0.0)
    return y


def case(name, op, shape, groups=None, dtype=torch.float32, affine=True, eps=1e-5, activation="None", x=None):
    c = shape[1]
    groups = c if op == "InstanceNorm" else groups
    x = torch.randn(shape, dtype=dtype) * 2 + 0.5 if x is None else x.to(dtype)
    w = torch.rand(c, dtype=dtype) * 1.5 + 0.25 if affine else None
    b = torch.randn(c, dtype=dtype) * 0.5 if affine else None
    wide = lambda t: None if t is None else t.double()
    y = reference(x, groups, w, b, eps)
    torch64 = normalize(op, x.double(), groups, wide(w), wide(b), eps)
    both = torch.isfinite(y) & torch.isfinite(torch64)
    assert torch.equal(torch.isnan(y), torch.isnan(torch64)), name
    if "large_mean" in name:
        own = normalize(op, x, groups, w, b, eps).double()
        print(f"{name}: largest error against the exact statistics: PyTorch {str(dtype)[6:]} {float((own - y)[both].abs().max()):.3g},"
              f" PyTorch float64 {float((torch64 - y)[both].abs().max()):.3g}")
    else:
        assert float((torch64 - y)[both].abs().max()) < 1e-12, name
    if activation != "None":
        y = ACTIVATIONS[activation](y, {})
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    eps_tolerance = 2e-6 if dtype == torch.float32 else 1e-13
    return {
        "name": name, "op": op, "rank": len(shape) - 2,
        "dtype": "float32" if dtype == torch.float32 else "float64", "values": "randn*2+0.5",
        "params": dict({"groups": groups, "eps": eps, "affine": affine}, **activation_params(activation, {})),
        "input_shape": list(x.shape), "weight_shape": [c] if affine else None, "bias": affine,
        "output_shape": list(y.shape), "abs_tolerance": eps_tolerance * scale,
        "input": flat(x), "weight": flat(w) if affine else None, "bias_values": flat(b) if affine else None, "output": flat(y),
    }


def main():
    cases = [
        case("instance_small_2d_plain", "InstanceNorm", [1, 3, 5, 7], affine=False),
        case("instance_2d_affine_relu_batch", "InstanceNorm", [2, 8, 16, 16], activation="Relu"),
        case("instance_1d_affine_double", "InstanceNorm", [1, 4, 50], dtype=torch.float64),
        case("instance_3d", "InstanceNorm", [1, 2, 4, 5, 6]),
        case("instance_plane_under_a_vector", "InstanceNorm", [1, 6, 3, 3]),
        case("instance_plane_of_three", "InstanceNorm", [2, 4, 1, 3], affine=False),
        case("group_4_of_16_silu_batch", "GroupNorm", [2, 16, 8, 8], groups=4, activation="Silu"),
        case("group_1_layer_norm_double", "GroupNorm", [1, 6, 9, 11], groups=1, dtype=torch.float64),
        case("group_per_channel", "GroupNorm", [1, 8, 12, 12], groups=8, affine=False),
        case("group_2_1d_eps", "GroupNorm", [1, 8, 100], groups=2, eps=1e-3),
        case("group_3d_double_eps_0", "GroupNorm", [1, 4, 3, 5, 7], groups=2, dtype=torch.float64, eps=0.0),
        case("group_32_of_64_large", "GroupNorm", [1, 64, 32, 32], groups=32, activation="Silu"),
    ]
    constant = torch.randn(1, 4, 6, 6)
    constant[0, 1] = 3.7
    cases.append(case("instance_constant_channel", "InstanceNorm", [1, 4, 6, 6], x=constant))
    nan = torch.randn(1, 4, 9, 9)
    nan[0, 2, 4, 4] = float("nan")
    cases.append(case("group_nan_in_one_group", "GroupNorm", [1, 4, 9, 9], groups=2, x=nan))
    large = 1e4 + 1e-2 * torch.randn(1, 4, 32, 32)
    cases.append(case("instance_large_mean", "InstanceNorm", [1, 4, 32, 32], x=large))
    cases.append(case("group_large_mean_layer", "GroupNorm", [1, 4, 32, 32], groups=1, x=large))
    cases.append(case("instance_large_mean_double", "InstanceNorm", [1, 4, 32, 32], dtype=torch.float64, x=1e4 + 1e-2 * torch.randn(1, 4, 32, 32, dtype=torch.float64)))
    write("norm.json", "make_norm.py", SEED, cases)


if __name__ == "__main__":
    main()
