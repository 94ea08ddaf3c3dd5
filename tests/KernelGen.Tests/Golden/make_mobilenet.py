#!/usr/bin/env python3
"""A whole network for KernelGen's tests: a small MobileNetV2 in torchvision's layout, computed by PyTorch in eval mode.

A stem (conv 3x3 stride 2 + batch norm + ReLU6), three inverted residual blocks (expansion 1 without its expanding
1x1; expansion 4 with stride 2; expansion 4 with the residual added, no activation after it), each a 1x1 expansion, a
3x3 depthwise convolution and a linear 1x1 projection with batch norms, then a 1x1 convolution with ReLU6, global
average pooling and the classifier (dropout is nothing in eval mode): every kind of layer MobileNetV2 has, at widths
8 to 64 on a 3x32x32 input, batch 2. Batch-norm statistics are random, so folding them matters.

Writes mobilenet.json: "input" [2, 3, 32, 32], "output" [2, 10], and "parameters", PyTorch's state_dict names to
flattened values. Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_mobilenet.py
"""

import torch
import torch.nn as nn

from golden_format import write_network

SEED = 1211
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def conv_bn(cin, cout, k, stride, groups=1, relu6=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if relu6:
        layers.append(nn.ReLU6())
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expansion):
        super().__init__()
        hidden = cin * expansion
        self.use_residual = stride == 1 and cin == cout
        layers = [] if expansion == 1 else [conv_bn(cin, hidden, 1, 1)]
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden), conv_bn(hidden, cout, 1, 1, relu6=False)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_residual else self.conv(x)


class TinyMobileNetV2(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(3, 8, 3, 2),
            InvertedResidual(8, 8, 1, 1),
            InvertedResidual(8, 16, 2, 4),
            InvertedResidual(16, 16, 1, 4),
            conv_bn(16, 32, 1, 1))
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(32, 10))

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def main():
    write_network("mobilenet.json", "make_mobilenet.py", SEED, TinyMobileNetV2())


if __name__ == "__main__":
    main()
