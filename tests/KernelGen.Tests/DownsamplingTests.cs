using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// Resizing down to a size, <c>F.interpolate(x, size=...)</c> with an output smaller than the input, in every mode,
/// rank and alignment, by factors from 0.3 to 3/4: a block of output columns then spans several input vectors, which
/// the vector form gathers (FormChoiceTests checks that these layers take it). Each layer against PyTorch's
/// definition computed here in double, axis by axis (the source index and weights of <c>upsample_*</c>'s kernels).
/// </summary>
public sealed class DownsamplingTests
{
    public sealed record Layer(string Name, string Mode, bool AlignCorners, int[] Input, int[] Output)
    {
        public string Attribute => $"[Upsample(Mode = UpsampleMode.{Mode}{(AlignCorners ? ", AlignCorners = true" : string.Empty)})]";
    }

    public static IEnumerable<Layer> Layers()
    {
        var rng = new Random(20261207);
        string[] modes = ["Nearest", "NearestExact", "Linear", "Cubic"];
        double[] factors = [0.5, 0.75, 0.3, 0.4, 0.625, 1.0 / 3];
        for (int i = 0; i < 36; i++)
        {
            string mode = modes[i % 4];
            int rank = mode == "Cubic" ? 2 : ((i / 4) % 3) + 1;
            double factor = factors[rng.Next(factors.Length)];
            int size = rank switch { 1 => rng.Next(64, 400), 2 => rng.Next(64, 96), _ => rng.Next(64, 72) };
            int output = Math.Max(16, (int)Math.Floor(size * factor));
            int channels = rng.Next(1, 5);
            bool align = mode is "Linear" or "Cubic" && rng.Next(2) == 0;
            yield return new Layer($"D{i}", mode, align, [channels, .. Enumerable.Repeat(size, rank)], [channels, .. Enumerable.Repeat(output, rank)]);
        }
    }

    private static readonly Lazy<Type> Kernels = new(() =>
    {
        var declarations = new Declarations();
        foreach (Layer l in Layers())
        {
            declarations.Add(l.Name, l.Attribute, isDouble: false, l.Input, l.Output, hasWeight: false, hasBias: false, batched: false);
        }

        return GeneratorHarness.CompileAndLoad(declarations.Source).GetType("Generated.Kernels")!;
    });

    public static TheoryData<string> Names() => [.. Layers().Select(l => l.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Matches_the_definition(string name)
    {
        Layer l = Layers().Single(l => l.Name == name);
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xffff);
        float[] input = Enumerable.Range(0, l.Input.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] output = new float[l.Output.Aggregate(1, (a, b) => a * b)];
        Kernels.Value.GetMethod("Run_" + name)!.Invoke(null, [1, input, Array.Empty<float>(), Array.Empty<float>(), output]);

        // Separable: each spatial axis in turn, every source position's weight, in double.
        double[] values = input.Select(v => (double)v).ToArray();
        int[] shape = (int[])l.Input.Clone();
        for (int axis = 1; axis < shape.Length; axis++)
        {
            (int Index, double Weight)[][] taps = Taps(l.Mode, l.AlignCorners, shape[axis], l.Output[axis]);
            int outer = shape.Take(axis).Aggregate(1, (a, b) => a * b), inner = shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
            var next = new double[outer * l.Output[axis] * inner];
            for (int a = 0; a < outer; a++)
            {
                for (int o = 0; o < l.Output[axis]; o++)
                {
                    for (int i = 0; i < inner; i++)
                    {
                        next[((a * l.Output[axis]) + o) * inner + i] = taps[o].Sum(t => t.Weight * values[((a * shape[axis]) + t.Index) * inner + i]);
                    }
                }
            }

            values = next;
            shape[axis] = l.Output[axis];
        }

        for (int i = 0; i < output.Length; i++)
        {
            Assert.True(Math.Abs(output[i] - values[i]) <= 2e-5 * Math.Max(1, Math.Abs(values[i])), $"{name}[{i}]: {output[i]:R}, expected {values[i]:R}");
        }
    }

    /// <summary>
    /// PyTorch's sources of each output position along one axis, resized from <paramref name="inSize"/> to
    /// <paramref name="outSize"/> by size, as its CPU kernels compute them for a float tensor: the scale held in float,
    /// the coordinate from it in double, the fraction and the nearest index rounded to float (in double throughout, a
    /// cubic layer's outputs move by 1e-5 here); the weights and sums in double.
    /// </summary>
    private static (int Index, double Weight)[][] Taps(string mode, bool align, int inSize, int outSize)
    {
        double scale = align ? (outSize > 1 ? (float)((inSize - 1.0) / (outSize - 1)) : 0) : (float)((double)inSize / outSize);
        int Clamp(int i) => Math.Clamp(i, 0, inSize - 1);
        return Enumerable.Range(0, outSize).Select(o =>
        {
            switch (mode)
            {
                case "Nearest":
                    return new[] { (Math.Min((int)Math.Floor((float)(o * scale)), inSize - 1), 1.0) };
                case "NearestExact":
                    return new[] { (Math.Min((int)Math.Floor((float)((o + 0.5) * scale)), inSize - 1), 1.0) };
                case "Linear":
                {
                    double source = align ? o * scale : Math.Max(0, ((o + 0.5) * scale) - 0.5);
                    int i0 = Math.Min((int)Math.Floor(source), inSize - 1), i1 = Math.Min(i0 + 1, inSize - 1);
                    double lambda = (float)Math.Min(Math.Max((float)(source - i0), 0), 1);
                    return new[] { (i0, (double)(float)(1 - lambda)), (i1, lambda) };
                }

                default:
                {
                    const double A = -0.75;
                    double source = align ? o * scale : ((o + 0.5) * scale) - 0.5;
                    int i = (int)Math.Floor(source);
                    double t = (float)Math.Min(Math.Max((float)(source - i), 0), 1);
                    static double Near(double x, double a) => ((((a + 2) * x) - (a + 3)) * x * x) + 1;
                    static double Far(double x, double a) => ((((a * x) - (5 * a)) * x) + (8 * a)) * x - (4 * a);
                    return new[] { (Clamp(i - 1), Far(t + 1, A)), (Clamp(i), Near(t, A)), (Clamp(i + 1), Near(1 - t, A)), (Clamp(i + 2), Far(2 - t, A)) };
                }
            }
        }).ToArray();
    }
}
