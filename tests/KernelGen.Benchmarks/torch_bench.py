#!/usr/bin/env python3
"""Times the benchmark's workloads in PyTorch on this machine, one thread (or, with KERNELGEN_TORCH_THREADS=default, PyTorch's default), float32, one sample per call.

Needs PyTorch (Debian: apt-get install python3-torch python3-numpy libopenblas0-pthread); run with /usr/bin/python3.
Prints one line per workload: the median time per call over repeated timed batches, and GFLOP/s where it applies.
Run it in the same sitting as the BenchmarkDotNet project, so that the ratios in docs/benchmarks.md compare like with like.
"""
import os
import sys
import statistics
import time

# One thread unless KERNELGEN_TORCH_THREADS=default asks for PyTorch's default (every core), as a user runs it.
# torch.set_num_threads(1) does not reach Debian's OpenBLAS, whose pthread build otherwise runs a matrix product on
# every core (measured: the 256->64 projection took 185 us with the second core, 292 us on one). Set before the import.
ONE_THREAD = os.environ.get("KERNELGEN_TORCH_THREADS") != "default"
if ONE_THREAD:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch
import torch.nn.functional as F

if ONE_THREAD:
    torch.set_num_threads(1)
torch.set_grad_enabled(False)
torch.manual_seed(0)


def conv_t(cin, cout, size, k, s, p, op=0, groups=1, bias=True, dilation=1):
    x = torch.randn(1, cin, size, size)
    w = torch.randn(cin, cout // groups, k, k)
    b = torch.randn(cout) if bias else None
    macs = cin * (cout // groups) * size * size * k * k
    return (lambda: F.conv_transpose2d(x, w, b, stride=s, padding=p, output_padding=op, groups=groups, dilation=dilation)), macs


def conv_t1d(cin, cout, length, k, s, p):
    x = torch.randn(1, cin, length)
    w = torch.randn(cin, cout, k)
    b = torch.randn(cout)
    return (lambda: F.conv_transpose1d(x, w, b, stride=s, padding=p)), cin * cout * length * k


def conv_t3d(cin, cout, size, k, s, p):
    x = torch.randn(1, cin, size, size, size)
    w = torch.randn(cin, cout, k, k, k)
    b = torch.randn(cout)
    return (lambda: F.conv_transpose3d(x, w, b, stride=s, padding=p)), cin * cout * size ** 3 * k ** 3


def conv1x1(cin, cout, size, bias):
    x = torch.randn(1, cin, size, size)
    w = torch.randn(cout, cin, 1, 1)
    b = torch.randn(cout) if bias else None
    return (lambda: F.conv2d(x, w, b)), cin * cout * size * size


def conv1x1_1d(cin, cout, length):
    x = torch.randn(1, cin, length)
    w = torch.randn(cout, cin, 1)
    b = torch.randn(cout)
    return (lambda: F.conv1d(x, w, b)), cin * cout * length


def conv(cin, cout, size, k, s=1, p=0, groups=1, dilation=1):
    rank = len(size)
    x = torch.randn(1, cin, *size)
    w = torch.randn(cout, cin // groups, *([k] * rank))
    b = torch.randn(cout)
    fn = [F.conv1d, F.conv2d, F.conv3d][rank - 1]
    out = [(n + 2 * p - dilation * (k - 1) - 1) // s + 1 for n in size]
    macs = cout * (cin // groups) * k ** rank
    for o in out:
        macs *= o
    return (lambda: fn(x, w, b, stride=s, padding=p, dilation=dilation, groups=groups)), macs


def autoencoder(batch):
    # The sample's model (samples/KernelGen.Demo/Autoencoder/train.py), in eval mode, batch norms as PyTorch runs them.
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "KernelGen.Demo", "Autoencoder"))
    from train import Autoencoder
    model = Autoencoder().eval()
    x = torch.rand(batch, 1, 28, 28)
    return (lambda: model(x)), 0


def upsample(c, size, mode):
    x = torch.randn(1, c, size, size)
    kwargs = {"align_corners": False} if mode == "bilinear" else {}
    return (lambda: F.interpolate(x, scale_factor=2, mode=mode, **kwargs)), 0


def upsample_nd(c, size, mode):
    x = torch.randn(1, c, *size)
    return (lambda: F.interpolate(x, scale_factor=2, mode=mode, align_corners=False)), 0


def zoo(model, shape):
    """A model of the importer's zoo (tests/KernelGen.Tests/Zoo/make_zoo.py), eval mode, on an input of the zoo's shape."""
    model.eval()
    x = torch.randn(*shape)
    return (lambda: model(x)), 0


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "KernelGen.Tests", "Zoo"))
import make_zoo  # noqa: E402

WORKLOADS = {
    "SeedConvTranspose": conv_t(1, 1, 2, 3, 2, 0, bias=False),
    "SeedUpsample": upsample(1, 2, "nearest"),
    "Dcgan": conv_t(128, 64, 16, 4, 2, 1),
    "UNet": conv_t(64, 32, 32, 2, 2, 0),
    "Dilated": conv_t(64, 32, 32, 3, 2, 2, op=1, dilation=2),
    "Vocoder8x": conv_t1d(512, 256, 32, 16, 8, 4),
    "Vocoder2x": conv_t1d(128, 64, 2048, 4, 2, 1),
    "UNet3d": conv_t3d(64, 32, 16, 2, 2, 0),
    "Gan3d": conv_t3d(64, 32, 8, 4, 2, 1),
    "SequenceProjection": conv1x1_1d(256, 256, 200),
    "Autoencoder1": conv_t(32, 16, 7, 3, 2, 1, op=1),
    "Autoencoder2": conv_t(16, 1, 14, 3, 2, 1, op=1),
    "Depthwise": conv_t(64, 64, 32, 4, 2, 1, groups=64, bias=False),
    "Projection": conv1x1(256, 64, 28, True),
    "SmallProjection": conv1x1(32, 16, 16, False),
    "Encoder1": conv(1, 16, (28, 28), 3, 2, 1),
    "Encoder2": conv(16, 32, (14, 14), 3, 2, 1),
    "DecoderConv": conv(64, 64, (32, 32), 3, 1, 1),
    "ResNet56": conv(64, 64, (56, 56), 3, 1, 1),
    "ResNet28": conv(128, 128, (28, 28), 3, 1, 1),
    "ResNet14": conv(256, 256, (14, 14), 3, 1, 1),
    "ResNet7": conv(512, 512, (7, 7), 3, 1, 1),
    "Taesd64": conv(64, 64, (64, 64), 3, 1, 1),
    "Downsample": conv(64, 128, (64, 64), 3, 2, 1),
    "DepthwiseConv": conv(64, 64, (56, 56), 3, 1, 1, groups=64),
    "ResBlock1d": conv(128, 128, (1024,), 3, 1, 3, dilation=3),
    "Volume3d": conv(16, 32, (16, 16, 16), 3, 2, 1),
    "WholeModel.Autoencoder(Batch=1)": autoencoder(1),
    "WholeModel.Autoencoder(Batch=32)": autoencoder(32),
    "Nearest": upsample(64, 32, "nearest"),
    "Bilinear": upsample(64, 32, "bilinear"),
    "BilinearDown": (lambda x: (lambda: F.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False), 0))(torch.randn(1, 64, 128, 128)),
    "Trilinear": upsample_nd(32, (16, 16, 16), "trilinear"),
    "Linear1d": upsample_nd(64, (4096,), "linear"),
    "Bicubic": upsample_nd(64, (32, 32), "bicubic"),
    "NearestExact": (lambda x: (lambda: F.interpolate(x, scale_factor=1.5, mode="nearest-exact"), 0))(torch.randn(1, 64, 32, 32)),
    "MaxPoolStem": (lambda x: (lambda: F.max_pool2d(x, 3, stride=2, padding=1), 0))(torch.randn(1, 64, 112, 112)),
    "MaxPool2x2": (lambda x: (lambda: F.max_pool2d(x, 2), 0))(torch.randn(1, 64, 64, 64)),
    "AvgPool2x2": (lambda x: (lambda: F.avg_pool2d(x, 2), 0))(torch.randn(1, 64, 64, 64)),
    "AvgPool3x3": (lambda x: (lambda: F.avg_pool2d(x, 3, stride=1, padding=1), 0))(torch.randn(1, 64, 32, 32)),
    "ActivateLeaky": (lambda x: (lambda: F.leaky_relu(x, 0.1), 0))(torch.randn(1, 256, 8192)),
    "ActivateSilu": (lambda x: (lambda: F.silu(x), 0))(torch.randn(1, 128, 64, 64)),
    "ResidualAddRelu": (lambda x, y: (lambda: F.relu(x + y), 0))(torch.randn(1, 64, 56, 56), torch.randn(1, 64, 56, 56)),
    # torchvision's BasicBlock: out += identity; out = relu(out), in place (the values grow, the time does not).
    "ResidualAddRelu (in place)": (lambda x, y: (lambda: x.add_(y).relu_(), 0))(torch.randn(1, 64, 56, 56), torch.randn(1, 64, 56, 56)),
    "ShuffleEspcn": (lambda x: (lambda: F.pixel_shuffle(x, 3), 0))(torch.randn(1, 9, 128, 128)),
    "ShuffleEdsr": (lambda x: (lambda: F.pixel_shuffle(x, 2), 0))(torch.randn(1, 256, 48, 48)),
    "ExciteMul": (lambda x, s: (lambda: x * s, 0))(torch.randn(1, 96, 28, 28), torch.randn(1, 96, 1, 1)),
    "LinearHead": (lambda x, w, b: (lambda: F.linear(x, w, b), 512 * 1000))(torch.randn(1, 512), torch.randn(1000, 512), torch.randn(1000)),
    "LinearHeadBatch8": (lambda x, w, b: (lambda: F.linear(x, w, b), 8 * 512 * 1000))(torch.randn(8, 512), torch.randn(1000, 512), torch.randn(1000)),
    "DecoderConvResidual": (lambda x, w, b: (lambda: F.relu(F.conv2d(x, w, b, padding=1) + x), 64 * 64 * 9 * 1024))(torch.randn(1, 64, 32, 32), torch.randn(64, 64, 3, 3), torch.randn(64)),
    # torchvision's BasicBlock end as written there: out = conv(x); out += identity; relu in place.
    "DecoderConvResidual (in place)": (lambda x, w, b: (lambda: F.conv2d(x, w, b, padding=1).add_(x).relu_(), 64 * 64 * 9 * 1024))(torch.randn(1, 64, 32, 32), torch.randn(64, 64, 3, 3), torch.randn(64)),
    "SequenceProjectionResidual": (lambda x, w, b: (lambda: F.conv1d(x, w, b) + x, 256 * 256 * 200))(torch.randn(1, 256, 200), torch.randn(256, 256, 1), torch.randn(256)),
    "zoo/tiny_resnet": zoo(make_zoo.TinyResNet(), (2, 3, 32, 32)),
    "zoo/espcn": zoo(make_zoo.Espcn(), (1, 1, 16, 16)),
    "zoo/decoder": zoo(make_zoo.Decoder(), (1, 16, 4, 4)),
    "zoo/tiny_unet": zoo(make_zoo.TinyUNet(), (2, 1, 16, 16)),
    "zoo/tiny_style": zoo(make_zoo.TinyStyle(), (1, 3, 16, 16)),
    # The second round, at the zoo's shapes (a batch of 2 where the batch axis is dynamic, as ImportedModels.cs times them).
    **{"zoo/" + name: zoo(constructor(), (2 if dynamic else 1,) + shape[1:]) for name, (constructor, shape, dynamic, _) in make_zoo.SECOND_ROUND.items()},
    "SoftmaxSegmentation": (lambda x: (lambda: F.softmax(x, dim=1), 0))(torch.randn(1, 21, 128, 128)),
    "SoftmaxClassifierBatch8": (lambda x: (lambda: F.softmax(x, dim=1), 0))(torch.randn(8, 1000)),
    "GroupNormSilu": (lambda x, w, b: (lambda: F.silu(F.group_norm(x, 32, w, b)), 0))(torch.randn(1, 128, 64, 64), torch.rand(128), torch.randn(128)),
    "InstanceNormRelu": (lambda x, w, b: (lambda: F.relu(F.instance_norm(x, weight=w, bias=b)), 0))(torch.randn(1, 128, 64, 64), torch.rand(128), torch.randn(128)),
}


def per_call_seconds(fn, budget=0.5):
    for _ in range(20):
        fn()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start > 0.05:
            break
        calls *= 2
    samples = []
    deadline = time.perf_counter() + budget
    while time.perf_counter() < deadline or len(samples) < 5:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def main():
    print(f"PyTorch {torch.__version__}, threads {torch.get_num_threads()}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    for name, (fn, macs) in WORKLOADS.items():
        t = per_call_seconds(fn)
        rate = f"{2 * macs / t / 1e9:7.1f} GFLOP/s" if macs else ""
        print(f"{name:32} {t * 1e6:12.2f} us {rate}")


if __name__ == "__main__":
    main()
