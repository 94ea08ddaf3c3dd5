#!/usr/bin/env python3
"""Reference cases for [MaxPool] and [AvgPool] with asymmetric pads (PadsEnd: ONNX's pads, TensorFlow's SAME pooling),
computed by PyTorch from the definition, since PyTorch's pools pad both ends alike: the input padded with F.pad (-inf
for a max; zeros for an average) then pooled without padding; an average that does not count the padding divides the
padded sum by the pool of a padded map of ones.

Every rank, float32 and float64, strides, dilation (max), batches, rows off the vector width. Writes
pool_asymmetric.json in the format of the shared golden files, with make_pool.py's params and "padding_end". Needs
PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_pool_asymmetric.py
"""

import torch
import torch.nn.functional as F

from golden_format import flat, write
from make_pool import AVG, MAX, per_axis

SEED = 1218
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def case(name, op, shape, k, stride, pad, pad_end, dilation=1, include_pad=True, dtype=torch.float32):
    rank = len(shape) - 2
    x = torch.randn(shape, dtype=dtype)
    k, stride, pad, pad_end, dilation = (per_axis(v, rank) for v in (k, stride, pad, pad_end, dilation))
    pads = [v for axis in reversed(range(rank)) for v in (pad[axis], pad_end[axis])]
    if op == "MaxPool":
        y = MAX[rank - 1](F.pad(x, pads, value=float("-inf")), k, stride=stride, dilation=dilation)
    else:
        total = AVG[rank - 1](F.pad(x, pads), k, stride=stride)
        y = total if include_pad else total / AVG[rank - 1](F.pad(torch.ones_like(x), pads), k, stride=stride)
    eps = 1e-6 if dtype == torch.float32 else 1e-14
    scale = max(1.0, float(y.abs().max()))
    return {
        "name": name, "op": op, "rank": rank, "dtype": "float32" if dtype == torch.float32 else "float64", "values": "randn",
        "params": {"kernel": k, "stride": stride, "stride_given": True, "padding": pad, "padding_end": pad_end, "dilation": dilation,
                   "ceil_mode": False, "count_include_pad": include_pad, "divisor_override": 0},
        "input_shape": list(x.shape), "weight_shape": None, "bias": False, "output_shape": list(y.shape),
        "abs_tolerance": eps * scale * 4,
        "input": flat(x), "weight": None, "bias_values": None, "output": flat(y),
    }


def main():
    cases = [
        case("max_same_2d_k3_s2", "MaxPool", [1, 4, 8, 8], 3, 2, 0, 1),
        case("max_same_2d_k2_s2_odd", "MaxPool", [2, 3, 7, 9], 2, 2, 0, 1),
        case("max_1d_wide", "MaxPool", [1, 8, 101], 3, 1, 0, 1),
        case("max_2d_dilated", "MaxPool", [1, 2, 12, 40], 3, 1, [1, 0], [0, 1], dilation=2),
        case("max_3d_double", "MaxPool", [1, 2, 5, 6, 7], 3, 2, [1, 0, 1], [0, 1, 1], dtype=torch.float64),
        case("avg_same_2d_k3_s2_include", "AvgPool", [1, 4, 8, 8], 3, 2, 0, 1),
        case("avg_same_2d_k3_s2_exclude", "AvgPool", [1, 4, 8, 8], 3, 2, 0, 1, include_pad=False),
        case("avg_1d_wide_exclude_double", "AvgPool", [1, 4, 99], 4, 1, 1, 2, include_pad=False, dtype=torch.float64),
        case("avg_2d_wide_include", "AvgPool", [2, 3, 6, 50], 3, 1, [1, 0], [0, 1]),
        case("avg_3d_exclude", "AvgPool", [1, 2, 4, 6, 6], 2, 2, 0, [1, 0, 1], include_pad=False),
    ]
    write("pool_asymmetric.json", "make_pool_asymmetric.py", SEED, cases)


if __name__ == "__main__":
    main()
