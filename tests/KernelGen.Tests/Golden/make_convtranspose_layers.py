#!/usr/bin/env python3
"""Reference cases for [ConvTranspose] on the layers of real decoders, computed by PyTorch's conv_transpose1d/2d/3d.

Each is large enough to take KernelGen's stride-phase vector form, in the rank the layer has: 3-D decoders (3-D
U-Net's and V-Net's 2x2x2 up-convolution, the k4 s2 p1 of volumetric GANs, a dilated depth window, a depth stride
above the kernel, grouped, double, batched), 1-D vocoder upsampling and 2-D small planes beside them, so that every rank is checked
against PyTorch directly and not only through identities with other forms.

Writes convtranspose_layers.json in the format of the shared golden files. Needs PyTorch (Debian: python3-torch);
the tests only read the JSON. Run: /usr/bin/python3 make_convtranspose_layers.py
"""
import torch
import torch.nn.functional as F

from golden_format import flat, write

SEED = 2311
torch.manual_seed(SEED)
torch.set_grad_enabled(False)

CONV_TRANSPOSE = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d]


def layer(name, cin, cout, size, k, s, p, op=0, d=1, g=1, bias=True, dtype=torch.float32, batch=1):
    rank = len(size)
    axes = lambda v: list(v) if isinstance(v, (list, tuple)) else [v] * rank
    k, s, p, op, d = axes(k), axes(s), axes(p), axes(op), axes(d)
    x = torch.randn([batch, cin] + list(size), dtype=dtype)
    w = torch.randn([cin, cout // g] + k, dtype=dtype) / (cin // g * torch.tensor(k).prod().item()) ** 0.5
    b = torch.randn(cout, dtype=dtype) if bias else None
    y = CONV_TRANSPOSE[rank - 1](x, w, b, stride=s, padding=p, output_padding=op, groups=g, dilation=d)
    finite = y[torch.isfinite(y)]
    scale = max(1.0, float(finite.abs().max()))
    eps = 1e-5 if dtype == torch.float32 else 1e-12
    params = {"kernel": k, "stride": s, "padding": p, "output_padding": op, "dilation": d, "groups": g}
    return {
        "name": name, "op": "ConvTranspose", "rank": rank,
        "dtype": "float32" if dtype == torch.float32 else "float64",
        "values": "randn", "params": params,
        "input_shape": list(x.shape), "weight_shape": list(w.shape),
        "bias": b is not None, "output_shape": list(y.shape),
        "abs_tolerance": eps * scale * 8,
        "input": flat(x), "weight": flat(w),
        "bias_values": flat(b) if b is not None else None, "output": flat(y),
    }


def main():
    cases = [
        layer("ctl3d_unet_k2s2", 16, 8, [5, 5, 5], 2, 2, 0),
        layer("ctl3d_gan_k4s2p1", 8, 6, [5, 6, 7], 4, 2, 1),
        layer("ctl3d_k3s2p1op1_batch", 6, 4, [4, 5, 6], 3, 2, 1, op=1, batch=2),
        layer("ctl3d_dilated_depth", 4, 4, [6, 5, 6], [5, 3, 3], [1, 2, 2], [2, 1, 1], op=[0, 1, 1], d=[2, 1, 1], g=2),
        layer("ctl3d_depth_stride3", 4, 6, [4, 5, 6], [2, 3, 3], [3, 2, 2], [0, 1, 1], op=[1, 1, 0], g=2),
        layer("ctl3d_wide_rows_double", 3, 4, [3, 4, 40], [3, 3, 3], [1, 2, 2], [1, 1, 1], op=[0, 1, 1], dtype=torch.float64),
        layer("ctl3d_nobias_plane_taps", 2, 3, [3, 6, 20], [2, 5, 5], 1, [0, 2, 2], bias=False),
        layer("ctl1d_vocoder_k16s8", 32, 16, [24], 16, 8, 4),
        layer("ctl1d_k4s2p1_batch", 16, 8, [100], 4, 2, 1, batch=2),
        # Small planes of many channels (a DCGAN generator's first layers), whose flat rows read shifted copies of the
        # input; phases of unequal widths, batched.
        layer("ctl2d_small_plane_k4s2p1", 32, 32, [4, 4], 4, 2, 1),
        layer("ctl2d_small_plane_k5s2p2_batch", 16, 16, [4, 4], 5, 2, 2, batch=2),
    ]
    write("convtranspose_layers.json", "make_convtranspose_layers.py", SEED, cases)


if __name__ == "__main__":
    main()
