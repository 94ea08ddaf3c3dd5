#!/usr/bin/env python3
"""Exports the benchmark's models to ONNX for ONNX Runtime (ort_bench.js): the sample's trained autoencoder
(samples/KernelGen.Demo/Autoencoder/train.py, weights from its safetensors file, batch norms in eval mode) at batch
1 and 32, and the layers of docs/benchmarks.md as single-layer models.

Needs PyTorch and Debian's python3-onnx. Run: /usr/bin/python3 export_models.py [names...] (writes *.onnx beside this script; names: only those).
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "..", "samples", "KernelGen.Demo", "Autoencoder")
sys.path.insert(0, SAMPLE)
from train import Autoencoder  # noqa: E402

torch.set_grad_enabled(False)


def read_safetensors(path):
    """The reader side of the format, as train.py wrote it: F32 and I64 tensors."""
    with open(path, "rb") as f:
        data = f.read()
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[entry["dtype"]]
        tensors[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype).reshape(entry["shape"])
    return tensors


def export(model, example, name):
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(model, example, path, input_names=["x"], output_names=["y"], opset_version=13)
    with open(path + ".shape", "w") as f:
        json.dump(list(example.shape), f)
    print("wrote", path)


class WithConstant(nn.Module):
    """f(x, c) with c a random constant of the given shape: the second operand of an element-wise layer, an initializer."""

    def __init__(self, f, shape):
        super().__init__()
        self.f = f
        self.register_buffer("c", torch.randn(shape))

    def forward(self, x):
        return self.f(x, self.c)


class Residual(nn.Module):
    """layer(x) + x, then ReLU when asked: a ResNet block's end (ONNX Runtime fuses Conv, Add and Relu on its CPU)."""

    def __init__(self, layer, relu):
        super().__init__()
        self.layer, self.relu = layer, relu

    def forward(self, x):
        y = self.layer(x) + x
        return torch.relu(y) if self.relu else y


def Affine(norm):
    """A normalization with random per-channel weight and bias (not the identity PyTorch initializes)."""
    norm.weight.copy_(torch.rand(norm.weight.shape) + 0.5)
    norm.bias.copy_(torch.randn(norm.bias.shape))
    return norm


def main():
    # Names on the command line export only those (the others' files stay as committed); none exports everything.
    wanted = set(sys.argv[1:])
    model = Autoencoder()
    model.load_state_dict(read_safetensors(os.path.join(SAMPLE, "autoencoder.safetensors")))
    model.eval()
    for batch in (1, 32):
        if not wanted or f"autoencoder_b{batch}" in wanted:
            export(model, torch.rand(batch, 1, 28, 28), f"autoencoder_b{batch}")
    layers = {
        "Encoder1": (nn.Conv2d(1, 16, 3, 2, 1), (1, 28, 28)),
        "Encoder2": (nn.Conv2d(16, 32, 3, 2, 1), (16, 14, 14)),
        "DecoderConv": (nn.Conv2d(64, 64, 3, 1, 1), (64, 32, 32)),
        "ResNet56": (nn.Conv2d(64, 64, 3, 1, 1), (64, 56, 56)),
        "ResNet28": (nn.Conv2d(128, 128, 3, 1, 1), (128, 28, 28)),
        "ResNet14": (nn.Conv2d(256, 256, 3, 1, 1), (256, 14, 14)),
        "ResNet7": (nn.Conv2d(512, 512, 3, 1, 1), (512, 7, 7)),
        "Taesd64": (nn.Conv2d(64, 64, 3, 1, 1), (64, 64, 64)),
        "Downsample": (nn.Conv2d(64, 128, 3, 2, 1), (64, 64, 64)),
        "DepthwiseConv": (nn.Conv2d(64, 64, 3, 1, 1, groups=64), (64, 56, 56)),
        "ResBlock1d": (nn.Conv1d(128, 128, 3, 1, 3, dilation=3), (128, 1024)),
        "Volume3d": (nn.Conv3d(16, 32, 3, 2, 1), (16, 16, 16, 16)),
        # The transposed convolutions, 1x1 convolutions and upsamplings of the tables.
        "Dcgan": (nn.ConvTranspose2d(128, 64, 4, 2, 1), (128, 16, 16)),
        "UNet": (nn.ConvTranspose2d(64, 32, 2, 2), (64, 32, 32)),
        "Autoencoder1": (nn.ConvTranspose2d(32, 16, 3, 2, 1, output_padding=1), (32, 7, 7)),
        "Autoencoder2": (nn.ConvTranspose2d(16, 1, 3, 2, 1, output_padding=1), (16, 14, 14)),
        "Depthwise": (nn.ConvTranspose2d(64, 64, 4, 2, 1, groups=64, bias=False), (64, 32, 32)),
        "Dilated": (nn.ConvTranspose2d(64, 32, 3, 2, 2, output_padding=1, dilation=2), (64, 32, 32)),
        "Vocoder8x": (nn.ConvTranspose1d(512, 256, 16, 8, 4), (512, 32)),
        "Vocoder2x": (nn.ConvTranspose1d(128, 64, 4, 2, 1), (128, 2048)),
        "UNet3d": (nn.ConvTranspose3d(64, 32, 2, 2), (64, 16, 16, 16)),
        "Gan3d": (nn.ConvTranspose3d(64, 32, 4, 2, 1), (64, 8, 8, 8)),
        "Projection": (nn.Conv2d(256, 64, 1), (256, 28, 28)),
        "SmallProjection": (nn.Conv2d(32, 16, 1, bias=False), (32, 16, 16)),
        "SequenceProjection": (nn.Conv1d(256, 256, 1), (256, 200)),
        "Nearest": (nn.Upsample(scale_factor=2, mode="nearest"), (64, 32, 32)),
        "Bilinear": (nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), (64, 32, 32)),
        "BilinearDown": (nn.Upsample(size=(64, 64), mode="bilinear", align_corners=False), (64, 128, 128)),
        "Trilinear": (nn.Upsample(scale_factor=2, mode="trilinear", align_corners=False), (32, 16, 16, 16)),
        "Linear1d": (nn.Upsample(scale_factor=2, mode="linear", align_corners=False), (64, 4096)),
        "Bicubic": (nn.Upsample(scale_factor=2, mode="bicubic", align_corners=False), (64, 32, 32)),
        # The pools, element-wise kernels, pixel shuffles and normalizations (a second operand as a constant of the model).
        "MaxPoolStem": (nn.MaxPool2d(3, 2, 1), (64, 112, 112)),
        "MaxPool2x2": (nn.MaxPool2d(2), (64, 64, 64)),
        "AvgPool2x2": (nn.AvgPool2d(2), (64, 64, 64)),
        "AvgPool3x3": (nn.AvgPool2d(3, 1, 1), (64, 32, 32)),
        "ActivateLeaky": (nn.LeakyReLU(0.1), (256, 8192)),
        "ActivateSilu": (nn.SiLU(), (128, 64, 64)),
        "ResidualAddRelu": (WithConstant(lambda x, c: torch.relu(x + c), (1, 64, 56, 56)), (64, 56, 56)),
        "ExciteMul": (WithConstant(lambda x, c: x * c, (1, 96, 1, 1)), (96, 28, 28)),
        "ShuffleEspcn": (nn.PixelShuffle(3), (9, 128, 128)),
        "ShuffleEdsr": (nn.PixelShuffle(2), (256, 48, 48)),
        "LinearHead": (nn.Linear(512, 1000), (512,)),
        "DecoderConvResidual": (Residual(nn.Conv2d(64, 64, 3, 1, 1), relu=True), (64, 32, 32)),
        "SequenceProjectionResidual": (Residual(nn.Conv1d(256, 256, 1), relu=False), (256, 200)),
        "GroupNormSilu": (nn.Sequential(Affine(nn.GroupNorm(32, 128)), nn.SiLU()), (128, 64, 64)),
        "InstanceNormRelu": (nn.Sequential(Affine(nn.InstanceNorm2d(128, affine=True)), nn.ReLU()), (128, 64, 64)),
        "SoftmaxSegmentation": (nn.Softmax(dim=1), (21, 128, 128)),
    }
    for name, (layer, shape) in layers.items():
        if not wanted or name in wanted:
            export(layer.eval(), torch.randn(1, *shape), name)
    # A batch of 8 rows for the classifier (the others are one sample).
    if not wanted or "LinearHeadBatch8" in wanted:
        export(nn.Linear(512, 1000).eval(), torch.randn(8, 512), "LinearHeadBatch8")
    if not wanted or "SoftmaxClassifierBatch8" in wanted:
        export(nn.Softmax(dim=1).eval(), torch.randn(8, 1000), "SoftmaxClassifierBatch8")


if __name__ == "__main__":
    main()
