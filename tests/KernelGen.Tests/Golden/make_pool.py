#!/usr/bin/env python3
"""Reference cases for [MaxPool], [AvgPool], [AdaptiveMaxPool] and [AdaptiveAvgPool], computed by PyTorch's
F.max_pool1d/2d/3d, F.avg_pool1d/2d/3d and F.adaptive_max_pool1d/2d/3d, F.adaptive_avg_pool1d/2d/3d.

Every rank, float and double, batches, the stride left to default to the window, padding up to half the window,
dilation (max), ceil mode with and without its last-window rule taking effect, count_include_pad both ways with a
ceil-mode window that runs past the right padding, divisor_override, and windows holding NaN and infinities.

Writes pool.json in the format of the shared golden files. Needs PyTorch (Debian: python3-torch); the tests only read
the JSON. Run: /usr/bin/python3 make_pool.py
"""
import math

import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 2612
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

MAX = [F.max_pool1d, F.max_pool2d, F.max_pool3d]
ADAPTIVE_MAX = [F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.adaptive_max_pool3d]
ADAPTIVE_AVG = [F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d]
AVG = [F.avg_pool1d, F.avg_pool2d, F.avg_pool3d]


def per_axis(v, rank):
    return list(v) if isinstance(v, (list, tuple)) else [v] * rank


def case(name, op, shape, k, stride=None, pad=0, dilation=1, ceil=False, include_pad=True, divisor=None,
         dtype=torch.float32, x=None):
    rank = len(shape) - 2
    if x is None:
        x = torch.randn(shape, dtype=dtype)
    if op == "MaxPool":
        y = MAX[rank - 1](x, k, stride=stride, padding=pad, dilation=dilation, ceil_mode=ceil)
    elif divisor is not None and rank == 1:
        # avg_pool1d has no divisor_override: the 1-D case is avg_pool2d over a height of 1.
        y = F.avg_pool2d(x.unsqueeze(2), (1, k), stride=(1, stride or k), padding=(0, pad), ceil_mode=ceil,
                         count_include_pad=include_pad, divisor_override=divisor).squeeze(2)
    else:
        y = AVG[rank - 1](x, k, stride=stride, padding=pad, ceil_mode=ceil, count_include_pad=include_pad,
                          **({"divisor_override": divisor} if divisor is not None else {}))
    eps = 1e-6 if dtype == torch.float32 else 1e-14
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    return {
        "name": name, "op": op, "rank": rank,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "randn",
        "params": {"kernel": per_axis(k, rank), "stride": per_axis(stride if stride is not None else k, rank),
                   "stride_given": stride is not None, "padding": per_axis(pad, rank), "dilation": per_axis(dilation, rank),
                   "ceil_mode": ceil, "count_include_pad": include_pad, "divisor_override": divisor or 0},
        "input_shape": list(x.shape), "weight_shape": None, "bias": False, "output_shape": list(y.shape),
        "abs_tolerance": eps * scale * 4,
        "input": flat(x), "weight": None, "bias_values": None, "output": flat(y),
    }


def adaptive(name, op, shape, size, dtype=torch.float32, x=None):
    rank = len(shape) - 2
    if x is None:
        x = torch.randn(shape, dtype=dtype)
    size = per_axis(size, rank)
    y = (ADAPTIVE_MAX if op == "AdaptiveMaxPool" else ADAPTIVE_AVG)[rank - 1](x, size if rank > 1 else size[0])
    eps = 1e-6 if dtype == torch.float32 else 1e-14
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    return {
        "name": name, "op": op, "rank": rank,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "randn", "params": {"output_size": size},
        "input_shape": list(x.shape), "weight_shape": None, "bias": False, "output_shape": list(y.shape),
        "abs_tolerance": eps * scale * 4,
        "input": flat(x), "weight": None, "bias_values": None, "output": flat(y),
    }


def special(shape, dtype=torch.float32):
    """Random values with NaN, +inf and -inf planted where windows see them alone and together."""
    x = torch.randn(shape, dtype=dtype)
    flat_x = x.view(-1)
    for i, v in [(0, math.nan), (5, math.inf), (6, -math.inf), (13, math.nan), (14, math.inf), (27, -math.inf)]:
        if i < flat_x.numel():
            flat_x[i] = v
    return x


def main():
    cases = [
        # Max: every rank, the stride defaulting to the window.
        case("max1d_k2", "MaxPool", [1, 3, 16], 2),
        case("max2d_k2", "MaxPool", [1, 4, 8, 8], 2),
        case("max2d_k3_s2_p1_resnet", "MaxPool", [1, 2, 13, 13], 3, stride=2, pad=1),
        case("max3d_k2_double", "MaxPool", [1, 2, 4, 6, 6], 2, dtype=torch.float64),
        case("max2d_k3_s1_p1_batch", "MaxPool", [3, 2, 7, 9], 3, stride=1, pad=1),
        case("max2d_rect_window", "MaxPool", [1, 2, 9, 10], (3, 2), stride=(2, 1), pad=(1, 0)),
        case("max1d_dilated", "MaxPool", [1, 2, 20], 3, stride=2, pad=1, dilation=2),
        case("max2d_dilated_ceil", "MaxPool", [1, 1, 11, 11], 3, stride=2, pad=1, dilation=(2, 3), ceil=True),
        case("max2d_ceil_keeps_partial", "MaxPool", [1, 2, 7, 7], 2, ceil=True),
        case("max2d_ceil_drops_last", "MaxPool", [1, 1, 5, 5], 2, stride=2, pad=1, ceil=True),
        case("max1d_ceil_tiny_input", "MaxPool", [1, 2, 1], 2, ceil=True),
        case("max3d_k3_s2_p1_ceil", "MaxPool", [1, 1, 5, 6, 7], 3, stride=2, pad=1, ceil=True),
        case("max2d_nan_inf", "MaxPool", [1, 1, 6, 6], 2, x=special([1, 1, 6, 6])),
        case("max1d_nan_inf_padded", "MaxPool", [1, 1, 30], 3, stride=1, pad=1, x=special([1, 1, 30])),
        case("max2d_all_negative_padded", "MaxPool", [1, 1, 4, 4], 3, stride=1, pad=1, x=-1 - torch.rand([1, 1, 4, 4])),
        # Average: include_pad both ways, ceil mode past the right padding, divisor_override.
        case("avg1d_k2", "AvgPool", [1, 3, 16], 2),
        case("avg2d_k2", "AvgPool", [1, 4, 8, 8], 2),
        case("avg2d_k3_s1_p1", "AvgPool", [1, 2, 6, 7], 3, stride=1, pad=1),
        case("avg2d_k3_s1_p1_exclude_pad", "AvgPool", [1, 2, 6, 7], 3, stride=1, pad=1, include_pad=False),
        case("avg3d_k2_double_batch", "AvgPool", [2, 2, 4, 4, 6], 2, dtype=torch.float64),
        case("avg2d_ceil_past_right_pad", "AvgPool", [1, 1, 6, 6], 3, stride=2, pad=1, ceil=True),
        case("avg2d_ceil_past_right_pad_exclude", "AvgPool", [1, 1, 6, 6], 3, stride=2, pad=1, ceil=True, include_pad=False),
        case("avg2d_ceil_drops_last", "AvgPool", [1, 1, 5, 5], 2, stride=2, pad=1, ceil=True),
        case("avg2d_divisor_override", "AvgPool", [1, 2, 6, 6], 3, stride=2, pad=1, divisor=5),
        case("avg1d_divisor_override_negative", "AvgPool", [1, 1, 9], 3, divisor=-2),
        case("avg2d_rect", "AvgPool", [1, 1, 8, 9], (2, 3), stride=(2, 3)),
        case("avg3d_k3_s2_p1_ceil_exclude", "AvgPool", [1, 1, 5, 6, 7], 3, stride=2, pad=1, ceil=True, include_pad=False),
        case("avg2d_nan_inf", "AvgPool", [1, 1, 6, 6], 2, x=special([1, 1, 6, 6])),
        case("avg2d_global_7x7", "AvgPool", [1, 8, 7, 7], 7),
        # Rows long enough for the vector form (a vector of windows inside the input, the edges scalar).
        case("wide_max2d_k3_s2_p1", "MaxPool", [1, 3, 9, 75], 3, stride=2, pad=1),
        case("wide_max2d_k2_double", "MaxPool", [1, 2, 6, 100], 2, dtype=torch.float64),
        case("wide_max1d_s1_dilated_nan_inf", "MaxPool", [1, 2, 150], 3, stride=1, pad=1, dilation=2, x=special([1, 2, 150])),
        case("wide_max3d_k2_ceil", "MaxPool", [1, 1, 3, 4, 71], 2, ceil=True),
        case("wide_avg2d_k3_s1_p1", "AvgPool", [2, 2, 5, 90], 3, stride=1, pad=1),
        case("wide_avg1d_k4_s2_ceil_exclude", "AvgPool", [1, 2, 203], 4, stride=2, pad=2, ceil=True, include_pad=False),
        case("wide_avg2d_k2_divisor_double", "AvgPool", [1, 2, 4, 66], 2, divisor=3, dtype=torch.float64),
        case("wide_avg3d_k3_s2_p1_exclude", "AvgPool", [1, 1, 5, 5, 67], 3, stride=2, pad=1, include_pad=False),
        # Adaptive: global, dividing and not dividing the input, output larger than the input (overlapping windows).
        adaptive("adaptive_avg2d_global", "AdaptiveAvgPool", [2, 8, 7, 7], 1),
        adaptive("adaptive_max2d_global_double", "AdaptiveMaxPool", [1, 4, 5, 6], 1, dtype=torch.float64),
        adaptive("adaptive_avg2d_7_to_3", "AdaptiveAvgPool", [1, 3, 7, 7], 3),
        adaptive("adaptive_max2d_10x9_to_4x5", "AdaptiveMaxPool", [1, 2, 10, 9], (4, 5)),
        adaptive("adaptive_avg1d_13_to_5", "AdaptiveAvgPool", [1, 3, 13], 5),
        adaptive("adaptive_max1d_5_to_8", "AdaptiveMaxPool", [1, 2, 5], 8),
        adaptive("adaptive_avg2d_4_to_6_double", "AdaptiveAvgPool", [1, 2, 4, 4], 6, dtype=torch.float64),
        adaptive("adaptive_avg3d_to_2x3x1", "AdaptiveAvgPool", [1, 2, 5, 7, 4], (2, 3, 1)),
        adaptive("adaptive_max3d_global", "AdaptiveMaxPool", [1, 3, 3, 4, 5], 1),
        adaptive("adaptive_max2d_nan_inf", "AdaptiveMaxPool", [1, 1, 6, 6], 2, x=special([1, 1, 6, 6])),
        adaptive("adaptive_avg2d_pyramid_6", "AdaptiveAvgPool", [1, 4, 13, 13], 6),
    ]
    write("pool.json", "make_pool.py", SEED, cases)


if __name__ == "__main__":
    main()
