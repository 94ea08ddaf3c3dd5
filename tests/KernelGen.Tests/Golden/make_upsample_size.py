#!/usr/bin/env python3
"""Reference cases for [Upsample] to the output's size, computed by PyTorch's F.interpolate(x, size=...).

Every mode in every rank it has (bicubic is 2-D only), to larger and smaller sizes by ratios that are not whole
(7 to 10, 10 to 7, 5 to 13), a size kept on one axis and doubled on another, float and double, with and without
align_corners, small (unrolled) and wide (looped and vector forms). The source coordinate scale is in / out, PyTorch's
when scale_factor is not given.

Writes upsample_size.json in the format of the shared golden files, with params "size" (the output's spatial sizes),
"mode", "align_corners" and an empty "scale". Needs PyTorch; the tests only read the JSON.
Run: /usr/bin/python3 make_upsample_size.py
"""
import torch

from golden_format import write
from make_upsample_layers import case as upsample_case

SEED = 1216
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def case(name, shape, size, mode, align=None, dtype=torch.float32):
    return upsample_case(name, shape, [], mode, align, dtype, size=size)


def main():
    cases = [
        case("size_nearest_2d_7_to_10", [1, 2, 7, 7], [10, 10], "nearest"),
        case("size_nearest_2d_10_to_7", [1, 2, 10, 10], [7, 7], "nearest"),
        case("size_nearest_1d_wide_down", [1, 4, 300], [129], "nearest"),
        case("size_nearest_3d_mixed", [1, 2, 4, 5, 6], [4, 10, 9], "nearest"),
        case("size_nearest_exact_2d_wide", [2, 3, 6, 50], [13, 77], "nearest-exact"),
        case("size_nearest_exact_1d_double_down", [1, 2, 40], [23], "nearest-exact", dtype=torch.float64),
        case("size_linear_1d_up", [1, 3, 5], [13], "linear", align=False),
        case("size_linear_1d_wide_down_align", [1, 2, 200], [77], "linear", align=True),
        case("size_bilinear_up_wide", [1, 2, 9, 40], [20, 100], "linear", align=False),
        case("size_bilinear_down", [1, 2, 20, 60], [9, 25], "linear", align=False),
        case("size_bilinear_align_double", [1, 2, 6, 7], [11, 5], "linear", align=True, dtype=torch.float64),
        case("size_trilinear", [1, 1, 3, 4, 20], [5, 4, 33], "linear", align=False),
        case("size_bicubic_up", [1, 2, 5, 24], [12, 50], "cubic", align=False),
        case("size_bicubic_down_align", [1, 1, 16, 40], [7, 19], "cubic", align=True),
    ]
    write("upsample_size.json", "make_upsample_size.py", SEED, cases)


if __name__ == "__main__":
    main()
