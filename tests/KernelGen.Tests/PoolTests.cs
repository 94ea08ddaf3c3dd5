using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>One random pool: a max (with dilation) or an average, every option drawn.</summary>
public sealed record PoolConfig(string Name, bool Max, int Channels, int[] InSize, int[] K, int[]? S, int[] P, int[] D, bool Ceil, bool IncludePad, int Divisor, bool IsDouble, int Batch)
{
    public int[] Stride => S ?? K;

    /// <summary>PyTorch's documented output size, written with floating-point floor and ceil.</summary>
    public int[] OutSize => InSize.Select((n, a) =>
    {
        double exact = (double)(n + (2 * P[a]) - (D[a] * (K[a] - 1)) - 1) / Stride[a];
        int size = (int)(Ceil ? Math.Ceiling(exact) : Math.Floor(exact)) + 1;
        return Ceil && (size - 1) * Stride[a] >= n + P[a] ? size - 1 : size;
    }).ToArray();

    public static PoolConfig Random(Random rng, string name)
    {
        while (true)
        {
            int rank = rng.Next(1, 4);
            int[] Axis(int lo, int hi) => Enumerable.Range(0, rank).Select(_ => rng.Next(lo, hi + 1)).ToArray();
            bool max = rng.Next(2) == 0;
            int[] k = Axis(1, rank == 3 ? 3 : 5);
            int[]? s = rng.Next(3) == 0 ? null : Axis(1, 3);
            int[] p = k.Select(kk => rng.Next(0, (kk / 2) + 1)).ToArray();
            int[] d = max && rng.Next(2) == 0 ? Axis(1, 3) : Enumerable.Repeat(1, rank).ToArray();
            int[] size = Axis(1, rank == 3 ? 6 : 12);
            if (rng.Next(2) == 0)
            {
                // A long last axis, for the vector form: windows inside the input for a vector or more.
                size[rank - 1] = rng.Next(20, 90);
            }

            var config = new PoolConfig(name, max, rng.Next(1, 4), size, k, s, p, d, rng.Next(2) == 0, rng.Next(2) == 0,
                !max && rng.Next(4) == 0 ? rng.Next(1, 7) : 0, rng.Next(2) == 0, rng.Next(3) == 0 ? 2 : 1);
            if (config.OutSize.All(o => o > 0))
            {
                return config;
            }
        }
    }

    public string Attribute => Declarations.PoolAttribute(Max ? "MaxPool" : "AvgPool", K, S, P, D, Ceil, IncludePad, Divisor);
}

/// <summary>
/// Random pools of every rank and option against their definition, written here without the generator's shape code:
/// every window tap in padded coordinates, the input read where it lies inside; a max where NaN wins; an average over
/// the window's count, with or without the padding (never past the right padding), or the override. In the default
/// and the checked access.
/// </summary>
public sealed class PoolTests
{
    private const int Count = 120;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Random_pools_match_their_definition(bool checkedAccess)
    {
        var rng = new Random(20261207);
        var configs = Enumerable.Range(0, Count).Select(i => PoolConfig.Random(rng, $"P{i}")).ToList();
        var declarations = new Declarations();
        foreach (PoolConfig c in configs)
        {
            declarations.Add(c.Name, c.Attribute, c.IsDouble, [c.Channels, .. c.InSize], [c.Channels, .. c.OutSize], hasWeight: false, hasBias: false, batched: c.Batch != 1);
        }

        Type kernels = GeneratorHarness.CompileAndLoad(out _, checkedAccess, declarations.Source).GetType("Generated.Kernels")!;
        foreach (PoolConfig c in configs)
        {
            int inLength = c.Channels * c.InSize.Aggregate(1, (a, b) => a * b), outLength = c.Channels * c.OutSize.Aggregate(1, (a, b) => a * b);
            double[] x = Enumerable.Range(0, c.Batch * inLength).Select(_ => c.Max && rng.Next(40) == 0 ? Special(rng) : rng.Next(-8, 9)).ToArray();
            double[] expected = Enumerable.Range(0, c.Batch).SelectMany(n => Pool(c, x.AsSpan(n * inLength, inLength).ToArray())).ToArray();
            object input = c.IsDouble ? x.ToArray() : x.Select(v => (float)v).ToArray();
            object output = c.IsDouble ? new double[c.Batch * outLength] : new float[c.Batch * outLength];
            kernels.GetMethod("Run_" + c.Name)!.Invoke(null, [c.Batch, input, null, null, output]);
            double[] actual = output is float[] f ? f.Select(v => (double)v).ToArray() : (double[])output;
            for (int i = 0; i < expected.Length; i++)
            {
                // Sums of small integers are exact; a float average differs from the double one by its last rounding.
                double tolerance = c.Max || c.IsDouble ? 0 : 1e-6 * Math.Max(1, Math.Abs(expected[i]));
                Assert.True(expected[i].Equals(actual[i]) || Math.Abs(expected[i] - actual[i]) <= tolerance,
                    $"{c.Attribute} on [{c.Channels}, {string.Join(", ", c.InSize)}] ({(c.IsDouble ? "double" : "float")}, batch {c.Batch}): element {i} is {actual[i]}, expected {expected[i]}");
            }
        }
    }

    /// <summary>
    /// Random adaptive pools of every rank, output sizes from 1 (global) to past the input's (overlapping windows),
    /// against their definition: output o of an axis covers input [floor(o*in/out), ceil((o+1)*in/out)), computed here
    /// in floating point; an average divides by each axis's length in turn.
    /// </summary>
    [Fact]
    public void Random_adaptive_pools_match_their_definition()
    {
        var rng = new Random(20261208);
        var declarations = new Declarations();
        var configs = new List<(string Name, bool Max, int Channels, int[] In, int[] Out, bool IsDouble, int Batch)>();
        for (int i = 0; i < 80; i++)
        {
            int rank = rng.Next(1, 4);
            int[] input = Enumerable.Range(0, rank).Select(_ => rng.Next(1, rank == 3 ? 7 : 15)).ToArray();
            int[] output = input.Select(n => rng.Next(3) == 0 ? 1 : rng.Next(1, n + 4)).ToArray();
            var c = ($"A{i}", rng.Next(2) == 0, rng.Next(1, 4), input, output, rng.Next(2) == 0, rng.Next(3) == 0 ? 2 : 1);
            configs.Add(c);
            string attribute = $"[{(c.Item2 ? "AdaptiveMaxPool" : "AdaptiveAvgPool")}(Sizes = new[] {{ {string.Join(", ", output)} }})]";
            declarations.Add(c.Item1, attribute, c.Item6, [c.Item3, .. input], [c.Item3, .. output], hasWeight: false, hasBias: false, batched: c.Item7 != 1);
        }

        Type kernels = GeneratorHarness.CompileAndLoad(declarations.Source).GetType("Generated.Kernels")!;
        foreach (var c in configs)
        {
            int inPlane = c.In.Aggregate(1, (a, b) => a * b), outPlane = c.Out.Aggregate(1, (a, b) => a * b);
            double[] x = Enumerable.Range(0, c.Batch * c.Channels * inPlane).Select(_ => c.Max && rng.Next(30) == 0 ? Special(rng) : rng.Next(-8, 9)).ToArray();
            var expected = new double[c.Batch * c.Channels * outPlane];
            for (int plane = 0; plane < c.Batch * c.Channels; plane++)
            {
                foreach (int[] o in Reference.NaiveReference.Indices(c.Out))
                {
                    int[] lo = o.Select((v, a) => (int)Math.Floor((double)v * c.In[a] / c.Out[a])).ToArray();
                    int[] hi = o.Select((v, a) => (int)Math.Ceiling((double)(v + 1) * c.In[a] / c.Out[a])).ToArray();
                    double best = double.NegativeInfinity, sum = 0;
                    foreach (int[] t in Reference.NaiveReference.Indices(hi.Select((h, a) => h - lo[a]).ToArray()))
                    {
                        double v = x[(plane * inPlane) + Reference.NaiveReference.Flat(t.Select((tt, a) => lo[a] + tt).ToArray(), c.In)];
                        sum += v;
                        best = v > best || double.IsNaN(v) ? v : best;
                    }

                    double average = sum;
                    for (int a = 0; a < c.In.Length; a++)
                    {
                        average /= hi[a] - lo[a];
                    }

                    expected[(plane * outPlane) + Reference.NaiveReference.Flat(o, c.Out)] = c.Max ? best : average;
                }
            }

            object inputBuffer = c.IsDouble ? x : x.Select(v => (float)v).ToArray();
            object output = c.IsDouble ? new double[expected.Length] : new float[expected.Length];
            kernels.GetMethod("Run_" + c.Name)!.Invoke(null, [c.Batch, inputBuffer, null, null, output]);
            double[] actual = output is float[] f ? f.Select(v => (double)v).ToArray() : (double[])output;
            for (int i = 0; i < expected.Length; i++)
            {
                double tolerance = c.Max || c.IsDouble ? 0 : 1e-6 * Math.Max(1, Math.Abs(expected[i]));
                Assert.True(expected[i].Equals(actual[i]) || Math.Abs(expected[i] - actual[i]) <= tolerance,
                    $"{c.Name}: [{string.Join(", ", c.In)}] -> [{string.Join(", ", c.Out)}] ({(c.Max ? "max" : "average")}): element {i} is {actual[i]}, expected {expected[i]}");
            }
        }
    }

    private static double Special(Random rng) => rng.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity };

    /// <summary>One sample by the definition.</summary>
    private static double[] Pool(PoolConfig c, double[] x)
    {
        int[] outSize = c.OutSize;
        int inPlane = c.InSize.Aggregate(1, (a, b) => a * b), outPlane = outSize.Aggregate(1, (a, b) => a * b);
        var y = new double[c.Channels * outPlane];
        for (int ch = 0; ch < c.Channels; ch++)
        {
            foreach (int[] o in Reference.NaiveReference.Indices(outSize))
            {
                double best = double.NegativeInfinity, sum = 0;
                int inside = 0, withPadding = 0;
                foreach (int[] t in Reference.NaiveReference.Indices(c.K))
                {
                    int[] position = o.Select((oo, a) => (oo * c.Stride[a]) - c.P[a] + (t[a] * c.D[a])).ToArray();
                    if (position.Select((v, a) => v < c.InSize[a] + c.P[a]).All(b => b))
                    {
                        withPadding++;
                    }

                    if (position.Select((v, a) => v >= 0 && v < c.InSize[a]).All(b => b))
                    {
                        double v = x[(ch * inPlane) + Reference.NaiveReference.Flat(position, c.InSize)];
                        inside++;
                        sum += v;
                        if (v > best || double.IsNaN(v))
                        {
                            best = v;
                        }
                    }
                }

                y[(ch * outPlane) + Reference.NaiveReference.Flat(o, outSize)] = c.Max ? best
                    : sum / (c.Divisor != 0 ? c.Divisor : c.IncludePad ? withPadding : inside);
            }
        }

        return y;
    }
}
