#!/usr/bin/env python3
"""What the call-site analyzer (KG0019) costs a build: a project of 100 kernels and 1,000 calls (10 per kernel, in the
argument forms the analyzer follows: Lengths constants, locals, stackalloc, collection expressions, slices, ranges,
readonly fields, batches), built with a warm compiler server with the analyzer and without it (NoWarn=KG0019 turns it
off: the compiler skips an analyzer all of whose diagnostics are suppressed), alternating. Reports the Csc task's
median time each way and the analyzer's own time from -p:ReportAnalyzer=true.
Usage: python3 tests/KernelGen.CompileTime/analyzer_cost.py [runs]"""
import os, re, statistics, subprocess, sys, tempfile

repo = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
work = tempfile.mkdtemp(prefix="kernelgen-analyzer-cost-")


def kernel(i):
    """Small kernels of the three operators, sizes varied so that no two are the same."""
    c, h = 1 + i % 4, 3 + i % 5
    if i % 3 == 0:
        return (f"[ConvTranspose(k: 3, stride: 2)] public static partial void K{i}([Shape({c}, {h}, {h})] ReadOnlySpan<float> input, "
                f"ReadOnlySpan<float> weight, [Shape({c}, {2 * h + 1}, {2 * h + 1})] Span<float> output);")
    if i % 3 == 1:
        return f"[Upsample(scale: 2)] public static partial void K{i}([Shape({c}, {h}, {h})] ReadOnlySpan<float> input, [Shape({c}, {2 * h}, {2 * h})] Span<float> output);"
    return (f"[Conv1x1] public static partial void K{i}(int batch, [Shape({c}, {h}, {h})] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, "
            f"[Shape({c + 1}, {h}, {h})] Span<float> output);")


def calls(i):
    """Ten calls of kernel i, every one with the right lengths, so that the build succeeds."""
    L = f"Kernels.K{i}Lengths"
    has_weight = i % 3 != 1
    batch = "2, " if i % 3 == 2 else ""
    n = "2 * " if batch else ""
    w = f", new float[{L}.Weight]" if has_weight else ""
    lines = [f"var x{i} = new float[{n}{L}.Input];", f"var y{i} = new float[{n}{L}.Output];"]
    for j in range(10):
        form = j % 5
        if form == 0:
            lines.append(f"Kernels.K{i}({batch}x{i}{w}, y{i});")
        elif form == 1:
            lines.append(f"Kernels.K{i}({batch}new float[{n}{L}.Input]{w}, new float[{n}{L}.Output]);")
        elif form == 2:
            lines.append(f"Kernels.K{i}({batch}x{i}.AsSpan(0, {n}{L}.Input){w}, y{i}.AsSpan());")
        elif form == 3:
            lines.append(f"Kernels.K{i}({batch}new float[{n}{L}.Input + 4].AsSpan(2, {n}{L}.Input){w}, (new float[{n}{L}.Output + 1])[1..]);")
        else:
            lines.append(f"Kernels.K{i}({batch}Shared{i}{w}, new Span<float>(y{i}));")
    return lines


with open(os.path.join(work, "Kernels.cs"), "w") as f:
    f.write("using System;\nusing KernelGen;\n\npublic static partial class Kernels\n{\n")
    f.write("\n".join("    " + kernel(i) for i in range(100)))
    f.write("\n}\n")
with open(os.path.join(work, "Calls.cs"), "w") as f:
    f.write("using System;\n\npublic static class Calls\n{\n")
    for i in range(100):
        n = "2 * " if i % 3 == 2 else ""
        f.write(f"    private static readonly float[] Shared{i} = new float[{n}Kernels.K{i}Lengths.Input];\n")
    for i in range(100):
        f.write(f"    public static void Run{i}()\n    {{\n" + "".join(f"        {line}\n" for line in calls(i)) + "    }\n")
    f.write("}\n")
with open(os.path.join(work, "AnalyzerCost.csproj"), "w") as f:
    f.write(f"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <NoWarn Condition="'$(WithoutCallSiteAnalyzer)' == 'true'">$(NoWarn);KG0019</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="{repo}/src/KernelGen/KernelGen.csproj" />
    <ProjectReference Include="{repo}/generator/KernelGen.Generator/KernelGen.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
""")

env = {**os.environ, "UseSharedCompilation": "true"}


def build(without, report=False):
    os.utime(os.path.join(work, "Calls.cs"))
    args = ["dotnet", "build", work, "-c", "Release", "--no-restore", "-v:d", "-clp:PerformanceSummary", "-p:UseSharedCompilation=true",
            f"-p:WithoutCallSiteAnalyzer={'true' if without else 'false'}"] + (["-p:ReportAnalyzer=true"] if report else [])
    out = subprocess.run(args, capture_output=True, text=True, env=env).stdout
    if "Build succeeded" not in out:
        sys.exit(out[-4000:])
    if report:
        found = re.search(r"^\s*(<?[\d.]+)\s+\d+\s+KernelGen\.Generator\.Analysis\.CallSiteAnalyzer", out, re.M)
        if not found:
            sys.exit("no CallSiteAnalyzer line in the ReportAnalyzer output:\n" + out[-4000:])
        return found.group(1)
    return int(re.search(r"^\s*(\d+) ms\s+Csc\s", out, re.M).group(1)) / 1000


subprocess.run(["dotnet", "build", work, "-c", "Release", "-v:q"], check=True, capture_output=True, env=env)
for _ in range(3):
    build(False), build(True)  # the server starts and its JIT settles
times = {False: [], True: []}
for _ in range(runs):
    for without in (False, True):
        times[without].append(build(without))
own = [build(False, report=True) for _ in range(3)]
for without, label in ((False, "with the call-site analyzer   "), (True, "without (NoWarn=KG0019)       ")):
    print(f"{label}: Csc median {statistics.median(times[without]):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times[without])})")
print(f"CallSiteAnalyzer's own time (-p:ReportAnalyzer=true), 3 builds: {', '.join(own)} s")
print(f"project: {work} (100 kernels, 1,000 calls)")
