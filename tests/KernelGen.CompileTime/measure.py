#!/usr/bin/env python3
"""Times the C# compiler on thirty kernels (Kernels.cs and the benchmarks' Layers.cs): the Csc task with a warm compiler server and without
one, the generator's own share, and the size of what it writes. Usage: python3 tests/KernelGen.CompileTime/measure.py [runs]"""
import glob, os, re, shutil, statistics, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def build(shared, report_generator=False):
    """Rebuilds after touching the kernels; returns the Csc task's seconds, or the generator's with report_generator."""
    os.utime(os.path.join(here, "Kernels.cs"))
    flag = "true" if shared else "false"
    out = subprocess.run(["dotnet", "build", here, "-c", "Release", "--no-restore", "-v:d", "-clp:PerformanceSummary",
                          f"-p:UseSharedCompilation={flag}"] + (["-p:ReportAnalyzer=true"] if report_generator else []),
                         capture_output=True, text=True, env={**os.environ, "UseSharedCompilation": flag}).stdout
    found = re.search(r"Total generator execution time: ([\d.]+) seconds" if report_generator else r"^\s*(\d+) ms\s+Csc\s", out, re.M)
    if not found:
        sys.exit(out[-3000:])
    return float(found.group(1)) if report_generator else int(found.group(1)) / 1000


generated = os.path.join(here, "obj/Release/net10.0/generated")
shutil.rmtree(generated, ignore_errors=True)  # files of kernels renamed or removed since the last run would be counted
subprocess.run(["dotnet", "build", here, "-c", "Release", "-v:q"], check=True, capture_output=True)
for shared in (True, False):
    for _ in range(5 if shared else 1):
        build(shared)  # starts the server and lets its JIT settle, or warms the disk cache
    times = [build(shared) for _ in range(runs)]
    generator = [build(shared, report_generator=True) for _ in range(3)]
    label = "warm compiler server" if shared else "no compiler server  "
    print(f"{label}: Csc median {statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}); "
          f"generator alone (-p:ReportAnalyzer=true) median {statistics.median(generator):.2f} s")

files = glob.glob(os.path.join(generated, "KernelGen.Generator/**/*.g.cs"), recursive=True)
size = sum(os.path.getsize(f) for f in files)
texts = [open(f, encoding="utf-8").read() for f in files]
lines = sum(t.count("\n") for t in texts)
# Semicolons outside comments: about one per statement, the unit the compiler's time goes by (bytes include indentation).
statements = sum(line.count(";") for t in texts for line in t.split("\n") if not line.lstrip().startswith("//"))
print(f"generated: {len(files)} files, {size:,} bytes, {lines:,} lines, {statements:,} statements")
