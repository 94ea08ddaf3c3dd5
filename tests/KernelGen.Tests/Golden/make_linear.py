#!/usr/bin/env python3
"""Reference cases for [Linear], computed by PyTorch.

F.linear(x, weight, bias) on rows of features, the samples of a batch being the rows of one matrix product: one row and
batches around the kernel's block of four rows (1, 3, 4, 5, 9), rows shorter than a vector and longer (with a remainder
past the last whole vector at every width), output counts around the block of four outputs, with and without a bias,
float32 and float64, fused activations (ReLU, SiLU, GELU, Tanh, PReLU per output and shared), a residual, and an eval-mode
BatchNorm1d after the layer (folded by the generated {M}FoldBatchNorm).

Writes linear.json in the format of the shared golden files (op "Linear", input [N, in], weight [out, in]), activations
as in activations.json, "residual" as in residual.json, "batchnorm" as in batchnorm.json. Needs PyTorch; the tests only
read the JSON. Run: /usr/bin/python3 make_linear.py
"""

import torch
import torch.nn.functional as F

from golden_format import flat, write
from make_activations import ACTIVATIONS, activation_params, prelu_slopes

SEED = 2727
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def case(name, batch, cin, cout, bias=True, dtype=torch.float32, activation=None, residual=False, batchnorm=False, shared_slope=False):
    x = torch.randn(batch, cin, dtype=dtype)
    w = torch.randn(cout, cin, dtype=dtype) / cin ** 0.5
    b = torch.randn(cout, dtype=dtype) if bias else None
    y = F.linear(x, w, b)
    params = {}
    if batchnorm:
        bn = torch.nn.BatchNorm1d(cout).to(dtype)
        bn.weight.copy_(torch.rand(cout, dtype=dtype) + 0.5)
        bn.bias.copy_(torch.randn(cout, dtype=dtype))
        bn.running_mean.copy_(torch.randn(cout, dtype=dtype))
        bn.running_var.copy_(torch.rand(cout, dtype=dtype) + 0.5)
        bn.eval()
        y = bn(y)
        params["batchnorm"] = {"weight": flat(bn.weight), "bias": flat(bn.bias), "running_mean": flat(bn.running_mean),
                               "running_var": flat(bn.running_var), "eps": bn.eps}
    if residual:
        r = torch.randn(y.shape, dtype=dtype)
        y = y + r
        params["residual"] = flat(r)
    if activation is not None:
        constants = prelu_slopes(cout, single=shared_slope) if activation == "PRelu" else {}
        y = ACTIVATIONS[activation](y, constants)
        params.update(activation_params(activation, constants))
    scale = max(1.0, float(y.abs().max()))
    eps = 1e-5 if dtype == torch.float32 else 1e-12
    return {
        "name": name, "op": "Linear", "rank": 0, "dtype": "float32" if dtype == torch.float32 else "float64", "values": "randn",
        "params": params, "input_shape": list(x.shape), "weight_shape": list(w.shape), "bias": bias,
        "output_shape": list(y.shape), "abs_tolerance": eps * scale * 8,
        "input": flat(x), "weight": flat(w), "bias_values": flat(b) if bias else None, "output": flat(y),
    }


def main():
    cases = [
        case("one_row_short", 1, 3, 2),
        case("one_row_no_bias", 1, 20, 7, bias=False),
        case("classifier_head_batch_3", 3, 64, 10),
        case("batch_4_blocks", 4, 128, 16),
        case("batch_5_remainders", 5, 37, 10, activation="Relu"),
        case("batch_9_wide", 9, 256, 100),
        case("double_batch_5", 5, 33, 6, dtype=torch.float64),
        case("double_one_row_tanh", 1, 10, 3, dtype=torch.float64, activation="Tanh"),
        case("silu", 4, 48, 12, activation="Silu"),
        case("gelu_double", 3, 40, 5, dtype=torch.float64, activation="Gelu"),
        case("prelu_per_output", 6, 24, 8, activation="PRelu"),
        case("prelu_shared", 2, 24, 8, activation="PRelu", shared_slope=True),
        case("residual_relu", 5, 64, 64, activation="Relu", residual=True),
        case("residual_no_bias", 1, 17, 17, bias=False, residual=True),
        case("batchnorm_folded_relu", 4, 32, 12, activation="Relu", batchnorm=True),
        case("single_output", 7, 50, 1),
    ]
    write("linear.json", "PyTorch " + torch.__version__ + " (make_linear.py)", SEED, cases, layout="[N, features]")


if __name__ == "__main__":
    main()
