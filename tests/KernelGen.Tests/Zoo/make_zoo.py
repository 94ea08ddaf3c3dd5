#!/usr/bin/env python3
"""The model zoo of the ONNX importer's tests: small variants of the architectures users bring, defined here, exported
by PyTorch's torch.onnx.export as a user would export them, with one input and PyTorch's output for it.

For each model NAME: NAME.onnx (the model, weights as initializers), NAME.json (the input and output shapes and values,
and the exporter). Random weights with batch norms given random statistics (so that folding them matters), eval mode.
Needs PyTorch and Debian's python3-onnx; the tests only read the files. Run: /usr/bin/python3 make_zoo.py
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 2727
torch.manual_seed(SEED)
torch.set_grad_enabled(False)


class BasicBlock(nn.Module):
    """torchvision's BasicBlock: conv-bn-relu, conv-bn, plus the identity (or a 1x1 stride-2 projection), relu."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.down is None else self.down(x)
        return F.relu(out + identity)


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = BasicBlock(8, 8, 1)
        self.layer2 = BasicBlock(8, 16, 2)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


class Espcn(nn.Module):
    """ESPCN's super-resolution: tanh convolutions, then a convolution to r*r channels and a pixel shuffle."""

    def __init__(self, r=3):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 5, 1, 2)
        self.c2 = nn.Conv2d(16, 8, 3, 1, 1)
        self.c3 = nn.Conv2d(8, r * r, 3, 1, 1)
        self.shuffle = nn.PixelShuffle(r)

    def forward(self, x):
        return torch.sigmoid(self.shuffle(self.c3(torch.tanh(self.c2(torch.tanh(self.c1(x)))))))


class Decoder(nn.Module):
    """A VAE- or DCGAN-style decoder: transposed convolutions with batch norms and LeakyReLU, a bilinear upsampling,
    a depthwise convolution and a sigmoid."""

    def __init__(self):
        super().__init__()
        self.t1 = nn.ConvTranspose2d(16, 12, 4, 2, 1)
        self.bn1 = nn.BatchNorm2d(12)
        self.t2 = nn.ConvTranspose2d(12, 8, 4, 2, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.dw = nn.Conv2d(8, 8, 3, 1, 1, groups=8)
        self.out = nn.Conv2d(8, 3, 1)

    def forward(self, x):
        x = F.leaky_relu(self.bn1(self.t1(x)), 0.2)
        x = F.leaky_relu(self.bn2(self.t2(x)), 0.2)
        x = F.relu6(self.dw(self.up(x)))
        return torch.sigmoid(self.out(x))


class TinyUNet(nn.Module):
    """A U-Net of two levels: the encoder's features concatenated with the upsampled decoder's (torch.cat along
    channels), max pooling, a transposed convolution up, batch norms, a sigmoid head."""

    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(1, 8, 3, 1, 1), nn.BatchNorm2d(8), nn.ReLU())
        self.enc2 = nn.Sequential(nn.Conv2d(8, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.up = nn.ConvTranspose2d(16, 8, 2, 2)
        self.dec = nn.Sequential(nn.Conv2d(16, 8, 3, 1, 1), nn.ReLU())
        self.head = nn.Conv2d(8, 1, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        d = self.dec(torch.cat([e1, self.up(e2)], dim=1))
        return torch.sigmoid(self.head(d))


class ConvLayer(nn.Module):
    """fast-neural-style's convolution: reflection padding of k // 2, then the convolution without padding."""

    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.pad = nn.ReflectionPad2d(k // 2)
        self.conv = nn.Conv2d(cin, cout, k, stride)

    def forward(self, x):
        return self.conv(self.pad(x))


class TinyStyle(nn.Module):
    """A small fast-neural-style TransformerNet: reflection-padded convolutions, instance norms with ReLU, a residual
    block (x + norm(conv(relu(norm(conv(x)))))), nearest upsampling, a final convolution."""

    def __init__(self):
        super().__init__()
        self.c1 = ConvLayer(3, 8, 5, 1)
        self.n1 = nn.InstanceNorm2d(8, affine=True)
        self.c2 = ConvLayer(8, 16, 3, 2)
        self.n2 = nn.InstanceNorm2d(16, affine=True)
        self.r1 = ConvLayer(16, 16, 3, 1)
        self.rn1 = nn.InstanceNorm2d(16, affine=True)
        self.r2 = ConvLayer(16, 16, 3, 1)
        self.rn2 = nn.InstanceNorm2d(16, affine=True)
        self.up = ConvLayer(16, 8, 3, 1)
        self.n3 = nn.InstanceNorm2d(8, affine=True)
        self.out = ConvLayer(8, 3, 5, 1)

    def forward(self, x):
        y = F.relu(self.n1(self.c1(x)))
        y = F.relu(self.n2(self.c2(y)))
        y = y + self.rn2(self.r2(F.relu(self.rn1(self.r1(y)))))
        y = F.relu(self.n3(self.up(F.interpolate(y, scale_factor=2, mode="nearest"))))
        return self.out(y)


class WithSoftmax(nn.Module):
    """A convolution, then a softmax over the channels, which KernelGen has no kernel for: the importer's error case."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, 1, 1)

    def forward(self, x):
        return torch.softmax(self.conv(x), dim=1)


def randomize_batch_norms(model):
    for m in model.modules():
        if isinstance(m, nn.InstanceNorm2d) and m.affine:
            m.weight.copy_(torch.rand(m.num_features) + 0.5)
            m.bias.copy_(torch.randn(m.num_features) * 0.2)
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.copy_(torch.rand(c) + 0.5)
            m.bias.copy_(torch.randn(c) * 0.2)
            m.running_mean.copy_(torch.randn(c) * 0.2)
            m.running_var.copy_(torch.rand(c) + 0.5)


def export(name, model, shape, dynamic_batch=False, opset=13):
    randomize_batch_norms(model)
    model.eval()
    x = torch.randn(*shape)
    y = model(x)
    path = os.path.join(HERE, name + ".onnx")
    axes = {"input": {0: "batch"}, "output": {0: "batch"}} if dynamic_batch else None
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["output"], opset_version=opset, dynamic_axes=axes)
    data = {"exporter": f"PyTorch {torch.__version__}, opset {opset}", "seed": SEED, "input_shape": list(x.shape), "output_shape": list(y.shape),
            "input": [float(v) for v in x.reshape(-1).tolist()], "output": [float(v) for v in y.reshape(-1).tolist()]}
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"{name}: {os.path.getsize(path)} bytes")


def main():
    export("tiny_resnet", TinyResNet(), (2, 3, 32, 32), dynamic_batch=True)
    export("espcn", Espcn(), (1, 1, 16, 16), opset=11)
    export("decoder", Decoder(), (1, 16, 4, 4), opset=17)
    export("tiny_unet", TinyUNet(), (2, 1, 16, 16), dynamic_batch=True)
    export("unsupported_softmax", WithSoftmax(), (1, 1, 4, 4))
    export("tiny_style", TinyStyle(), (1, 3, 16, 16))
    # ESPCN again with its weights in an external data file beside it (ONNX's layout for models over 2 GB).
    import onnx
    model = onnx.load(os.path.join(HERE, "espcn.onnx"))
    onnx.save_model(model, os.path.join(HERE, "espcn_external.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="espcn_external.weights", size_threshold=0)
    print("espcn_external: weights in espcn_external.weights")


if __name__ == "__main__":
    main()
