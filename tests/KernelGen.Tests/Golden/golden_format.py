"""What the golden-file scripts share: tensors as JSON values (NaN and infinities as the strings the tests' reader
accepts, since JSON has no such numbers) and the writing of one golden file."""
import json
import math
import os


def value(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def flat(t):
    return [value(v) for v in t.reshape(-1).tolist()]


def write(file_name, generator, seed, cases, layout="NC(D)HW, batch first"):
    """Writes the cases beside the golden scripts, in the format of the shared golden files."""
    meta = {"generator": generator, "seed": seed, "layout": layout, "cases": cases}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), file_name), "w") as f:
        json.dump(meta, f, separators=(",", ":"))
    print(f"{file_name}: {len(cases)} cases")
