#!/usr/bin/env python3
"""A whole network for KernelGen's tests: a small FSRCNN (Dong et al., 2016), in the common PyTorch layout, computed
by PyTorch.

Feature extraction (5x5 convolution and a per-channel PReLU), shrinking (1x1 and PReLU), mapping (two 3x3
convolutions, each with a PReLU; the second with one slope for all channels, nn.PReLU()), expanding (1x1 and PReLU)
and the deconvolution (9x9 transposed convolution, stride 2, pad 4, output padding 1): every kind of layer the
original has, at d = 12, s = 4, m = 2 on a 1x16x16 input, batch 2; the slopes are random (not PyTorch's 0.25).

Writes fsrcnn.json: "input" [2, 1, 16, 16], "output" [2, 1, 32, 32], and "parameters", PyTorch's state_dict names to
flattened values. Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_fsrcnn.py
"""

import torch
import torch.nn as nn

from golden_format import write_network

SEED = 1217
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


def prelu(channels):
    p = nn.PReLU(channels)
    p.weight.copy_(torch.rand(channels) * 0.5 - 0.1)
    return p


class TinyFsrcnn(nn.Module):
    def __init__(self, d=12, s=4):
        super().__init__()
        self.feature = nn.Sequential(nn.Conv2d(1, d, 5, padding=2), prelu(d))
        self.shrink = nn.Sequential(nn.Conv2d(d, s, 1), prelu(s))
        self.map = nn.Sequential(nn.Conv2d(s, s, 3, padding=1), prelu(s), nn.Conv2d(s, s, 3, padding=1), prelu(1))
        self.expand = nn.Sequential(nn.Conv2d(s, d, 1), prelu(d))
        self.deconv = nn.ConvTranspose2d(d, 1, 9, stride=2, padding=4, output_padding=1)

    def forward(self, x):
        return self.deconv(self.expand(self.map(self.shrink(self.feature(x)))))


def main():
    write_network("fsrcnn.json", "make_fsrcnn.py", SEED, TinyFsrcnn(), input_shape=(2, 1, 16, 16))


if __name__ == "__main__":
    main()
