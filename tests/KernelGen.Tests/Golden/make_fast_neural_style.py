#!/usr/bin/env python3
"""A whole network for KernelGen's tests: a small fast-neural-style TransformerNet (Johnson et al.), in the layout of
pytorch/examples' fast_neural_style, computed by PyTorch.

Reflection-padded convolutions (9x9, then 3x3 stride 2 twice), instance norms with affine weights and ReLU, a residual
block (conv, instance norm, ReLU, conv, instance norm, the input added), two upsampling layers (nearest x2, then a
reflection-padded 3x3 convolution), and a last 9x9 convolution: every kind of layer the original has, at widths 8, 16
and 32 on a 3x32x32 input, batch 2. The instance norms' weights and biases are random (not the identity).

Writes fast_neural_style.json: "input" [2, 3, 32, 32], "output" [2, 3, 32, 32], and "parameters", PyTorch's
state_dict names to flattened values. Needs PyTorch; the tests only read the JSON.
Run: /usr/bin/python3 make_fast_neural_style.py
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_format import write_network

SEED = 1213
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.reflection_pad = nn.ReflectionPad2d(k // 2)
        self.conv2d = nn.Conv2d(cin, cout, k, stride)

    def forward(self, x):
        return self.conv2d(self.reflection_pad(x))


class UpsampleConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride, upsample):
        super().__init__()
        self.upsample = upsample
        self.reflection_pad = nn.ReflectionPad2d(k // 2)
        self.conv2d = nn.Conv2d(cin, cout, k, stride)

    def forward(self, x):
        x = F.interpolate(x, mode="nearest", scale_factor=self.upsample)
        return self.conv2d(self.reflection_pad(x))


def norm(channels):
    n = nn.InstanceNorm2d(channels, affine=True)
    n.weight.copy_(torch.rand(channels) + 0.5)
    n.bias.copy_(torch.randn(channels) * 0.2)
    return n


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = ConvLayer(channels, channels, 3, 1)
        self.in1 = norm(channels)
        self.conv2 = ConvLayer(channels, channels, 3, 1)
        self.in2 = norm(channels)

    def forward(self, x):
        out = torch.relu(self.in1(self.conv1(x)))
        return self.in2(self.conv2(out)) + x


class TinyTransformerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.in1 = ConvLayer(3, 8, 9, 1), norm(8)
        self.conv2, self.in2 = ConvLayer(8, 16, 3, 2), norm(16)
        self.conv3, self.in3 = ConvLayer(16, 32, 3, 2), norm(32)
        self.res1 = ResidualBlock(32)
        self.deconv1, self.in4 = UpsampleConvLayer(32, 16, 3, 1, 2), norm(16)
        self.deconv2, self.in5 = UpsampleConvLayer(16, 8, 3, 1, 2), norm(8)
        self.deconv3 = ConvLayer(8, 3, 9, 1)

    def forward(self, x):
        y = torch.relu(self.in1(self.conv1(x)))
        y = torch.relu(self.in2(self.conv2(y)))
        y = torch.relu(self.in3(self.conv3(y)))
        y = self.res1(y)
        y = torch.relu(self.in4(self.deconv1(y)))
        y = torch.relu(self.in5(self.deconv2(y)))
        return self.deconv3(y)


def main():
    write_network("fast_neural_style.json", "make_fast_neural_style.py", SEED, TinyTransformerNet())


if __name__ == "__main__":
    main()
