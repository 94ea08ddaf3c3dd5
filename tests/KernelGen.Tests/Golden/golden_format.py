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


def write_network(file_name, generator, seed, model, input_shape=(2, 3, 32, 32)):
    """A whole network's golden file: random batch-norm statistics (so that folding them matters), eval mode, a random
    input (a batch of two 3x32x32 images unless given), PyTorch's output, and every float parameter by its state_dict
    name, flattened."""
    import torch

    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            c = module.num_features
            module.weight.copy_(torch.rand(c) + 0.5)
            module.bias.copy_(torch.randn(c) * 0.2)
            module.running_mean.copy_(torch.randn(c) * 0.2)
            module.running_var.copy_(torch.rand(c) + 0.5)
    model.eval()
    x = torch.randn(*input_shape)
    y = model(x)
    parameters = {name: [float(v) for v in t.reshape(-1).tolist()] for name, t in model.state_dict().items() if t.dtype == torch.float32}
    data = {"generator": generator, "seed": seed, "input_shape": list(x.shape), "output_shape": list(y.shape),
            "input": [float(v) for v in x.reshape(-1).tolist()], "output": [float(v) for v in y.reshape(-1).tolist()],
            "parameters": parameters}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), file_name), "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"{file_name}: {len(parameters)} parameters")
