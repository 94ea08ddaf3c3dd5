#!/usr/bin/env python3
"""Reference cases for [Conv] with PaddingMode Reflect, Replicate and Circular, computed by PyTorch.

nn.Conv{1,2,3}d's padding_mode, which is F.pad(input, mode) followed by the convolution without padding: every rank,
float32 and float64, small layers (unrolled) and large ones (looped and vector forms), strides, dilation, groups,
batches, per-axis pads, a fused activation, and the edges of PyTorch's rules (a reflection's pad one below the size,
a wrap's pad equal to it, a replication's pad past it). Integer-valued inputs and weights where the sums are exact.

Writes conv_padding.json in the format of the shared golden files, with the convolution's params and "padding_mode"
(KernelGen's member name). Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_conv_padding.py
"""

import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 1212
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

CONV = [F.conv1d, F.conv2d, F.conv3d]
MODES = {"Zeros": "constant", "Reflect": "reflect", "Replicate": "replicate", "Circular": "circular"}


def case(name, mode, shape, cout, k, s=1, p=1, d=1, groups=1, bias=True, dtype=torch.float32, integers=False, activation=None, p_end=None):
    rank = len(shape) - 2
    per = lambda v: list(v) if isinstance(v, (list, tuple)) else [v] * rank
    k, s, p, d = per(k), per(s), per(p), per(d)
    end = p if p_end is None else per(p_end)
    make = (lambda sh: torch.randint(-3, 4, sh).to(dtype)) if integers else (lambda sh: torch.randn(sh, dtype=dtype))
    x = make(shape)
    w = make([cout, shape[1] // groups] + k)
    b = make([cout]) if bias else None
    # F.pad takes the last axis first, begin then end.
    pads = [v for axis in reversed(range(rank)) for v in (p[axis], end[axis])]
    y = CONV[rank - 1](F.pad(x, pads, mode=MODES[mode]), w, b, stride=s, padding=0, dilation=d, groups=groups)
    if activation == "Relu":
        y = F.relu(y)
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    eps = 1e-5 if dtype == torch.float32 else 1e-12
    params = {"kernel": k, "stride": s, "padding": p, "dilation": d, "groups": groups, "padding_mode": mode}
    if p_end is not None:
        params["padding_end"] = end
    if activation:
        params.update({"activation": activation, "constants": {}})
    return {
        "name": name, "op": "Conv", "rank": rank, "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "int" if integers else "randn", "params": params,
        "input_shape": list(x.shape), "weight_shape": list(w.shape), "bias": bias, "output_shape": list(y.shape),
        "abs_tolerance": 0.0 if integers else eps * scale * 8,
        "input": flat(x), "weight": flat(w), "bias_values": flat(b) if bias else None, "output": flat(y),
    }


def main():
    cases = [
        case("reflect_small_2d", "Reflect", [1, 2, 4, 5], 3, 3, integers=True),
        case("reflect_large_2d_relu", "Reflect", [1, 8, 20, 20], 8, 3, activation="Relu"),
        case("reflect_7x7_pad_3", "Reflect", [1, 3, 16, 16], 8, 7, p=3),
        case("reflect_9x9_pad_4_large", "Reflect", [1, 3, 40, 40], 16, 9, p=4),
        case("reflect_1d_double", "Reflect", [1, 4, 50], 4, 5, p=2, dtype=torch.float64),
        case("reflect_3d", "Reflect", [1, 2, 5, 6, 7], 3, 3),
        case("reflect_pad_one_below_size", "Reflect", [1, 2, 3, 3], 2, 3, p=2, integers=True),
        case("reflect_depthwise", "Reflect", [1, 4, 10, 10], 4, 3, groups=4),
        case("reflect_batch_stride_2", "Reflect", [2, 3, 11, 9], 5, 3, s=2),
        case("reflect_per_axis", "Reflect", [1, 2, 5, 6], 3, [3, 5], p=[1, 2]),
        case("replicate_2d_stride_2", "Replicate", [1, 4, 9, 11], 6, 3, s=2),
        case("replicate_pad_past_size", "Replicate", [1, 2, 3, 3], 2, 5, p=4, integers=True),
        case("replicate_1d_large", "Replicate", [1, 16, 300], 8, 3),
        case("circular_2d_dilated", "Circular", [1, 3, 6, 7], 4, 3, p=2, d=2),
        case("circular_pad_equal_size", "Circular", [1, 2, 3, 4], 2, 3, p=3, integers=True),
        case("circular_3d_double", "Circular", [1, 2, 4, 4, 4], 2, 3, dtype=torch.float64, bias=False),
        # Asymmetric pads (ONNX's pads, TensorFlow's SAME): zeros and a mode, small and large, every rank.
        case("same_stride_2_small", "Zeros", [1, 2, 6, 6], 3, 3, s=2, p=0, p_end=1, integers=True),
        case("same_stride_2_large_relu", "Zeros", [1, 8, 32, 32], 16, 3, s=2, p=0, p_end=1, activation="Relu"),
        case("asymmetric_1d_double", "Zeros", [2, 4, 40], 4, 4, p=2, p_end=1, dtype=torch.float64),
        case("asymmetric_3d", "Zeros", [1, 2, 5, 6, 7], 2, 3, p=[0, 1, 2], p_end=[2, 1, 0]),
        case("asymmetric_reflect", "Reflect", [1, 3, 9, 10], 4, 4, p=[1, 2], p_end=[2, 1]),
    ]
    write("conv_padding.json", "make_conv_padding.py", SEED, cases)


if __name__ == "__main__":
    main()
