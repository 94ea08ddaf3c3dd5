#!/usr/bin/env python3
"""Reference cases for a residual ([Residual]) fused into the weighted layers, computed by PyTorch.

output = activation(layer(input) + bias + residual), the residual of the output's shape: ResNet's relu(conv(x) + identity),
MobileNetV2's and EDSR's conv(x) + x without an activation, a transposed convolution's and a 1x1's too. Every rank,
small layers (unrolled) and large ones (loops, vectors, the 1x1's matrix product, a transposed convolution's phases),
float32 and float64, batches, strides, groups, a padding mode, with and without a bias, and the activations whose
place matters: ReLU (the residual must come before it), SiLU and GELU (applied in a pass of their own), PReLU (its slopes
a parameter after the residual), none.

Writes residual.json in the format of the shared golden files, with the layer's params, the activation's as in
activations.json, and "residual" (its values, flattened like the output). Needs PyTorch; the tests only read the JSON.
Run: /usr/bin/python3 make_residual.py
"""

import torch
import torch.nn.functional as F

from golden_format import flat, write
from make_activations import ACTIVATIONS, activation_params, prelu_slopes

SEED = 2626
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

CONV = [F.conv1d, F.conv2d, F.conv3d]
CONV_T = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d]
MODES = {"Reflect": "reflect", "Replicate": "replicate", "Circular": "circular"}


def case(name, op, shape, cout, k=3, s=1, p=1, groups=1, bias=True, dtype=torch.float32, activation=None, mode=None, output_padding=0):
    rank = len(shape) - 2
    per = lambda v: list(v) if isinstance(v, (list, tuple)) else [v] * rank
    x = torch.randn(shape, dtype=dtype)
    b = torch.randn(cout, dtype=dtype) if bias else None
    if op == "Conv":
        k, s, p = per(k), per(s), per(p)
        w = torch.randn([cout, shape[1] // groups] + k, dtype=dtype)
        params = {"kernel": k, "stride": s, "padding": p, "dilation": [1] * rank, "groups": groups}
        if mode is None:
            y = CONV[rank - 1](x, w, b, stride=s, padding=p, groups=groups)
        else:
            pads = [v for axis in reversed(range(rank)) for v in (p[axis], p[axis])]
            y = CONV[rank - 1](F.pad(x, pads, mode=MODES[mode]), w, b, stride=s, padding=0, groups=groups)
            params["padding_mode"] = mode
        weight = w
    elif op == "ConvTranspose":
        k, s, p, op_ = per(k), per(s), per(p), per(output_padding)
        w = torch.randn([shape[1], cout // groups] + k, dtype=dtype)
        y = CONV_T[rank - 1](x, w, b, stride=s, padding=p, output_padding=op_, groups=groups)
        params = {"kernel": k, "stride": s, "padding": p, "output_padding": op_, "dilation": [1] * rank, "groups": groups}
        weight = w
    else:
        w = torch.randn([cout, shape[1] // groups] + [1] * rank, dtype=dtype)
        y = CONV[rank - 1](x, w, b, groups=groups)
        params = {"groups": groups}
        weight = w.reshape(cout, shape[1] // groups)
    residual = torch.randn(y.shape, dtype=dtype) * 2
    y = y + residual
    if activation is not None:
        constants = prelu_slopes(y.shape[1]) if activation == "PRelu" else {}
        y = ACTIVATIONS[activation](y, constants)
        params.update(activation_params(activation, constants))
    params["residual"] = flat(residual)
    scale = max(1.0, float(y.abs().max()))
    eps = 1e-5 if dtype == torch.float32 else 1e-12
    return {
        "name": name, "op": op, "rank": rank, "dtype": "float32" if dtype == torch.float32 else "float64", "values": "randn",
        "params": params, "input_shape": list(x.shape), "weight_shape": list(weight.shape), "bias": bias,
        "output_shape": list(y.shape), "abs_tolerance": eps * scale * 8,
        "input": flat(x), "weight": flat(weight), "bias_values": flat(b) if bias else None, "output": flat(y),
    }


def main():
    cases = [
        # ResNet's basic block end: relu(conv3x3(x) + identity), small and large, and its downsampling 1x1 shortcut's sum.
        case("resnet_small_relu", "Conv", [1, 2, 4, 4], 2, activation="Relu"),
        case("resnet_large_relu", "Conv", [1, 16, 16, 16], 16, activation="Relu"),
        case("resnet_batch_relu", "Conv", [2, 8, 10, 10], 8, activation="Relu"),
        case("resnet_stride_2_no_bias", "Conv", [1, 8, 12, 12], 16, s=2, bias=False, activation="Relu"),
        # MobileNetV2's and EDSR's add without an activation; a depthwise layer; reflection padding.
        case("mobilenet_1x1_linear", "Conv1x1", [1, 32, 8, 8], 16),
        case("mobilenet_1x1_small", "Conv1x1", [1, 3, 2, 2], 2, bias=False),
        case("depthwise_linear", "Conv", [1, 8, 9, 9], 8, groups=8),
        case("reflect_relu", "Conv", [1, 4, 12, 12], 4, mode="Reflect", activation="Relu"),
        case("edsr_1d_double", "Conv", [1, 4, 40], 4, k=5, p=2, dtype=torch.float64),
        case("conv_3d_silu", "Conv", [1, 3, 5, 6, 7], 4, activation="Silu"),
        # Activations applied in a pass of their own, and PReLU with its slopes after the residual.
        case("silu_large", "Conv", [1, 8, 14, 14], 8, activation="Silu"),
        case("gelu_1x1_double", "Conv1x1", [1, 16, 30], 8, dtype=torch.float64, activation="Gelu"),
        case("prelu_large", "Conv", [1, 8, 12, 12], 8, activation="PRelu"),
        case("prelu_small_1x1", "Conv1x1", [2, 3, 4], 2, activation="PRelu"),
        case("leaky_small", "Conv", [1, 2, 5], 3, activation="LeakyRelu"),
        # Transposed convolutions: the phases of k4 s2 (DCGAN, VAE decoders), small and large, a batch, double.
        case("transposed_k4_s2_large_relu", "ConvTranspose", [1, 8, 8, 8], 8, k=4, s=2, p=1, activation="Relu"),
        case("transposed_k4_s2_small", "ConvTranspose", [1, 2, 3, 3], 2, k=4, s=2, p=1),
        case("transposed_1d_batch_tanh", "ConvTranspose", [3, 4, 20], 4, k=3, s=2, p=1, output_padding=1, activation="Tanh"),
        case("transposed_3d_double", "ConvTranspose", [1, 2, 3, 3, 3], 2, k=2, s=2, p=0, dtype=torch.float64),
    ]
    write("residual.json", "PyTorch " + torch.__version__ + " (make_residual.py)", SEED, cases)


if __name__ == "__main__":
    main()
