#!/usr/bin/env python3
"""Reference cases for [PixelShuffle] and [PixelUnshuffle], computed by PyTorch.

F.pixel_shuffle and F.pixel_unshuffle at factors 1 to 4, float32 and float64, batches, planes of odd sizes; and ONNX's
other order (DepthToSpace's DCR, SpaceToDepth's), written as ONNX's specification defines it: a reshape, a transpose
and a reshape. Values are distinct, so any misplaced element shows.

Writes pixel_shuffle.json in the format of the shared golden files, with params "factor", "unshuffle" and
"blocks_first". Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_pixel_shuffle.py
"""

import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 1210
torch.manual_seed(SEED)


def depth_to_space_dcr(x, r):
    b, c, h, w = x.shape
    return x.reshape(b, r, r, c // (r * r), h, w).permute(0, 3, 4, 1, 5, 2).reshape(b, c // (r * r), h * r, w * r)


def space_to_depth(x, r):
    b, c, h, w = x.shape
    return x.reshape(b, c, h // r, r, w // r, r).permute(0, 3, 5, 1, 2, 4).reshape(b, c * r * r, h // r, w // r)


def case(name, shape, r, unshuffle=False, blocks_first=False, dtype=torch.float32):
    x = torch.randn(shape, dtype=dtype)
    if unshuffle:
        y = space_to_depth(x, r) if blocks_first else F.pixel_unshuffle(x, r)
    else:
        y = depth_to_space_dcr(x, r) if blocks_first else F.pixel_shuffle(x, r)
    return {
        "name": name, "op": "PixelUnshuffle" if unshuffle else "PixelShuffle", "rank": 2,
        "dtype": "float32" if dtype == torch.float32 else "float64", "values": "randn",
        "params": {"factor": r, "unshuffle": unshuffle, "blocks_first": blocks_first},
        "input_shape": list(x.shape), "weight_shape": None, "bias": False, "output_shape": list(y.shape),
        "abs_tolerance": 0.0, "input": flat(x), "weight": None, "bias_values": None, "output": flat(y),
    }


def main():
    cases = [
        case("shuffle_r2", [1, 16, 5, 7], 2),
        case("shuffle_r3_espcn", [1, 9, 6, 6], 3),
        case("shuffle_r4_double_batch", [2, 32, 3, 5], 4, dtype=torch.float64),
        case("shuffle_r1", [1, 3, 4, 5], 1),
        case("shuffle_r2_dcr", [1, 12, 4, 3], 2, blocks_first=True),
        case("shuffle_r3_dcr_batch", [3, 18, 2, 5], 3, blocks_first=True),
        case("unshuffle_r2", [1, 3, 8, 6], 2, unshuffle=True),
        case("unshuffle_r3_double", [1, 2, 9, 12], 3, unshuffle=True, dtype=torch.float64),
        case("unshuffle_r2_batch", [2, 5, 4, 10], 2, unshuffle=True),
        case("unshuffle_r2_blocks_first", [1, 3, 6, 4], 2, unshuffle=True, blocks_first=True),
    ]
    write("pixel_shuffle.json", "make_pixel_shuffle.py", SEED, cases)


if __name__ == "__main__":
    main()
