#!/usr/bin/env python3
"""A whole network for KernelGen's tests: a small HiFi-GAN V1 generator, in the layout of jik876/hifi-gan's Generator
(weight norm removed, as for inference), computed by PyTorch.

conv_pre (7 taps), then per upsampling stage a LeakyReLU(0.1), a transposed convolution, and the multi-receptive-field
fusion: the mean of ResBlock1s (kernels 3 and 5, dilations 1 and 3), each pair a LeakyReLU(0.1), a dilated
convolution, a LeakyReLU(0.1), a convolution and the input added; after the last stage a LeakyReLU with PyTorch's
default slope (0.01), conv_post and tanh. At 8 mel channels, widths 16, 8 and 4, upsampling by 4 then 2 from 10
frames, batch 2.

Writes hifigan.json: "input" [2, 8, 10], "output" [2, 1, 80], and "parameters", PyTorch's state_dict names to
flattened values. Needs PyTorch; the tests only read the JSON. Run: /usr/bin/python3 make_hifigan.py
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_format import write_network

SEED = 1214
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

SLOPE = 0.1


def padding(k, d):
    return (k * d - d) // 2


class ResBlock1(nn.Module):
    def __init__(self, channels, k, dilations):
        super().__init__()
        self.convs1 = nn.ModuleList([nn.Conv1d(channels, channels, k, 1, dilation=d, padding=padding(k, d)) for d in dilations])
        self.convs2 = nn.ModuleList([nn.Conv1d(channels, channels, k, 1, dilation=1, padding=padding(k, 1)) for _ in dilations])

    def forward(self, x):
        for c1, c2 in zip(self.convs1, self.convs2):
            xt = c1(F.leaky_relu(x, SLOPE))
            xt = c2(F.leaky_relu(xt, SLOPE))
            x = xt + x
        return x


class TinyGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.kernels = [3, 5]
        self.conv_pre = nn.Conv1d(8, 16, 7, 1, padding=3)
        self.ups = nn.ModuleList([nn.ConvTranspose1d(16, 8, 8, 4, padding=2), nn.ConvTranspose1d(8, 4, 4, 2, padding=1)])
        self.resblocks = nn.ModuleList([ResBlock1(ch, k, [1, 3]) for ch in (8, 4) for k in self.kernels])
        self.conv_post = nn.Conv1d(4, 1, 7, 1, padding=3)

    def forward(self, x):
        x = self.conv_pre(x)
        for i, up in enumerate(self.ups):
            x = up(F.leaky_relu(x, SLOPE))
            xs = sum(self.resblocks[i * len(self.kernels) + j](x) for j in range(len(self.kernels)))
            x = xs / len(self.kernels)
        return torch.tanh(self.conv_post(F.leaky_relu(x)))


def main():
    write_network("hifigan.json", "make_hifigan.py", SEED, TinyGenerator(), input_shape=(2, 8, 10))


if __name__ == "__main__":
    main()
