#!/usr/bin/env python3
"""A whole network for KernelGen's tests: a small ResNet in torchvision's layout, computed by PyTorch in eval mode.

Stem (conv 7x7 stride 2 + batch norm + ReLU, max pool 3 stride 2), a basic block (two 3x3 convolutions with batch
norm, the identity added before the ReLU), a downsampling basic block (stride 2, a 1x1 stride-2 convolution with
batch norm on the shortcut), global average pooling and a fully connected layer: every kind of layer ResNet-18 has, at
widths 8 and 16 on a 3x32x32 input, batch 2. Batch-norm statistics are random (not the identity), so folding them
matters. The convolutions have no bias, as in torchvision; the tests fold each batch norm into a zero bias with the
generated {M}FoldBatchNorm, as a user would.

Writes resnet.json: "input" [2, 3, 32, 32], "output" [2, 10], and "parameters", PyTorch's state_dict names to
flattened values. Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_resnet.py
"""

import torch
import torch.nn as nn

from golden_format import write_network

SEED = 1209
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        out += identity
        return torch.relu(out)


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = BasicBlock(8, 8, 1)
        self.layer2 = BasicBlock(8, 16, 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def main():
    write_network("resnet.json", "make_resnet.py", SEED, TinyResNet())


if __name__ == "__main__":
    main()
