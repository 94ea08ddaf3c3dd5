#!/usr/bin/env python3
"""Reference cases for [Softmax], computed by PyTorch.

F.softmax(x, dim=1) and F.log_softmax(x, dim=1): vectors of features [N, C] (a classifier's logits: one position, the
channels across a vector, shorter than a vector and with a remainder past the last whole one), segmentation maps
[N, C, H, W] and 1-D and 3-D ones (the positions across a vector, with positions past the last whole block), one
channel, float32 and float64, logits of large magnitude (exp(x) alone would overflow), and special values: a NaN in a
position's channels (that position all NaN, as PyTorch), -inf in one channel (0, and -inf for log-softmax), +inf, and
a position all -inf (NaN), each both inside a vector block and in the remainder.

The reference is PyTorch's float64 kernel on the case's inputs (float32 inputs widened), so that a float32 case
measures KernelGen's error rather than PyTorch's own float32 rounding. Writes softmax.json in the format of the shared
golden files (op "Softmax", params "log"). Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_softmax.py
"""

import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 1207
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def case(name, shape, log=False, dtype=torch.float32, scale=3.0, special=None):
    x = (torch.randn(*shape, dtype=torch.float64) * scale).to(dtype)
    if special is not None:
        special(x)
    reference = (F.log_softmax if log else F.softmax)(x.double(), dim=1)
    finite = reference[torch.isfinite(reference)]
    magnitude = max(1.0, float(finite.abs().max())) if finite.numel() else 1.0
    tolerance = (2e-7 if dtype == torch.float32 else 1e-14) * magnitude * (4 if log else 1)
    return {
        "name": name, "op": "Softmax", "rank": len(shape) - 2, "dtype": "float32" if dtype == torch.float32 else "float64", "values": "randn",
        "params": {"log": log}, "input_shape": list(shape), "output_shape": list(shape), "bias": False,
        "abs_tolerance": tolerance, "input": flat(x), "output": flat(reference.to(dtype) if dtype == torch.float64 else reference),
    }


def specials_vector(x):
    # [2, 40], one position of 40 channels: sample 0 has -inf in a channel inside the vector blocks (that channel 0),
    # sample 1 a NaN in the channels past the last whole vector (the sample all NaN).
    x[0, 5] = float("-inf")
    x[1, 37] = float("nan")


def specials_map(x):
    # [1, 4, 1, 20]: 20 positions, a Vector512 block of 16 and 4 in the remainder (a Vector256 block of 8, ...).
    x[0, 2, 0, 3] = float("nan")        # a NaN inside the first block: position 3 all NaN
    x[0, 1, 0, 5] = float("-inf")       # -inf in one channel: that channel 0
    x[0, 0, 0, 9] = float("inf")        # +inf: inf - inf is NaN, the position all NaN as in PyTorch
    x[0, :, 0, 12] = float("-inf")      # a position all -inf: NaN
    x[0, 3, 0, 17] = float("nan")       # the remainder: a NaN
    x[0, 0, 0, 18] = float("-inf")      # the remainder: -inf in one channel


def main():
    cases = [
        case("vector_3", (1, 3)),
        case("vector_10", (1, 10)),
        case("vector_10_log", (1, 10), log=True),
        case("classifier_1000_batch_2", (2, 1000)),
        case("classifier_1000_log", (1, 1000), log=True),
        case("classifier_37_double", (3, 37), dtype=torch.float64),
        case("classifier_37_log_double", (1, 37), log=True, dtype=torch.float64),
        case("logits_large", (2, 50), scale=80.0),
        case("logits_large_log", (1, 50), log=True, scale=80.0),
        case("segmentation_8x8_batch_2", (2, 5, 8, 8)),
        case("segmentation_21_classes_7x9", (1, 21, 7, 9)),
        case("segmentation_log_5x7", (1, 6, 5, 7), log=True),
        case("segmentation_double", (2, 7, 6, 6), dtype=torch.float64),
        case("segmentation_log_double", (1, 3, 5, 5), log=True, dtype=torch.float64),
        case("segmentation_large", (1, 4, 16, 16), scale=80.0),
        case("one_channel", (1, 1, 5, 5)),
        case("one_channel_log", (1, 1, 5, 5), log=True),
        case("conv1d_map", (1, 4, 40)),
        case("conv3d_map", (1, 3, 4, 4, 4)),
        case("conv3d_map_log", (2, 3, 2, 3, 5), log=True),
        case("special_values_vector", (2, 40), special=specials_vector),
        case("special_values_vector_log", (2, 40), log=True, special=specials_vector),
        case("special_values_map", (1, 4, 1, 20), special=specials_map),
        case("special_values_map_log", (1, 4, 1, 20), log=True, special=specials_map),
    ]
    write("softmax.json", "PyTorch " + torch.__version__ + " float64 (make_softmax.py)", SEED, cases)


if __name__ == "__main__":
    main()
