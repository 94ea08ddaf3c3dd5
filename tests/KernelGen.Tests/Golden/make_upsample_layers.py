#!/usr/bin/env python3
"""Reference cases for [Upsample] sized for KernelGen's vector form from tables, computed by PyTorch's F.interpolate.

Every mode in every rank it has (bicubic is 2-D only), by fractional and whole factors, with rows of at least a
vector: rows of a few blocks (shuffles written out) and rows of many (read from tables), float and double, with and
without align_corners. Nearest by whole factors is left out: it takes the copy form.

Writes upsample_layers.json in the format of the shared golden files. Needs PyTorch (Debian: python3-torch); the tests
only read the JSON. Run: /usr/bin/python3 make_upsample_layers.py
"""
import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 2312
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

TORCH_MODE = {"nearest": ["nearest"] * 3, "nearest-exact": ["nearest-exact"] * 3,
              "linear": ["linear", "bilinear", "trilinear"], "cubic": [None, "bicubic", None]}


def case(name, shape, scales, mode, align=None, dtype=torch.float32, size=None):
    """One case by scale factors, or to a size (scales empty, params "size": the output's spatial sizes)."""
    rank = len(shape) - 2
    x = torch.randn(shape, dtype=dtype)
    kwargs = {"align_corners": align} if align is not None else {}
    target = {"size": size} if size is not None else {"scale_factor": scales}
    y = F.interpolate(x, mode=TORCH_MODE[mode][rank - 1], **target, **kwargs)
    params = {"scale": list(scales), "mode": "bicubic" if mode == "cubic" else mode, "align_corners": align}
    if size is not None:
        params = {"scale": [], "size": list(size), "mode": params["mode"], "align_corners": align}
    eps = 1e-5 if dtype == torch.float32 else 1e-12
    scale = max(1.0, float(y.abs().max()))
    return {
        "name": name, "op": "Upsample", "rank": rank,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "randn", "params": params,
        "input_shape": list(x.shape), "weight_shape": None, "bias": False, "output_shape": list(y.shape),
        "abs_tolerance": eps * scale * 8,
        "input": flat(x), "weight": None, "bias_values": None, "output": flat(y),
    }


def main():
    cases = [
        case("upl_nearest_1d_x1_5", [1, 8, 100], [1.5], "nearest"),
        case("upl_nearest_2d_x2_5_wide", [1, 2, 5, 90], [2.5, 2.5], "nearest"),
        case("upl_nearest_3d_x1_25", [1, 2, 4, 5, 33], [1.25, 1.25, 1.25], "nearest"),
        case("upl_nearest_exact_1d_x2_5_double", [2, 4, 137], [2.5], "nearest-exact", dtype=torch.float64),
        case("upl_nearest_exact_2d_x1_5", [1, 3, 6, 40], [1.5, 1.5], "nearest-exact"),
        case("upl_nearest_exact_3d_x3", [1, 2, 3, 4, 17], [3.0, 1.5, 3.0], "nearest-exact"),
        case("upl_linear_1d_x2_wide", [1, 2, 300], [2.0], "linear", align=False),
        case("upl_linear_1d_x1_5_align", [1, 6, 150], [1.5], "linear", align=True),
        case("upl_trilinear_x2", [1, 2, 4, 5, 20], [2.0, 2.0, 2.0], "linear", align=False),
        case("upl_trilinear_x1_5_align_double", [1, 2, 3, 4, 24], [1.5, 1.5, 1.5], "linear", align=True, dtype=torch.float64),
        case("upl_trilinear_wide", [1, 1, 2, 3, 100], [2.0, 2.0, 2.0], "linear", align=False),
        case("upl_bicubic_x2", [1, 2, 6, 24], [2.0, 2.0], "cubic", align=False),
        case("upl_bicubic_x1_5_align_wide", [1, 1, 5, 120], [1.5, 1.5], "cubic", align=True),
        case("upl_bicubic_x3_double", [1, 2, 4, 20], [3.0, 3.0], "cubic", align=False, dtype=torch.float64),
    ]
    write("upsample_layers.json", "make_upsample_layers.py", SEED, cases)


if __name__ == "__main__":
    main()
