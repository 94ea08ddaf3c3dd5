using KernelGen;

// Runs one kernel of each attribute from the installed package and checks it against PyTorch's seed outputs.
int failures = 0;

var upsampled = new float[Layers.UpLengths.Output];
Layers.Up([11, 12, 13, 14], upsampled);
Check("Upsample nearest x2", upsampled, [11, 11, 12, 12, 11, 11, 12, 12, 13, 13, 14, 14, 13, 13, 14, 14]);

var deconvolved = new float[Layers.DeconvLengths.Output];
Layers.Deconv([1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9], deconvolved);
Check("ConvTranspose k3 s2", deconvolved, [1, 2, 5, 4, 6, 4, 5, 14, 10, 12, 10, 14, 36, 24, 30, 12, 15, 34, 20, 24, 21, 24, 55, 32, 36]);

var mixed = new float[Layers.MixLengths.Output];
Layers.Mix([1, 2, 3, 4, 10, 20, 30, 40], [1, 1, 2, -1], [0.5f, 0], mixed);
Check("Conv1x1 2 -> 2", mixed, [11.5f, 22.5f, 33.5f, 44.5f, -8, -16, -24, -32]);

Console.WriteLine(TorchFormat.Format(deconvolved, 1, 1, 5, 5));
Console.WriteLine(failures == 0 ? "All three kernels match PyTorch." : $"{failures} kernel(s) differ from PyTorch.");
return failures == 0 ? 0 : 1;

void Check(string name, float[] actual, float[] expected)
{
    bool same = actual.AsSpan().SequenceEqual(expected);
    failures += same ? 0 : 1;
    Console.WriteLine($"{name}: {(same ? "ok" : "DIFFERS: " + string.Join(", ", actual))}");
}

static partial class Layers
{
    [Upsample(scale: 2)]
    public static partial void Up([Shape(1, 2, 2)] ReadOnlySpan<float> input, [Shape(1, 4, 4)] Span<float> output);

    [ConvTranspose(k: 3, stride: 2, pad: 0)]
    public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);

    [Conv1x1]
    public static partial void Mix([Shape(2, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(2, 2, 2)] Span<float> output);
}
