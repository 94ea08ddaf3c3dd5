#!/usr/bin/env python3
"""Reference cases for {M}FoldBatchNorm: a weighted layer followed by PyTorch's BatchNorm{1,2,3}d in eval mode.

Each case holds the layer's input, weight and bias, the batch norm's weight (gamma), bias (beta), running mean,
running variance and eps (in params["batchnorm"]), and the output of batch_norm(layer(x)) as PyTorch computes it.
The test folds the batch norm into the weight and bias with the generated method, runs the kernel, and compares.

Writes batchnorm.json in the format of the shared golden files. Run: /usr/bin/python3 make_batchnorm.py
"""

import torch
import torch.nn as nn

from golden_format import flat, write

SEED = 5150
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def case(name, op, layer, bn, shape, dtype=torch.float32, batch=1):
    layer, bn = layer.to(dtype).eval(), bn.to(dtype).eval()
    c = bn.num_features
    bn.weight.copy_(torch.rand(c, dtype=dtype) * 2 + 0.5)
    bn.bias.copy_(torch.randn(c, dtype=dtype))
    bn.running_mean.copy_(torch.randn(c, dtype=dtype) * 2)
    bn.running_var.copy_(torch.rand(c, dtype=dtype) * 3 + 0.1)
    x = torch.randn([batch] + list(shape), dtype=dtype)
    y = bn(layer(x))
    rank = len(shape) - 1
    if op == "ConvTranspose":
        params = {"kernel": list(layer.kernel_size), "stride": list(layer.stride), "padding": list(layer.padding),
                  "output_padding": list(layer.output_padding), "dilation": list(layer.dilation), "groups": layer.groups}
    elif op == "Conv":
        params = {"kernel": list(layer.kernel_size), "stride": list(layer.stride), "padding": list(layer.padding),
                  "dilation": list(layer.dilation), "groups": layer.groups}
    else:
        params = {"groups": layer.groups}
    params["batchnorm"] = {"weight": flat(bn.weight), "bias": flat(bn.bias), "running_mean": flat(bn.running_mean),
                           "running_var": flat(bn.running_var), "eps": bn.eps}
    w = layer.weight.reshape(layer.weight.shape[0], -1) if op == "Conv1x1" else layer.weight
    scale = max(1.0, float(y.abs().max()))
    return {
        "name": "bn_" + name, "op": op, "rank": rank, "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "randn", "params": params, "input_shape": list(x.shape), "weight_shape": list(w.shape), "bias": True,
        "output_shape": list(y.shape), "abs_tolerance": (2e-5 if dtype == torch.float32 else 1e-12) * scale * 8,
        "input": flat(x), "weight": flat(w), "bias_values": flat(layer.bias), "output": flat(y),
    }


def main():
    cases = [
        case("conv2d", "Conv", nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), (3, 12, 12)),
        case("conv2d_small", "Conv", nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2, eps=1e-3), (1, 3, 3)),
        case("conv1d_grouped", "Conv", nn.Conv1d(4, 6, 5, padding=2, groups=2), nn.BatchNorm1d(6), (4, 30), batch=2),
        case("conv3d", "Conv", nn.Conv3d(2, 4, 3, padding=1), nn.BatchNorm3d(4), (2, 5, 5, 5)),
        case("conv_transpose2d", "ConvTranspose", nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1), nn.BatchNorm2d(4), (8, 6, 6)),
        case("conv_transpose2d_grouped", "ConvTranspose", nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), nn.BatchNorm2d(6), (4, 5, 5)),
        case("conv1x1", "Conv1x1", nn.Conv2d(16, 8, 1), nn.BatchNorm2d(8), (16, 6, 6)),
        case("conv2d_double", "Conv", nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), (3, 9, 9), dtype=torch.float64),
    ]
    write("batchnorm.json", "PyTorch " + torch.__version__ + " (make_batchnorm.py)", SEED, cases)


if __name__ == "__main__":
    main()
