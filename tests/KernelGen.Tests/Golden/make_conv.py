#!/usr/bin/env python3
"""Reference cases for [Conv], computed by PyTorch's conv1d/2d/3d.

Random configurations (fixed seed) of every rank, stride, dilation, padding and grouping (depthwise included), small
ones that KernelGen unrolls and larger ones that take its looped and vector forms; then fixed layers of real encoders
aimed at the vector form (strided 3x3 downsampling, the 3x3 convolution after a nearest x2 upsampling, depthwise,
long 1-D sequences with dilation, a 3-D layer, rows longer than several vector tiles, a window wider than the unrolled
taps, rows off the vector width); then NaN and infinities in the input, which every form must carry as PyTorch does.

Writes conv.json in the format of the shared golden files. Needs PyTorch (Debian: python3-torch); the tests only read
the JSON. Run: /usr/bin/python3 make_conv.py
"""
import random

import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 1717
rng = random.Random(SEED)
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

CONV = [F.conv1d, F.conv2d, F.conv3d]


def tensor(shape, dtype, integers):
    if integers:
        return torch.randint(-3, 4, shape).to(dtype)
    return torch.randn(shape, dtype=dtype)


def record(name, rank, dtype, integers, params, x, w, b, y):
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    eps = 1e-5 if dtype == torch.float32 else 1e-12
    return {
        "name": name, "op": "Conv", "rank": rank,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "int" if integers else "randn", "params": params,
        "input_shape": list(x.shape), "weight_shape": list(w.shape),
        "bias": b is not None, "output_shape": list(y.shape),
        "abs_tolerance": 0.0 if integers else eps * scale * 8,
        "input": flat(x), "weight": flat(w),
        "bias_values": flat(b) if b is not None else None, "output": flat(y),
    }


def conv(name, rank, x, w, b, k, s, p, d, g, integers):
    y = CONV[rank - 1](x, w, b, stride=s, padding=p, dilation=d, groups=g)
    params = {"kernel": k, "stride": s, "padding": p, "dilation": d, "groups": g}
    return record(name, rank, x.dtype, integers, params, x, w, b, y)


def random_conv(index, rank, large):
    while True:
        k = [rng.randint(1, 5) for _ in range(rank)]
        s = [rng.randint(1, 3) for _ in range(rank)]
        d = [rng.choice([1, 1, 2]) for _ in range(rank)]
        p = [rng.randint(0, (d[a] * (k[a] - 1)) // 2 + 1) for a in range(rank)]
        depthwise = rng.random() < 0.15
        g = rng.choice([1, 1, 2])
        cin, cout = g * rng.randint(1, 4 if large else 2), g * rng.randint(1, 4 if large else 2)
        if depthwise:
            g = cin = cout = rng.randint(2, 6)
        size = [rng.randint(5, 24 if rank == 1 else 12 if rank == 2 else 6) if large else rng.randint(1, 5) for _ in range(rank)]
        out = [(size[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1) // s[a] + 1 for a in range(rank)]
        if all(o > 0 for o in out):
            break
    dtype = torch.float64 if rng.random() < 0.2 else torch.float32
    integers = rng.random() < 0.5
    batch = rng.choice([1, 1, 2])
    x = tensor([batch, cin] + size, dtype, integers)
    w = tensor([cout, cin // g] + k, dtype, integers)
    b = tensor([cout], dtype, integers) if rng.random() < 0.5 else None
    return conv(f"rnd_c{rank}d_{index}", rank, x, w, b, k, s, p, d, g, integers)


def layer(name, cin, cout, size, k, s=1, p=0, d=1, g=1, bias=True, dtype=torch.float32, batch=1, integers=False):
    rank = len(size)
    per_axis = lambda v: list(v) if isinstance(v, (list, tuple)) else [v] * rank
    k, s, p, d = per_axis(k), per_axis(s), per_axis(p), per_axis(d)
    x = tensor([batch, cin] + list(size), dtype, integers)
    w = tensor([cout, cin // g] + k, dtype, integers)
    b = tensor([cout], dtype, integers) if bias else None
    return conv("layer_" + name, rank, x, w, b, k, s, p, d, g, integers)


def layers():
    return [
        layer("mnist_encoder_1_16_s2", 1, 16, (28, 28), 3, s=2, p=1),
        layer("encoder_16_32_s2", 16, 32, (14, 14), 3, s=2, p=1, batch=2),
        layer("after_upsample_8_8", 8, 8, (20, 20), 3, p=1),
        layer("depthwise_8", 8, 8, (15, 15), 3, p=1, g=8),
        layer("grouped_12_6", 12, 6, (9, 11), 3, p=1, g=3, bias=False),
        layer("sequence_k7", 4, 6, (100,), 7, p=3),
        layer("sequence_dilated", 6, 6, (64,), 3, p=3, d=3),
        layer("sequence_long_rows", 4, 4, (300,), 3, p=1, bias=False),
        layer("sequence_stride4", 3, 5, (90,), 8, s=4, p=2),
        layer("window_17", 2, 3, (60,), 17, p=8),
        layer("volume_s2", 2, 4, (6, 7, 8), 3, s=2, p=1),
        layer("volume_k3", 3, 2, (5, 5, 20), 3, p=1, batch=2),
        layer("narrow_rows_7", 8, 4, (7, 7), 3, p=1),
        layer("stride3_dilated", 3, 4, (20, 23), (3, 2), s=3, p=(2, 1), d=(2, 3)),
        layer("double_s2", 4, 6, (12, 13), 3, s=2, p=1, dtype=torch.float64),
        layer("no_padding_5x5", 3, 8, (16, 16), 5, bias=False, integers=True),
        # Rows off the vector width (28 columns; 23 after a stride of 2): each plane one flat run over shifted copies.
        layer("rows_off_vector_28", 8, 16, (28, 28), 3, p=1),
        layer("rows_off_vector_strided_batch", 8, 16, (21, 45), 3, s=2, p=1, batch=2),
    ]


def edge_cases():
    cases = []
    for rank, size in ((1, (12,)), (2, (6, 7))):
        x = tensor([1, 2] + list(size), torch.float32, False)
        flat_x = x.view(-1)
        flat_x[1] = float("nan")
        flat_x[5] = float("inf")
        flat_x[-3] = float("-inf")
        w = tensor([3, 2] + [3] * rank, torch.float32, False)
        b = tensor([3], torch.float32, False)
        cases.append(conv(f"edge_nonfinite_input_{rank}d", rank, x, w, b, [3] * rank, [1] * rank, [1] * rank, [1] * rank, 1, False))
        big = tensor([1, 4] + [s * 3 for s in size], torch.float32, False)
        big.view(-1)[7] = float("nan")
        big.view(-1)[40] = float("inf")
        w = tensor([5, 4] + [3] * rank, torch.float32, False)
        cases.append(conv(f"edge_nonfinite_input_looped_{rank}d", rank, big, w, None, [3] * rank, [2] * rank, [1] * rank, [1] * rank, 1, False))
    return cases


def main():
    cases = []
    for i in range(32):
        cases.append(random_conv(i, rank=rng.choice([1, 2, 2, 3]), large=i % 2 == 0))
    cases.extend(layers())
    cases.extend(edge_cases())
    write("conv.json", "PyTorch " + torch.__version__ + " (make_conv.py)", SEED, cases)


if __name__ == "__main__":
    main()
