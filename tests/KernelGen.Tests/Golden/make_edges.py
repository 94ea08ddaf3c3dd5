#!/usr/bin/env python3
"""PyTorch's behaviour at the edges, where a shortcut or a rounding of KernelGen once differed from it.

- Linear upsampling copies an axis that keeps its size (1-D, 2-D, 3-D), whatever the scale.
- Nearest upsampling takes its kept-size and doubled-size shortcuts in 2-D and 3-D only, never in 1-D.
- Linear and cubic source coordinates on long axes (PyTorch computes them in double from a float scale).
- Non-finite values: an infinite weight on the stride-phase vector path of a transposed convolution, and infinite
  inputs under zero or clamped interpolation weights, give PyTorch's NaN and infinities, on every form; so do infinite
  weights and NaN inputs of layers whose vector paths check their output rather than their weights.

Writes edges.json in the format of the shared golden files; a non-finite value is the string "NaN", "Infinity" or
"-Infinity". Needs PyTorch (Debian: python3-torch); the tests only read the JSON. Run: /usr/bin/python3 make_edges.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

SEED = 1123
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def value(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def flat(t):
    return [value(v) for v in t.reshape(-1).tolist()]


def record(name, op, rank, params, x, w, b, y, eps=None):
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    eps = eps or (1e-5 if y.dtype == torch.float32 else 1e-12)
    return {
        "name": name, "op": op, "rank": rank,
        "dtype": "float32" if y.dtype == torch.float32 else "float64",
        "values": "randn", "params": params,
        "input_shape": list(x.shape), "weight_shape": list(w.shape) if w is not None else None,
        "bias": b is not None, "output_shape": list(y.shape),
        "abs_tolerance": eps * scale * 8,
        "input": flat(x), "weight": flat(w) if w is not None else None,
        "bias_values": flat(b) if b is not None else None, "output": flat(y),
    }


def upsample(name, shape, scales, mode, align=None, dtype=torch.float32, infinite_at=None, eps=None):
    x = torch.randn(shape, dtype=dtype)
    if infinite_at is not None:
        x.view(-1)[infinite_at] = float("inf")
    rank = len(shape) - 2
    torch_mode = {"linear": ["linear", "bilinear", "trilinear"][rank - 1]}.get(mode, mode)
    kwargs = {"align_corners": align} if align is not None else {}
    y = F.interpolate(x, scale_factor=tuple(float(s) for s in scales), mode=torch_mode, **kwargs)
    params = {"scale": scales, "mode": mode, "align_corners": align}
    return record("edge_" + name, "Upsample", rank, params, x, None, None, y, eps)


def conv_transpose2d(name, cin, cout, size, k, s, p, op, infinite_weight_at=None, infinite_input_at=None):
    x = torch.randn([1, cin] + size)
    w = torch.randn([cin, cout, k, k])
    b = torch.randn([cout])
    if infinite_weight_at is not None:
        w.view(-1)[infinite_weight_at] = float("inf")
    if infinite_input_at is not None:
        x.view(-1)[infinite_input_at] = float("-inf")
    y = F.conv_transpose2d(x, w, b, stride=s, padding=p, output_padding=op)
    params = {"kernel": [k, k], "stride": [s, s], "padding": [p, p], "output_padding": [op, op], "dilation": [1, 1], "groups": 1}
    return record("edge_" + name, "ConvTranspose", 2, params, x, w, b, y)


def conv2d(name, cin, cout, size, k, s, p, infinite_weight_at=None, nan_input_at=None):
    x = torch.randn([1, cin] + size)
    w = torch.randn([cout, cin, k, k])
    b = torch.randn([cout])
    if infinite_weight_at is not None:
        w.view(-1)[infinite_weight_at] = float("inf")
    if nan_input_at is not None:
        x.view(-1)[nan_input_at] = float("nan")
    y = F.conv2d(x, w, b, stride=s, padding=p)
    params = {"kernel": [k, k], "stride": [s, s], "padding": [p, p], "dilation": [1, 1], "groups": 1}
    return record("edge_" + name, "Conv", 2, params, x, w, b, y)


def main():
    cases = [
        upsample("linear1d_kept", [1, 1, 3], [1.25], "linear"),
        upsample("linear1d_kept_align", [1, 2, 3], [1.25], "linear", align=True),
        upsample("bilinear_kept_h", [1, 2, 3, 4], [1.25, 2], "linear"),
        upsample("trilinear_kept_dh", [1, 1, 3, 3, 3], [1.25, 1.25, 2], "linear"),
        upsample("nearest1d_kept", [1, 2, 3], [1.25], "nearest"),
        upsample("nearest1d_nearly_doubled", [1, 1, 50], [2.01], "nearest"),
        upsample("nearest2d_kept_and_doubled", [1, 1, 3, 50], [1.25, 2.01], "nearest"),
        upsample("nearest3d_kept", [1, 1, 3, 3, 3], [1.25, 1.25, 1.25], "nearest"),
        upsample("nearest_exact1d_kept", [1, 1, 3], [1.25], "nearest-exact"),
        # Long axes, with a tolerance of 16 float ulps of the output's scale: a coordinate rounded to float is off by more.
        upsample("linear1d_long", [1, 1, 1000], [2.5], "linear", eps=2.5e-7),
        upsample("linear1d_long_align", [1, 1, 777], [1.7], "linear", align=True, eps=2.5e-7),
        upsample("bicubic_long", [1, 1, 2, 777], [1, 1.7], "bicubic", eps=2.5e-7),
        upsample("bilinear_wide", [1, 1, 4, 300], [2, 2], "linear"),
        # Infinite inputs under a zero weight (the border of x2 linear) or clamped cubic taps: NaN, as in PyTorch.
        upsample("bilinear_inf_unrolled", [1, 1, 3, 3], [2, 2], "linear", infinite_at=4),
        upsample("bilinear_inf_looped", [1, 1, 12, 40], [2, 2], "linear", infinite_at=45),
        upsample("bicubic_inf_unrolled", [1, 1, 3, 3], [1.5, 1.5], "bicubic", infinite_at=0),
        upsample("bicubic_inf_looped", [1, 1, 12, 12], [2, 2], "bicubic", infinite_at=0),
        upsample("linear1d_inf_unrolled", [1, 1, 4], [2], "linear", infinite_at=1),
        # An infinite weight: PyTorch never multiplies it by the zero padding the vector path reads.
        # Tap (0, 0) of the last output row and column reads input position 7 of 7: zero padding on the vector path.
        conv_transpose2d("ct2d_inf_weight", 4, 2, [7, 7], 3, 2, 1, 1, infinite_weight_at=0),
        conv_transpose2d("ct2d_inf_weight_unrolled", 1, 1, [2, 2], 3, 2, 1, 1, infinite_weight_at=0),
        conv_transpose2d("ct2d_inf_input", 4, 2, [7, 7], 3, 2, 1, 1, infinite_input_at=10),
        # Layers with more weights than outputs check their vector path's output for NaN instead of every weight: an
        # infinite weight that reads padding makes a NaN there and the loops compute the output again; one that never
        # does (the centre tap of a 3x3 pad 1 convolution) gives PyTorch's infinities on the vector path; a NaN input
        # sends the sample to the loops too. (Not pinned: a convolution's infinite weight on a tap that reads padding.
        # PyTorch's result depends on its backend: this one, 32->16 at 4x4, multiplies the padding and gives NaN at
        # the corner, where oneDNN, and KernelGen's loops, skip it.)
        conv_transpose2d("ct2d_inf_weight_deep", 32, 16, [2, 2], 4, 2, 1, 0, infinite_weight_at=0),
        conv2d("conv2d_inf_weight_deep_centre", 32, 16, [4, 4], 3, 1, 1, infinite_weight_at=4),
        conv2d("conv2d_nan_input_deep", 32, 16, [4, 4], 3, 1, 1, nan_input_at=5),
    ]
    meta = {"generator": f"PyTorch {torch.__version__} (make_edges.py)", "seed": SEED, "layout": "NC(D)HW, batch first", "cases": cases}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "edges.json"), "w") as f:
        json.dump(meta, f, separators=(",", ":"), allow_nan=False)


if __name__ == "__main__":
    main()
