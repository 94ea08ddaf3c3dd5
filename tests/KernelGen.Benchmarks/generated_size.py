"""Size of the code KernelGen generated for the benchmark layers: bytes, lines, the widest line, and how much of it
is the Vector256 methods (the cost of a second vector width). Build first with

    dotnet build tests/KernelGen.Benchmarks -c Release -p:EmitCompilerGeneratedFiles=true

then run: python3 tests/KernelGen.Benchmarks/generated_size.py
"""
import glob
import os
import re

root = os.path.join(os.path.dirname(__file__), "obj", "Release", "net10.0", "generated",
                    "KernelGen.Generator", "KernelGen.Generator.KernelGenerator")


def method_lines(lines, marker):
    """Lines of every method whose declaration line contains marker, from its declaration to its closing brace."""
    total, i = 0, 0
    while i < len(lines):
        if marker in lines[i] and re.search(r"\bstatic\b.*\(", lines[i]):
            depth, j, opened = 0, i, False
            while j < len(lines):
                depth += lines[j].count("{") - lines[j].count("}")
                opened = opened or "{" in lines[j]
                j += 1
                if opened and depth == 0:
                    break
            total += j - i
            i = j
        else:
            i += 1
    return total


rows = []
for path in glob.glob(os.path.join(root, "*.g.cs")):
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    rows.append((len(text.encode("utf-8")), len(lines), max(len(l) for l in lines),
                 method_lines(lines, "_Vector512"), method_lines(lines, "_Vector256"),
                 ".".join(os.path.basename(path).split(".")[:-3])))

print("| kernel | bytes | lines | widest line | lines of Vector512 methods | lines of Vector256 methods |")
print("|---|---|---|---|---|---|")
for size, count, widest, v512, v256, name in sorted(rows, reverse=True):
    print(f"| {name} | {size:,} | {count:,} | {widest} | {v512:,} ({100 * v512 // count}%) | {v256:,} ({100 * v256 // count}%) |")
print(f"| all {len(rows)} | {sum(r[0] for r in rows):,} | {sum(r[1] for r in rows):,} | "
      f"| {sum(r[3] for r in rows):,} | {sum(r[4] for r in rows):,} |")
