#!/usr/bin/env python3
"""Trains the sample's convolutional autoencoder with PyTorch and exports it for KernelGen.

The data is drawn here, no download: 28x28 grayscale images of filled and outlined discs, rectangles, triangles and
strokes at random places and sizes. The model (1x28x28 -> 4x7x7 -> 1x28x28):

  encoder  Conv2d(1, 16, 3, stride 2, pad 1) -> BatchNorm2d(16) -> ReLU       16x14x14
           Conv2d(16, 32, 3, stride 2, pad 1) -> ReLU                         32x7x7
           Conv2d(32, 4, 1)                                                   4x7x7   (the code)
  decoder  Conv2d(4, 32, 1) -> ReLU                                           32x7x7
           ConvTranspose2d(32, 16, 3, stride 2, pad 1, output_padding 1) -> BatchNorm2d(16) -> ReLU   16x14x14
           ConvTranspose2d(16, 1, 3, stride 2, pad 1, output_padding 1) -> Sigmoid                    1x28x28

Writes, beside this script:
  autoencoder.safetensors  the trained state dict (float32; batch norms with running statistics), in the safetensors
                           format, written here by its specification (the safetensors package is not installable on
                           this machine's registries);
  reference.safetensors    eight held-out images ("inputs", [8, 1, 28, 28]) and the model's reconstructions in eval
                           mode ("outputs"), which the tests compare KernelGen's reconstruction with.
Needs PyTorch (Debian: python3-torch). Run: /usr/bin/python3 train.py  (about a minute on two cores). The test command
never runs it.
"""
import json
import math
import os
import random
import struct

import torch
import torch.nn as nn

SEED = 2026
HERE = os.path.dirname(os.path.abspath(__file__))


def draw(rng):
    """One 28x28 image in [0, 1]: a shape, filled or outlined, with soft edges."""
    y, x = torch.meshgrid(torch.arange(28, dtype=torch.float32), torch.arange(28, dtype=torch.float32), indexing="ij")
    kind = rng.choice(["disc", "rect", "triangle", "stroke"])
    cx, cy, size = rng.uniform(8, 20), rng.uniform(8, 20), rng.uniform(4, 9)
    if kind == "disc":
        distance = torch.sqrt((x - cx) ** 2 + (y - cy) ** 2) - size
    elif kind == "rect":
        w, h = size, rng.uniform(3, 9)
        distance = torch.maximum((x - cx).abs() - w, (y - cy).abs() - h)
    elif kind == "triangle":
        distance = torch.maximum(torch.maximum(-(y - cy) - size * 0.5, (y - cy) * 0.5 + (x - cx) * 0.87 - size * 0.5), (y - cy) * 0.5 - (x - cx) * 0.87 - size * 0.5)
    else:
        angle = rng.uniform(0, math.pi)
        dx, dy = math.cos(angle), math.sin(angle)
        along = (x - cx) * dx + (y - cy) * dy
        across = -(x - cx) * dy + (y - cy) * dx
        distance = torch.maximum(across.abs() - 1.2, along.abs() - size)
    if kind != "stroke" and rng.random() < 0.4:
        distance = distance.abs() - 1.0  # outlined
    return torch.clamp(0.5 - distance, 0, 1)


class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.e1, self.bn1 = nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16)
        self.e2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.e3 = nn.Conv2d(32, 4, 1)
        self.d1 = nn.Conv2d(4, 32, 1)
        self.d2, self.bn2 = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.BatchNorm2d(16)
        self.d3 = nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        h = torch.relu(self.bn1(self.e1(x)))
        h = torch.relu(self.e2(h))
        code = self.e3(h)
        h = torch.relu(self.d1(code))
        h = torch.relu(self.bn2(self.d2(h)))
        return torch.sigmoid(self.d3(h))


def write_safetensors(path, tensors):
    """The format by its specification: u64 little-endian header length, JSON header, then the raw data."""
    header, blobs, offset = {"__metadata__": {"format": "pt", "source": "KernelGen sample train.py"}}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as writers do
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    train = torch.stack([draw(rng) for _ in range(6000)]).unsqueeze(1)
    held_out = torch.stack([draw(rng) for _ in range(8)]).unsqueeze(1)
    model = Autoencoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(12):
        permutation = torch.randperm(len(train))
        total = 0.0
        for start in range(0, len(train), 64):
            batch = train[permutation[start:start + 64]]
            loss = nn.functional.binary_cross_entropy(model(batch), batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss) * len(batch)
        print(f"epoch {epoch + 1}: loss {total / len(train):.4f}")
    model.eval()
    with torch.no_grad():
        outputs = model(held_out)
    print(f"held-out mean absolute error {float((outputs - held_out).abs().mean()):.4f}")
    write_safetensors(os.path.join(HERE, "autoencoder.safetensors"), model.state_dict())
    write_safetensors(os.path.join(HERE, "reference.safetensors"), {"inputs": held_out, "outputs": outputs})


if __name__ == "__main__":
    main()
