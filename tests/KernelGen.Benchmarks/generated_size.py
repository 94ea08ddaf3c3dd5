"""Size of the code KernelGen generated for the benchmark layers: bytes, lines, the widest line, and how much of it
is each vector width's methods (what each width costs). Build first with

    dotnet build tests/KernelGen.Benchmarks -c Release -p:EmitCompilerGeneratedFiles=true

then run: python3 tests/KernelGen.Benchmarks/generated_size.py
"""
import glob
import os
import re
import sys

# An optional argument names another checkout to measure (its benchmark project built the same way).
base = os.path.join(sys.argv[1], "tests", "KernelGen.Benchmarks") if len(sys.argv) > 1 else os.path.dirname(__file__)
root = os.path.join(base, "obj", "Release", "net10.0", "generated",
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


WIDTHS = ("Vector512", "Vector256", "Vector128")
rows = []
for path in glob.glob(os.path.join(root, "*.g.cs")):
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    rows.append((len(text.encode("utf-8")), len(lines), max(len(l) for l in lines),
                 [method_lines(lines, "_" + width) for width in WIDTHS],
                 ".".join(os.path.basename(path).split(".")[:-3])))

print("| kernel | bytes | lines | widest line | " + " | ".join(f"lines of {w} methods" for w in WIDTHS) + " |")
print("|---|---|---|---|" + "---|" * len(WIDTHS))
for size, count, widest, per_width, name in sorted(rows, reverse=True):
    print(f"| {name} | {size:,} | {count:,} | {widest} | " + " | ".join(f"{n:,} ({100 * n // count}%)" for n in per_width) + " |")
print(f"| all {len(rows)} | {sum(r[0] for r in rows):,} | {sum(r[1] for r in rows):,} | | "
      + " | ".join(f"{sum(r[3][i] for r in rows):,}" for i in range(len(WIDTHS))) + " |")
