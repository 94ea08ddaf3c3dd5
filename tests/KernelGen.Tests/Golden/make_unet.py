#!/usr/bin/env python3
"""A whole network for KernelGen's tests: a small U-Net (Ronneberger et al., in the common PyTorch layout with padded
convolutions and batch norm), computed by PyTorch in eval mode.

Two levels: double convolutions (3x3 + batch norm + ReLU, twice), a 2x2 max pool down, a 2x2 stride-2 transposed
convolution up, the skip connection concatenated along the channels (torch.cat([skip, up], 1)), and a 1x1 output
convolution; widths 8 and 16 on a 3x32x32 input, batch 2. Batch-norm statistics are random, so folding them matters.

Writes unet.json: "input" [2, 3, 32, 32], "output" [2, 2, 32, 32], and "parameters", PyTorch's state_dict names to
flattened values. Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_unet.py
"""

import torch
import torch.nn as nn

from golden_format import write_network

SEED = 1215
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.inc = double_conv(3, 8)
        self.pool = nn.MaxPool2d(2)
        self.down = double_conv(8, 16)
        self.up = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.conv = double_conv(16, 8)
        self.outc = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down(self.pool(x1))
        return self.outc(self.conv(torch.cat([x1, self.up(x2)], dim=1)))


def main():
    write_network("unet.json", "make_unet.py", SEED, TinyUNet())


if __name__ == "__main__":
    main()
