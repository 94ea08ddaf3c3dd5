#!/usr/bin/env python3
"""Trains the sample's 2x super-resolution network (ESPCN) with PyTorch and exports it as ONNX, which the sample's
project imports at build time through <KernelGenModel> (no hand-written layer: the importer writes them).

The data is drawn here, no download: 64x64 RGB pictures of soft-edged coloured discs, rectangles and strokes over
colour gradients; the network sees them shrunk by 2 (each output pixel the mean of a 2x2 block) and learns the
original. The model, ESPCN (Shi et al., 2016), fully convolutional:

  Conv2d(3, 32, 5, pad 2) -> tanh -> Conv2d(32, 16, 3, pad 1) -> tanh -> Conv2d(16, 12, 3, pad 1) -> PixelShuffle(2)

added to the input upscaled by bicubic interpolation (so that it learns the detail bicubic misses). An output pixel
depends on the input within 4 pixels of its source (2 + 1 + 1 through the convolutions, 2 through bicubic): the halo
the sample's tiles overlap by.

Writes, beside this script:
  espcn.onnx              the trained model, exported by torch.onnx.export (opset 13) for one tile of 3x48x48;
  reference.safetensors   the sample's embedded picture (Imaging/default.png, "input" [1, 3, 64, 64] in [0, 1]) and
                          the model run by PyTorch on the whole picture ("output" [1, 3, 128, 128]): the tiled C# run
                          must give the same.
Needs PyTorch and python3-onnx (Debian). Run: /usr/bin/python3 train.py  (a few minutes on two cores). The test
command never runs it.
"""
import math
import os
import random
import struct
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Autoencoder"))
from train import write_safetensors  # noqa: E402  (the autoencoder's safetensors writer, by the format's specification)

SEED = 2027
TILE = 48
STEPS = 6000


class Espcn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 32, 5, 1, 2)
        self.c2 = nn.Conv2d(32, 16, 3, 1, 1)
        self.c3 = nn.Conv2d(16, 12, 3, 1, 1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        # The detail bicubic interpolation misses, learned and added to it.
        detail = self.shuffle(self.c3(torch.tanh(self.c2(torch.tanh(self.c1(x))))))
        return F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False) + detail


def draw(rng, size=64):
    """One RGB picture in [0, 1]: a gradient, then four to eight soft-edged shapes in random colours."""
    y, x = torch.meshgrid(torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32), indexing="ij")
    a, b = [torch.tensor([rng.random() for _ in range(3)]).view(3, 1, 1) for _ in range(2)]
    angle = rng.uniform(0, 2 * math.pi)
    t = ((x * math.cos(angle) + y * math.sin(angle)) / size + 1) / 2
    image = a + (b - a) * t
    for _ in range(rng.randint(4, 8)):
        kind = rng.choice(["disc", "rect", "stroke"])
        cx, cy, r = rng.uniform(0, size), rng.uniform(0, size), rng.uniform(3, size / 3)
        if kind == "disc":
            distance = torch.sqrt((x - cx) ** 2 + (y - cy) ** 2) - r
        elif kind == "rect":
            distance = torch.maximum((x - cx).abs() - r, (y - cy).abs() - rng.uniform(2, size / 4))
        else:
            theta = rng.uniform(0, math.pi)
            along = (x - cx) * math.cos(theta) + (y - cy) * math.sin(theta)
            across = -(x - cx) * math.sin(theta) + (y - cy) * math.cos(theta)
            distance = torch.maximum(across.abs() - rng.uniform(0.6, 2.5), along.abs() - r)
        coverage = torch.clamp(0.5 - distance / rng.uniform(0.5, 1.5), 0, 1)
        colour = torch.tensor([rng.random() for _ in range(3)]).view(3, 1, 1)
        image = image * (1 - coverage) + colour * coverage
    return image


def psnr(a, b):
    return 10 * math.log10(1 / F.mse_loss(a.clamp(0, 1), b).item())


def read_png_rgb8(path):
    """The sample's default picture: an 8-bit RGB PNG without interlacing (what Imaging/default.png is)."""
    data = open(path, "rb").read()
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour == 2, "expected 8-bit RGB"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw, stride, rows, prior = zlib.decompress(idat), width * 3, [], bytearray(width * 3)
    for r in range(height):
        kind, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - 3] if i >= 3 else 0
            up, corner = prior[i], prior[i - 3] if i >= 3 else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        prior = line
    pixels = torch.tensor(list(b"".join(rows)), dtype=torch.float32).view(height, width, 3)
    return (pixels / 255).permute(2, 0, 1).unsqueeze(0)


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    model = Espcn()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, STEPS)
    held_out = torch.stack([draw(rng) for _ in range(32)])
    for step in range(STEPS):
        high = torch.stack([draw(rng) for _ in range(16)])
        loss = F.mse_loss(model(F.avg_pool2d(high, 2)), high)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 1000 == 0:
            print(f"step {step}: loss {loss.item():.5f}")

    model.eval()
    with torch.no_grad():
        low = F.avg_pool2d(held_out, 2)
        print(f"held-out PSNR: ESPCN {psnr(model(low), held_out):.2f} dB, bicubic {psnr(F.interpolate(low, scale_factor=2, mode='bicubic', align_corners=False), held_out):.2f} dB, "
              f"bilinear {psnr(F.interpolate(low, scale_factor=2, mode='bilinear', align_corners=False), held_out):.2f} dB")
        picture = read_png_rgb8(os.path.join(HERE, "..", "Imaging", "default.png"))
        write_safetensors(os.path.join(HERE, "reference.safetensors"), {"input": picture, "output": model(picture)})
        torch.onnx.export(model, torch.zeros(1, 3, TILE, TILE), os.path.join(HERE, "espcn.onnx"), input_names=["input"], output_names=["output"], opset_version=13)


if __name__ == "__main__":
    main()
