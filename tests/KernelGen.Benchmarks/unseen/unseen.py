#!/usr/bin/env python3
"""Layers no benchmark row lists, timed beside PyTorch: a check that speed holds outside the benchmark list.

The shapes come from published architectures other than the benchmark rows' (DCGAN's early and last layers, HiFi-GAN's
x8 stage at a later size, EnCodec's stride-5 decoder, FCN's x4 up-convolution, MobileNet and ResNet stems, HiFi-GAN's
mel input convolution, Tacotron's postnet, MobileNetV2's expansion, ...) and from sizes chosen to be awkward (odd sizes,
lengths that are not a whole number of vectors, factors below 1).

    python3 unseen.py [--out DIR] [--only NAME-PART] [--env NAME=VALUE ...] [--no-torch]

writes a console project with one generated kernel per layer into DIR (default /tmp/kernelgen-unseen), builds it with
the generator of this checkout, runs it, and, when PyTorch imports (/usr/bin/python3 with python3-torch), times the
same layers with PyTorch, one thread. --env sets a variable for the KernelGen run only (DOTNET_EnableAVX2=0 for the
Vector128 path, DOTNET_EnableHWIntrinsic=0 for the scalar loops). Each KernelGen time is the median of 11 batches after 50 ms of calls; its first
call (JIT included) and its 2nd-5th calls are printed too, so that a kernel slow until tiered compilation reaches it
shows. Nothing here is part of the test command.
"""
import argparse, os, subprocess, sys, time

# name, operator, attributes, input shape (C, spatial...), output shape, bias
SPECS = [
    ("CtDcganEarly", "ct", dict(k=4, s=2, p=1), (512, 4, 4), (256, 8, 8), True),
    ("CtDcganMid", "ct", dict(k=4, s=2, p=1), (256, 8, 8), (128, 16, 16), True),
    ("CtDcganLast", "ct", dict(k=4, s=2, p=1), (64, 32, 32), (3, 64, 64), True),
    ("CtOdd25", "ct", dict(k=4, s=2, p=1), (48, 25, 25), (24, 50, 50), True),
    ("CtStride1", "ct", dict(k=3, s=1, p=1), (64, 20, 20), (64, 20, 20), True),
    ("CtFcn4x", "ct", dict(k=8, s=4, p=2), (64, 16, 16), (32, 64, 64), False),
    ("CtHifi8x", "ct", dict(k=16, s=8, p=4), (256, 256), (128, 2048), True),
    ("CtEncodec5x", "ct", dict(k=10, s=5, p=0), (128, 300), (64, 1505), True),
    ("CtVocoder2xS", "ct", dict(k=4, s=2, p=1), (32, 8192), (16, 16384), True),
    ("Ct3dUnet32", "ct", dict(k=2, s=2, p=0), (32, 24, 24, 24), (16, 48, 48, 48), True),
    ("Ct3dK3", "ct", dict(k=3, s=2, p=1, op=1), (32, 12, 12, 12), (16, 24, 24, 24), True),
    ("Ct3dAniso", "ct", dict(K=[1, 2, 2], S=[1, 2, 2], P=[0, 0, 0]), (32, 8, 32, 32), (16, 8, 64, 64), True),
    ("ConvStem", "conv", dict(k=3, s=2, p=1), (3, 224, 224), (32, 112, 112), True),
    ("ConvResnet", "conv", dict(k=3, s=1, p=1), (128, 28, 28), (128, 28, 28), True),
    ("ConvStem7", "conv", dict(k=7, s=2, p=3), (3, 224, 224), (64, 112, 112), True),
    ("ConvK5Odd", "conv", dict(k=5, s=1, p=2), (32, 40, 40), (32, 40, 40), True),
    ("ConvMelPre", "conv", dict(k=7, s=1, p=3), (80, 200), (512, 200), True),
    ("ConvPostnet", "conv", dict(k=5, s=1, p=2), (512, 100), (512, 100), True),
    ("Conv3dK3", "conv", dict(k=3, s=1, p=1), (32, 16, 16, 16), (32, 16, 16, 16), True),
    ("ConvDw128s2", "conv", dict(k=3, s=2, p=1, g=128), (128, 28, 28), (128, 14, 14), True),
    ("ConvRes7", "conv", dict(k=3, s=1, p=1), (512, 7, 7), (512, 7, 7), True),
    ("ConvRes14", "conv", dict(k=3, s=1, p=1), (256, 14, 14), (256, 14, 14), True),
    ("P1x1Vol", "c1", dict(), (64, 8, 8, 8), (32, 8, 8, 8), True),
    ("P1x1Tiny", "c1", dict(), (512, 37), (80, 37), True),
    ("P1x1Deep", "c1", dict(), (1024, 14, 14), (256, 14, 14), True),
    ("P1x1Expand", "c1", dict(), (24, 56, 56), (144, 56, 56), True),
    ("UpNear1d", "up", dict(scale=2, mode="nearest"), (256, 1000), (256, 2000), False),
    ("UpNear3d", "up", dict(scale=2, mode="nearest"), (16, 16, 16, 16), (16, 32, 32, 32), False),
    ("UpNear3x", "up", dict(scale=3, mode="nearest"), (16, 20, 20), (16, 60, 60), False),
    ("UpBilinAc", "up", dict(scale=2, mode="linear", ac=True), (32, 48, 48), (32, 96, 96), False),
    ("UpBilin4x", "up", dict(scale=4, mode="linear"), (16, 32, 32), (16, 128, 128), False),
    ("UpBilinHalf", "up", dict(scale=0.5, mode="linear"), (32, 64, 64), (32, 32, 32), False),
    ("UpBicubic4x", "up", dict(scale=4, mode="cubic"), (3, 64, 64), (3, 256, 256), False),
    ("UpTrilinAc", "up", dict(scale=2, mode="linear", ac=True), (8, 20, 20, 20), (8, 40, 40, 40), False),
    ("UpLinear3x", "up", dict(scale=3, mode="linear"), (32, 1000), (32, 3000), False),
    ("UpNearExact075", "up", dict(scale=0.75, mode="nearest-exact"), (32, 64, 64), (32, 48, 48), False),
    # Other attributes and element types: per-axis factors, dilation, fused activations, groups, double.
    ("ConvNextStem", "conv", dict(k=4, s=4, p=0), (3, 224, 224), (96, 56, 56), True),
    ("ConvAudio1d", "conv", dict(k=15, s=1, p=7), (1, 16000), (16, 16000), True),
    ("ConvEncodec1d", "conv", dict(k=4, s=2, p=1), (64, 4096), (128, 2048), True),
    ("ConvDilated2d", "conv", dict(k=3, s=1, p=2, d=2), (64, 32, 32), (64, 32, 32), True),
    ("ConvGelu", "conv", dict(k=3, s=1, p=1, act="Gelu"), (64, 32, 32), (64, 32, 32), True),
    ("Conv3dDown", "conv", dict(k=3, s=2, p=1), (32, 16, 16, 16), (64, 8, 8, 8), True),
    ("CtGroups4", "ct", dict(k=4, s=2, p=1, g=4), (64, 16, 16), (64, 32, 32), True),
    ("CtDepthwise1d", "ct", dict(k=4, s=2, p=1, g=64), (64, 1024), (64, 2048), True),
    ("CtLeaky", "ct", dict(k=4, s=2, p=1, act="LeakyRelu"), (128, 16, 16), (64, 32, 32), True),
    ("CtDouble", "ct", dict(k=4, s=2, p=1, dt="double"), (64, 16, 16), (32, 32, 32), True),
    ("P1x1Silu", "c1", dict(act="Silu"), (128, 32, 32), (128, 32, 32), True),
    ("P1x1Double", "c1", dict(dt="double"), (256, 28, 28), (64, 28, 28), True),
    ("UpScales23", "up", dict(scales=[2, 3], mode="linear"), (16, 32, 32), (16, 64, 96), False),
    ("UpNearHalf", "up", dict(scale=0.5, mode="nearest"), (32, 64, 64), (32, 32, 32), False),
    ("UpBicubicDouble", "up", dict(scale=2, mode="cubic", dt="double"), (16, 32, 32), (16, 64, 64), False),
]

ACTIVATIONS = {"Gelu": "gelu", "Silu": "silu", "LeakyRelu": "leaky_relu", "Relu": "relu"}

MODES = {"nearest": "Nearest", "linear": "Linear", "cubic": "Cubic", "nearest-exact": "NearestExact"}


def product(values):
    result = 1
    for v in values:
        result *= v
    return result


def kernel_size(a, rank):
    return a["K"] if "K" in a else [a["k"]] * rank


def multiply_adds(op, a, i, o):
    if op == "up":
        return 0
    taps = product(kernel_size(a, len(i) - 1)) if op != "c1" else 1
    groups = a.get("g", 1)
    # A transposed convolution's every input element meets every weight of its group; a convolution's every output does.
    return product(i) * (o[0] // groups) * taps if op == "ct" else product(o) * (i[0] // groups) * taps


def declaration(name, op, a, i, o, bias):
    shape = lambda s: ", ".join(map(str, s))
    t = a.get("dt", "float")
    b = f", ReadOnlySpan<{t}> bias" if bias else ""
    if op == "up":
        ac = ", AlignCorners = true" if a.get("ac") else ""
        scale = f"Scales = new[] {{ {', '.join(f'{v:.1f}' for v in a['scales'])} }}, " if "scales" in a else f"scale: {a['scale']}, "
        return f"[Upsample({scale}Mode = UpsampleMode.{MODES[a['mode']]}{ac})] public static partial void {name}([Shape({shape(i)})] ReadOnlySpan<{t}> input, [Shape({shape(o)})] Span<{t}> output);"
    act = f"Activation = Activation.{a['act']}" if a.get("act") else ""
    if op == "c1":
        attribute = f"Conv1x1({act})" if act else "Conv1x1"
    else:
        if "K" in a:
            args = f"Kernel = new[] {{ {shape(a['K'])} }}, Strides = new[] {{ {shape(a['S'])} }}, Pads = new[] {{ {shape(a['P'])} }}"
        else:
            args = f"k: {a['k']}, stride: {a['s']}, pad: {a['p']}"
            args += f", OutputPadding = {a['op']}" if a.get("op") else ""
            args += f", Groups = {a['g']}" if a.get("g") else ""
            args += f", Dilation = {a['d']}" if a.get("d") else ""
        args += f", {act}" if act else ""
        attribute = f"{'ConvTranspose' if op == 'ct' else 'Conv'}({args})"
    return f"[{attribute}] public static partial void {name}([Shape({shape(i)})] ReadOnlySpan<{t}> input, ReadOnlySpan<{t}> weight{b}, [Shape({shape(o)})] Span<{t}> output);"


def weight_length(op, a, i, o):
    if op == "up":
        return 0
    if op == "c1":
        return i[0] * o[0]
    taps = product(kernel_size(a, len(i) - 1))
    groups = a.get("g", 1)
    return i[0] * (o[0] // groups) * taps if op == "ct" else o[0] * (i[0] // groups) * taps


PROGRAM = r'''
using System.Diagnostics;
using Unseen;
string only = args.Length > 0 ? args[0] : "";
//RUNS
void Time<T>(string name, int il, int wl, int bl, int ol, Action<T[], T[], T[], T[]> run) where T : System.Numerics.INumber<T>
{
    if (!name.Contains(only)) return;
    var rng = new Random(1);
    T[] V(int n) { var a = new T[n]; for (int i = 0; i < n; i++) a[i] = T.CreateChecked(rng.NextDouble() * 2 - 1); return a; }
    T[] x = V(il), w = V(wl), b = V(bl), y = new T[ol];
    var watch = Stopwatch.StartNew();
    run(x, w, b, y);
    double first = watch.Elapsed.TotalMilliseconds;
    var early = new double[4];
    for (int k = 0; k < early.Length; k++) { watch.Restart(); run(x, w, b, y); early[k] = watch.Elapsed.TotalMicroseconds; }
    watch.Restart(); int calls = 0;
    while (watch.Elapsed.TotalMilliseconds < 50) { run(x, w, b, y); calls++; }
    var batches = new double[11];
    for (int k = 0; k < batches.Length; k++) { watch.Restart(); for (int i = 0; i < calls; i++) run(x, w, b, y); batches[k] = watch.Elapsed.TotalMicroseconds / calls; }
    Array.Sort(batches);
    Console.WriteLine($"{name} {batches[batches.Length / 2]:F2} {first:F2} {string.Join(",", early.Select(e => e.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
}
'''

PROJECT = '''<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="{repo}/src/KernelGen/KernelGen.csproj" />
    <ProjectReference Include="{repo}/generator/KernelGen.Generator/KernelGen.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
'''


def write_project(out, specs):
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "Unseen.csproj"), "w") as f:
        f.write(PROJECT.replace("{repo}", repo))
    with open(os.path.join(out, "Layers.cs"), "w") as f:
        f.write("using KernelGen;\nnamespace Unseen;\npublic static partial class L\n{\n")
        f.writelines(f"    {declaration(*s)}\n" for s in specs)
        f.write("}\n")
    runs = []
    for name, op, a, i, o, bias in specs:
        call = f"L.{name}(x, " + ("" if op == "up" else "w, ") + ("bb, " if bias else "") + "y)"
        runs.append(f'Time<{a.get("dt", "float")}>("{name}", {product(i)}, {weight_length(op, a, i, o)}, {o[0] if bias else 0}, {product(o)}, (x, w, bb, y) => {call});')
    with open(os.path.join(out, "Program.cs"), "w") as f:
        f.write(PROGRAM.replace("//RUNS", "\n".join(runs)))


def kernelgen_times(out, only, env):
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "-nologo"], cwd=out, check=True, stdout=subprocess.DEVNULL)
    result = subprocess.run(["dotnet", os.path.join(out, "bin", "Release", "net10.0", "Unseen.dll")] + ([only] if only else []),
                            check=True, capture_output=True, text=True, env={**os.environ, **env})
    times = {}
    for line in result.stdout.split("\n"):
        if line.strip():
            name, median, first, early = line.split()
            times[name] = (float(median), float(first), early)
    return times


def torch_times(specs):
    # One thread for OpenBLAS too: torch.set_num_threads(1) does not reach Debian's OpenBLAS (see torch_bench.py).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return {}
    torch.set_num_threads(1)
    torch.manual_seed(0)
    times = {}
    for name, op, a, i, o, bias in specs:
        dtype = torch.float64 if a.get("dt") == "double" else torch.float32
        x = torch.randn(1, *i, dtype=dtype)
        rank = len(i) - 1
        with torch.no_grad():
            if op in ("ct", "conv", "c1"):
                k = 1 if op == "c1" else kernel_size(a, rank)
                s = 1 if op == "c1" else a.get("S", a.get("s"))
                p = 0 if op == "c1" else a.get("P", a.get("p"))
                groups = a.get("g", 1)
                if op == "ct":
                    module = [torch.nn.ConvTranspose1d, torch.nn.ConvTranspose2d, torch.nn.ConvTranspose3d][rank - 1](i[0], o[0], k, s, p, output_padding=a.get("op", 0), groups=groups, bias=bias, dilation=a.get("d", 1))
                else:
                    module = [torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d][rank - 1](i[0], o[0], k, s, p, groups=groups, bias=bias, dilation=a.get("d", 1))
                module = module.to(dtype)
                activation = getattr(F, ACTIVATIONS[a["act"]]) if a.get("act") else (lambda v: v)
                f = lambda: activation(module(x))
            else:
                mode = a["mode"]
                mode = {"linear": ["linear", "bilinear", "trilinear"][rank - 1], "cubic": "bicubic"}.get(mode, mode)
                kw = {"align_corners": bool(a.get("ac"))} if mode in ("linear", "bilinear", "trilinear", "bicubic") else {}
                factor = tuple(float(v) for v in a["scales"]) if "scales" in a else a["scale"]
                f = lambda: F.interpolate(x, scale_factor=factor, mode=mode, **kw)
            y = f()
            assert tuple(y.shape[1:]) == tuple(o), (name, tuple(y.shape), o)
            start, calls = time.perf_counter(), 0
            while time.perf_counter() - start < 0.05:
                f()
                calls += 1
            batches = []
            for _ in range(11):
                start = time.perf_counter()
                for _ in range(calls):
                    f()
                batches.append((time.perf_counter() - start) / calls * 1e6)
            times[name] = sorted(batches)[5]
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="/tmp/kernelgen-unseen")
    parser.add_argument("--only")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the KernelGen run")
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args()
    specs = [s for s in SPECS if not args.only or args.only in s[0]]
    write_project(args.out, SPECS)
    ours = kernelgen_times(args.out, args.only, dict(e.split("=", 1) for e in args.env))
    theirs = {} if args.no_torch else torch_times(specs)
    print("| layer | shape | KernelGen | first call (JIT) | calls 2-5 | PyTorch | vs PyTorch | GFLOP/s |")
    print("|---|---|---:|---:|---|---:|---:|---:|")
    for name, op, a, i, o, bias in specs:
        median, first, early = ours[name]
        torch_us = theirs.get(name)
        macs = multiply_adds(op, a, i, o)
        ratio = f"{torch_us / median:.2f}x" if torch_us else "-"
        rate = f"{2 * macs / median / 1e3:.0f}" if macs else "-"
        torch_text = f"{torch_us:.1f} us" if torch_us else "-"
        print(f"| {name} | {op} {list(i)} -> {list(o)} {a} | {median:.1f} us | {first:.1f} ms | {early} us | {torch_text} | {ratio} | {rate} |")


if __name__ == "__main__":
    main()
