#!/usr/bin/env python3
"""Random configurations checked against PyTorch, beyond the shared golden files.

The shared golden cases are all small, so KernelGen unrolls every one of them fully. These configurations are drawn
at random (fixed seed) and include layers above the unrolling budget, so that the looped forms (scatter per kernel
tap, tap loops for large windows, nearest replication, interpolation tables, the 1x1 channel loop) meet PyTorch too.

Writes random.json in the format of the shared golden files. Needs PyTorch (Debian: python3-torch); the tests only
read the JSON, they never need PyTorch. Run: /usr/bin/python3 make_random.py
"""
import json
import os
import random

import torch
import torch.nn.functional as F

SEED = 4242
rng = random.Random(SEED)
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def tensor(shape, dtype, integers):
    if integers:
        return torch.randint(-3, 4, shape).to(dtype)
    return torch.randn(shape, dtype=dtype)


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def record(name, op, rank, dtype, integers, params, x, w, b, y):
    scale = max(1.0, float(y.abs().max()))
    eps = 1e-5 if dtype == torch.float32 else 1e-12
    return {
        "name": name, "op": op, "rank": rank,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "int" if integers else "randn", "params": params,
        "input_shape": list(x.shape), "weight_shape": list(w.shape) if w is not None else None,
        "bias": b is not None, "output_shape": list(y.shape),
        "abs_tolerance": 0.0 if integers else eps * scale * 8,
        "input": flat(x), "weight": flat(w) if w is not None else None,
        "bias_values": flat(b) if b is not None else None, "output": flat(y),
    }


def conv_transpose(index, rank, large):
    while True:
        k = [rng.randint(1, 5) for _ in range(rank)]
        s = [rng.randint(1, 3) for _ in range(rank)]
        d = [rng.choice([1, 1, 2]) for _ in range(rank)]
        p = [rng.randint(0, (d[a] * (k[a] - 1)) // 2 + 1) for a in range(rank)]
        op = [rng.randint(0, max(s[a], d[a]) - 1) for a in range(rank)]
        g = rng.choice([1, 1, 2])
        cin, cout = g * rng.randint(1, 4 if large else 2), g * rng.randint(1, 4 if large else 2)
        size = [rng.randint(4, 9 if rank < 3 else 5) if large else rng.randint(1, 4) for _ in range(rank)]
        out = [(size[a] - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + op[a] + 1 for a in range(rank)]
        if all(o > 0 for o in out):
            break
    dtype = torch.float64 if rng.random() < 0.2 else torch.float32
    integers = rng.random() < 0.5
    batch = rng.choice([1, 1, 2])
    x = tensor([batch, cin] + size, dtype, integers)
    w = tensor([cin, cout // g] + k, dtype, integers)
    b = tensor([cout], dtype, integers) if rng.random() < 0.5 else None
    y = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d][rank - 1](x, w, b, stride=s, padding=p, output_padding=op, groups=g, dilation=d)
    params = {"kernel": k, "stride": s, "padding": p, "output_padding": op, "dilation": d, "groups": g}
    return record(f"rnd_ct{rank}d_{index}", "ConvTranspose", rank, dtype, integers, params, x, w, b, y)


def big_window_conv_transpose():
    # 5x5x5 = 125 taps: over the per-tap unrolling limit, so the generated code loops over the taps too.
    x = tensor([1, 2, 3, 4, 3], torch.float32, True)
    w = tensor([2, 2, 5, 5, 5], torch.float32, True)
    y = F.conv_transpose3d(x, w, None, stride=[2, 1, 2], padding=[1, 2, 0])
    params = {"kernel": [5, 5, 5], "stride": [2, 1, 2], "padding": [1, 2, 0], "output_padding": [0, 0, 0], "dilation": [1, 1, 1], "groups": 1}
    return record("rnd_ct3d_window125", "ConvTranspose", 3, torch.float32, True, params, x, w, None, y)


def conv1x1(index, large):
    rank = rng.randint(1, 3)
    g = rng.choice([1, 1, 2, 4])
    cin, cout = g * rng.randint(1, 8 if large else 2), g * rng.randint(1, 8 if large else 2)
    size = [rng.randint(3, 12 if rank < 3 else 5) if large else rng.randint(1, 3) for _ in range(rank)]
    dtype = torch.float64 if rng.random() < 0.2 else torch.float32
    integers = rng.random() < 0.5
    batch = rng.choice([1, 1, 3])
    x = tensor([batch, cin] + size, dtype, integers)
    w = tensor([cout, cin // g] + [1] * rank, dtype, integers)
    b = tensor([cout], dtype, integers) if rng.random() < 0.5 else None
    y = [F.conv1d, F.conv2d, F.conv3d][rank - 1](x, w, b, groups=g)
    return record(f"rnd_pw{rank}d_{index}", "Conv1x1", rank, dtype, integers, {"groups": g}, x, w, b, y)


def upsample(index, large):
    mode = rng.choice(["nearest", "nearest-exact", "linear", "bicubic"])
    rank = 2 if mode == "bicubic" else rng.randint(1, 3)
    align = rng.choice([False, True]) if mode in ("linear", "bicubic") else None
    scales = [rng.choice([2, 3, 1.5, 2.5, 0.75, 4]) for _ in range(rank)]
    size = [rng.randint(8, 24) if large and rank < 3 else rng.randint(4, 6) if large else rng.randint(1, 4) for _ in range(rank)]
    if any(int(size[a] * scales[a]) < 1 for a in range(rank)):
        scales = [2] * rank
    dtype = torch.float64 if rng.random() < 0.2 else torch.float32
    x = tensor([rng.choice([1, 1, 2]), rng.randint(1, 3)] + size, dtype, False)
    torch_mode = {"linear": ["linear", "bilinear", "trilinear"][rank - 1]}.get(mode, mode)
    kwargs = {"align_corners": align} if align is not None else {}
    y = F.interpolate(x, scale_factor=tuple(float(s) for s in scales), mode=torch_mode, **kwargs)
    params = {"scale": scales, "mode": mode, "align_corners": align}
    return record(f"rnd_up{rank}d_{mode.replace('-', '_')}_{index}", "Upsample", rank, dtype, False, params, x, None, None, y)


def vector_form_case(name, cin, cout, size, k, s, p, op=(0, 0), groups=1, bias=True, dtype=torch.float32, batch=1):
    # Fixed 2-D layers aimed at the vector forms: the flat form (narrow phases, one or several tiles, interleaved or
    # not, stride 3), the row form with wide tiles, grouped and double-precision variants. The forms each one gets
    # are named in the summaries of its generated phase methods.
    x = tensor([batch, cin] + list(size), dtype, False)
    w = tensor([cin, cout // groups, k[0], k[1]], dtype, False)
    b = tensor([cout], dtype, False) if bias else None
    y = F.conv_transpose2d(x, w, b, stride=list(s), padding=list(p), output_padding=list(op), groups=groups)
    params = {"kernel": list(k), "stride": list(s), "padding": list(p), "output_padding": list(op), "dilation": [1, 1], "groups": groups}
    return record("vec_" + name, "ConvTranspose", 2, dtype, False, params, x, w, b, y)


def vector_form_cases():
    return [
        vector_form_case("autoencoder_32_16", 32, 16, (7, 7), (3, 3), (2, 2), (1, 1), op=(1, 1)),
        vector_form_case("flat_uneven_columns", 3, 5, (10, 6), (3, 3), (2, 2), (1, 1)),
        vector_form_case("flat_stride3_two_tiles", 2, 4, (8, 8), (4, 4), (3, 3), (1, 1), bias=False),
        vector_form_case("flat_interleaved_two_tiles", 4, 6, (12, 5), (3, 3), (2, 2), (1, 1), op=(1, 1), batch=2),
        vector_form_case("flat_wide_rows", 8, 8, (20, 20), (2, 2), (2, 2), (0, 0)),
        vector_form_case("row_wide_tiles", 4, 4, (3, 32), (2, 2), (2, 2), (0, 0)),
        vector_form_case("flat_groups", 4, 6, (7, 7), (4, 4), (2, 2), (1, 1), groups=2),
        vector_form_case("flat_double", 3, 2, (6, 6), (3, 3), (2, 2), (1, 1), op=(1, 1), dtype=torch.float64),
    ]


def main():
    cases = []
    for i in range(24):
        cases.append(conv_transpose(i, rank=rng.choice([1, 2, 2, 3]), large=i % 2 == 0))
    cases.append(big_window_conv_transpose())
    for i in range(12):
        cases.append(conv1x1(i, large=i % 2 == 0))
    for i in range(24):
        cases.append(upsample(i, large=i % 2 == 0))
    # Appended after the random draws, so that the random cases stay as they were.
    cases.extend(vector_form_cases())
    meta = {"generator": "PyTorch " + torch.__version__ + " (make_random.py)", "seed": SEED, "layout": "NC(D)HW, batch first", "cases": cases}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "random.json"), "w") as f:
        json.dump(meta, f, separators=(",", ":"))
    print(f"random.json: {len(cases)} cases")


if __name__ == "__main__":
    main()
