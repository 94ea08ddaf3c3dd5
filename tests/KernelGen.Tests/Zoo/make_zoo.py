#!/usr/bin/env python3
"""The model zoo of the ONNX importer's tests: small variants of the architectures users bring, defined here, exported
by PyTorch's torch.onnx.export as a user would export them, with one input and PyTorch's output for it.

For each model NAME: NAME.onnx (the model, weights as initializers), NAME.json (the input and output shapes and values,
and the exporter). Random weights with batch norms given random statistics (so that folding them matters), eval mode.
Needs PyTorch and Debian's python3-onnx; the tests only read the files. Run: /usr/bin/python3 make_zoo.py
"""
import json
import os
import sys
import zlib

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
    """A convolution, then a softmax over the channels: a segmentation head's per-pixel class probabilities."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, 1, 1)

    def forward(self, x):
        return torch.softmax(self.conv(x), dim=1)


# ----- the second round of architectures (each built under its own seed, so that adding one leaves the others' files alone) -----


class InvertedResidual(nn.Module):
    """MobileNetV2's block: a 1x1 expansion with ReLU6, a depthwise 3x3 with ReLU6, a linear 1x1 projection, and the
    input added when the block keeps its shape."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6()]
        layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(),
                   nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res else self.conv(x)


class TinyMobileNetV2(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6(),
            InvertedResidual(8, 8, 1, 1), InvertedResidual(8, 12, 2, 4), InvertedResidual(12, 12, 1, 4),
            nn.Conv2d(12, 32, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6())
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(32, 10))

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


class EdsrBlock(nn.Module):
    def __init__(self, c, scale):
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, 1, 1)
        self.c2 = nn.Conv2d(c, c, 3, 1, 1)
        self.scale = scale

    def forward(self, x):
        return self.c2(F.relu(self.c1(x))).mul(self.scale) + x


class TinyEdsr(nn.Module):
    """EDSR: the mean shifted out and back by fixed 1x1 convolutions, residual blocks scaled by 0.1, a long skip, a
    pixel-shuffle upsampler."""

    def __init__(self):
        super().__init__()
        mean = torch.tensor([0.4488, 0.4371, 0.4040])
        self.sub_mean = nn.Conv2d(3, 3, 1)
        self.sub_mean.weight.copy_(torch.eye(3).view(3, 3, 1, 1))
        self.sub_mean.bias.copy_(-mean)
        self.add_mean = nn.Conv2d(3, 3, 1)
        self.add_mean.weight.copy_(torch.eye(3).view(3, 3, 1, 1))
        self.add_mean.bias.copy_(mean)
        self.head = nn.Conv2d(3, 16, 3, 1, 1)
        self.body = nn.Sequential(EdsrBlock(16, 0.1), EdsrBlock(16, 0.1), nn.Conv2d(16, 16, 3, 1, 1))
        self.up = nn.Sequential(nn.Conv2d(16, 64, 3, 1, 1), nn.PixelShuffle(2))
        self.tail = nn.Conv2d(16, 3, 3, 1, 1)

    def forward(self, x):
        x = self.head(self.sub_mean(x))
        x = self.body(x) + x
        return self.add_mean(self.tail(self.up(x)))


class HifiResBlock(nn.Module):
    """HiFi-GAN's ResBlock1: leaky ReLU before each dilated convolution, the input added after each pair."""

    def __init__(self, c, k, dilations):
        super().__init__()
        self.convs1 = nn.ModuleList([nn.Conv1d(c, c, k, 1, d * (k - 1) // 2, dilation=d) for d in dilations])
        self.convs2 = nn.ModuleList([nn.Conv1d(c, c, k, 1, (k - 1) // 2) for _ in dilations])

    def forward(self, x):
        for c1, c2 in zip(self.convs1, self.convs2):
            xt = c1(F.leaky_relu(x, 0.1))
            xt = c2(F.leaky_relu(xt, 0.1))
            x = xt + x
        return x


class TinyHifiGan(nn.Module):
    """HiFi-GAN's generator: a mel spectrogram in, transposed 1-D convolutions up, each followed by the average of
    multi-receptive-field residual blocks, leaky ReLU, a convolution to one channel and tanh."""

    def __init__(self):
        super().__init__()
        self.conv_pre = nn.Conv1d(16, 32, 7, 1, 3)
        self.ups = nn.ModuleList([nn.ConvTranspose1d(32, 16, 8, 4, 2), nn.ConvTranspose1d(16, 8, 4, 2, 1)])
        self.resblocks = nn.ModuleList([HifiResBlock(16, 3, (1, 3)), HifiResBlock(16, 5, (1, 3)),
                                        HifiResBlock(8, 3, (1, 3)), HifiResBlock(8, 5, (1, 3))])
        self.conv_post = nn.Conv1d(8, 1, 7, 1, 3)

    def forward(self, x):
        x = self.conv_pre(x)
        for i, up in enumerate(self.ups):
            x = up(F.leaky_relu(x, 0.1))
            xs = self.resblocks[2 * i](x) + self.resblocks[2 * i + 1](x)
            x = xs / 2
        return torch.tanh(self.conv_post(F.leaky_relu(x)))


class TaesdBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.ReLU(), nn.Conv2d(c, c, 3, padding=1), nn.ReLU(), nn.Conv2d(c, c, 3, padding=1))

    def forward(self, x):
        return F.relu(self.conv(x) + x)


class TinyTaesdDecoder(nn.Module):
    """TAESD's decoder: latents clamped softly by tanh(x / 3) * 3, blocks of three convolutions with the input added,
    nearest upsampling, a convolution without bias after each, and a convolution to RGB."""

    def __init__(self):
        super().__init__()
        self.c_in = nn.Conv2d(4, 16, 3, padding=1)
        self.b1 = TaesdBlock(16)
        self.up1 = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.b2 = TaesdBlock(16)
        self.up2 = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.b3 = TaesdBlock(16)
        self.c_out = nn.Conv2d(16, 3, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.c_in(torch.tanh(x / 3) * 3))
        x = self.up1(F.interpolate(self.b1(x), scale_factor=2))
        x = self.up2(F.interpolate(self.b2(x), scale_factor=2))
        return self.c_out(self.b3(x))


class Fsrcnn(nn.Module):
    """FSRCNN: feature extraction, shrinking, mapping and expanding convolutions with per-channel PReLU, then a
    transposed convolution of 9 with stride 2 as the upsampler."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 5, 1, 2), nn.PReLU(16), nn.Conv2d(16, 6, 1), nn.PReLU(6),
            nn.Conv2d(6, 6, 3, 1, 1), nn.PReLU(6), nn.Conv2d(6, 6, 3, 1, 1), nn.PReLU(6),
            nn.Conv2d(6, 16, 1), nn.PReLU(16))
        self.deconv = nn.ConvTranspose2d(16, 1, 9, 2, 4, output_padding=1)

    def forward(self, x):
        return self.deconv(self.body(x))


class CycleGanResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.block = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c), nn.ReLU(),
                                   nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c))

    def forward(self, x):
        return x + self.block(x)


class TinyCycleGan(nn.Module):
    """CycleGAN's ResNet generator: reflection-padded 7x7 convolutions, instance norms without affine parameters, a
    stride-2 convolution down, residual blocks, a transposed convolution up with output padding, tanh."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.ReflectionPad2d(3), nn.Conv2d(3, 8, 7), nn.InstanceNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 16, 3, 2, 1), nn.InstanceNorm2d(16), nn.ReLU(),
            CycleGanResBlock(16), CycleGanResBlock(16),
            nn.ConvTranspose2d(16, 8, 3, 2, 1, output_padding=1), nn.InstanceNorm2d(8), nn.ReLU(),
            nn.ReflectionPad2d(3), nn.Conv2d(8, 3, 7), nn.Tanh())

    def forward(self, x):
        return self.model(x)


class DcganGenerator(nn.Module):
    """DCGAN's generator: a latent vector as a 1x1 image, transposed convolutions of 4 with batch norms and ReLU, tanh."""

    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(16, 32, 4, 1, 0, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 4, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
            nn.ConvTranspose2d(8, 3, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, x):
        return self.main(x)


class Srcnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 9, 1, 4)
        self.c2 = nn.Conv2d(16, 8, 5, 1, 2)
        self.c3 = nn.Conv2d(8, 1, 5, 1, 2)

    def forward(self, x):
        return self.c3(F.relu(self.c2(F.relu(self.c1(x)))))


class TinySegNet(nn.Module):
    """A fully convolutional segmentation net: convolutions with batch norms, max and average pooling down, a bilinear
    resize back to the input's size, a 1x1 classifier per pixel."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1), nn.BatchNorm2d(8), nn.ReLU())
        self.c2 = nn.Sequential(nn.Conv2d(8, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.c3 = nn.Sequential(nn.Conv2d(16, 16, 3, 1, 2, dilation=2), nn.BatchNorm2d(16), nn.ReLU())
        self.cls = nn.Conv2d(16, 5, 1)

    def forward(self, x):
        size = x.shape[2:]
        y = self.c1(x)
        y = self.c2(F.max_pool2d(y, 2))
        y = self.c3(F.avg_pool2d(y, 3, 2, 1))
        return F.interpolate(self.cls(y), size=size, mode="bilinear", align_corners=False)


class Autoencoder3d(nn.Module):
    """A volumetric autoencoder: 3-D convolutions down with stride 2, transposed 3-D convolutions up, a sigmoid."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv3d(1, 8, 3, 2, 1), nn.ReLU(), nn.Conv3d(8, 16, 3, 2, 1), nn.ReLU())
        self.dec = nn.Sequential(nn.ConvTranspose3d(16, 8, 4, 2, 1), nn.ReLU(), nn.ConvTranspose3d(8, 1, 4, 2, 1), nn.Sigmoid())

    def forward(self, x):
        return self.dec(self.enc(x))


class GuidedHeads(nn.Module):
    """Two inputs and two outputs: an image and a guide map convolved and summed into shared features, then a
    reconstruction head and a sigmoid mask head (an inpainting or matting net's shape)."""

    def __init__(self):
        super().__init__()
        self.image = nn.Conv2d(3, 8, 3, 1, 1)
        self.guide = nn.Conv2d(1, 8, 3, 1, 1)
        self.out = nn.Conv2d(8, 3, 3, 1, 1)
        self.mask = nn.Conv2d(8, 1, 1)

    def forward(self, image, guide):
        f = F.relu(self.image(image) + self.guide(guide))
        return self.out(f), torch.sigmoid(self.mask(f))


def export_several(name, model, shapes, input_names, output_names, opset=13):
    """A model of several inputs and outputs, with a dynamic batch: NAME.json lists each input and output."""
    torch.manual_seed(zlib.crc32(name.encode()))
    model.eval()
    xs = [torch.randn(*shape) for shape in shapes]
    ys = model(*xs)
    path = os.path.join(HERE, name + ".onnx")
    axes = {n: {0: "batch"} for n in input_names + output_names}
    torch.onnx.export(model, tuple(xs), path, input_names=input_names, output_names=output_names, opset_version=opset, dynamic_axes=axes)
    data = {"exporter": f"PyTorch {torch.__version__}, opset {opset}", "seed": SEED,
            "inputs": [{"name": n, "shape": list(x.shape), "values": [float(v) for v in x.reshape(-1).tolist()]} for n, x in zip(input_names, xs)],
            "outputs": [{"name": n, "shape": list(y.shape), "values": [float(v) for v in y.reshape(-1).tolist()]} for n, y in zip(output_names, ys)]}
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"{name}: {os.path.getsize(path)} bytes")


class VaeResBlock(nn.Module):
    """A diffusion VAE decoder's ResnetBlock: group norm and SiLU before each convolution, the input added."""

    def __init__(self, c, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, c)
        self.conv1 = nn.Conv2d(c, c, 3, 1, 1)
        self.norm2 = nn.GroupNorm(groups, c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        return x + self.conv2(F.silu(self.norm2(h)))


class TinyVaeDecoder(nn.Module):
    """A small Stable Diffusion VAE decoder without attention: latents in, a residual block with group norms and SiLU,
    nearest upsampling and a convolution, a group norm, SiLU and a convolution to RGB. PyTorch 1.13 exports GroupNorm
    (before opset 18) as a Reshape to [N, groups, -1], an InstanceNormalization of ones and zeros, a Reshape back, and
    the per-channel weight and bias as Mul and Add."""

    def __init__(self):
        super().__init__()
        self.conv_in = nn.Conv2d(4, 16, 3, 1, 1)
        self.block = VaeResBlock(16, 4)
        self.up = nn.Conv2d(16, 8, 3, 1, 1)
        self.norm_out = nn.GroupNorm(4, 8)
        self.conv_out = nn.Conv2d(8, 3, 3, 1, 1)

    def forward(self, z):
        x = self.block(self.conv_in(z))
        x = self.up(F.interpolate(x, scale_factor=2, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(x)))


# name: (the model's constructor, the input's shape, a dynamic batch, the opset)
SECOND_ROUND = {
    "tiny_mobilenet_v2": (TinyMobileNetV2, (2, 3, 32, 32), True, 13),
    "tiny_edsr": (TinyEdsr, (1, 3, 12, 12), False, 13),
    "tiny_hifigan": (TinyHifiGan, (1, 16, 10), False, 13),
    "tiny_taesd_decoder": (TinyTaesdDecoder, (1, 4, 8, 8), False, 17),
    "fsrcnn": (Fsrcnn, (1, 1, 12, 12), False, 11),
    "tiny_cyclegan": (TinyCycleGan, (1, 3, 16, 16), False, 13),
    "dcgan_generator": (DcganGenerator, (2, 16, 1, 1), True, 13),
    "srcnn": (Srcnn, (1, 1, 16, 16), False, 11),
    "tiny_segnet": (TinySegNet, (1, 3, 16, 16), False, 13),
    "autoencoder_3d": (Autoencoder3d, (1, 1, 8, 8, 8), False, 13),
    "tiny_vae_decoder": (TinyVaeDecoder, (1, 4, 8, 8), False, 17),
}


def export_second_round(names):
    for name in names:
        constructor, shape, dynamic_batch, opset = SECOND_ROUND[name]
        torch.manual_seed(zlib.crc32(name.encode()))
        export(name, constructor(), shape, dynamic_batch, opset)


def randomize_batch_norms(model):
    for m in model.modules():
        if isinstance(m, (nn.InstanceNorm2d, nn.GroupNorm)) and m.affine:
            m.weight.copy_(torch.rand(m.weight.numel()) + 0.5)
            m.bias.copy_(torch.randn(m.weight.numel()) * 0.2)
        if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm3d)):
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
    export("conv_softmax", WithSoftmax(), (1, 1, 4, 4))
    export("tiny_style", TinyStyle(), (1, 3, 16, 16))
    # ESPCN again with its weights in an external data file beside it (ONNX's layout for models over 2 GB).
    import onnx
    model = onnx.load(os.path.join(HERE, "espcn.onnx"))
    onnx.save_model(model, os.path.join(HERE, "espcn_external.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="espcn_external.weights", size_threshold=0)
    print("espcn_external: weights in espcn_external.weights")


if __name__ == "__main__":
    # make_zoo.py writes every model; make_zoo.py NAME... writes those of the second round named (or guided_heads).
    if sys.argv[1:] == ["guided_heads"]:
        export_several("guided_heads", GuidedHeads(), [(2, 3, 8, 8), (2, 1, 8, 8)], ["image", "guide"], ["reconstruction", "mask"])
    elif len(sys.argv) > 1:
        export_second_round(sys.argv[1:])
    else:
        main()
        export_second_round(SECOND_ROUND)
        export_several("guided_heads", GuidedHeads(), [(2, 3, 8, 8), (2, 1, 8, 8)], ["image", "guide"], ["reconstruction", "mask"])
