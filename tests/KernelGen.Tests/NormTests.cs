using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// [GroupNorm] and [InstanceNorm] against their definition written here (the statistics over each group, in double),
/// in the vector forms (planes that are not whole vectors) and the scalar loops (checked access); in place; per sample
/// of a batch; invariant under x -> a x + c, which a variance taken as E[x^2] - E[x]^2 would not survive; and refusing a
/// short weight or a shifted overlap before anything is written. PyTorch's own cases are in norm.json.
/// </summary>
public sealed class NormTests
{
    private const string Source = """
        using System;
        using KernelGen;
        public static partial class Layers
        {
            [GroupNorm(4, Activation = Activation.Silu)]
            public static partial void Vae(int batch, [Shape(16, 5, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 5, 7)] Span<float> output);

            [InstanceNorm]
            public static partial void Style([Shape(3, 40)] ReadOnlySpan<double> input, [Shape(3, 40)] Span<double> output);

            public static void VaeInto(int batch, float[] x, float[] w, float[] b, float[] y) => Vae(batch, x, w, b, y);
            public static void VaeInPlace(float[] x, float[] w, float[] b) => Vae(2, x, w, b, x);
            public static void VaeShifted(float[] x, float[] w, float[] b) => Vae(1, x.AsSpan(0, 560), w, b, x.AsSpan(1, 560));
            public static void VaeShortWeight(float[] x, float[] b, float[] y) => Vae(1, x, new float[15], b, y);
            public static void StyleInto(double[] x, double[] y) => Style(x, y);
        }
        """;

    /// <summary>group_norm's definition: each group of channels minus its mean, over the square root of its biased variance plus eps.</summary>
    internal static double[] Reference(double[] x, int channels, int plane, int groups, double[]? w, double[]? b, double eps, Func<double, double> activation)
    {
        var y = new double[x.Length];
        int per = channels / groups, length = per * plane;
        for (int start = 0; start < x.Length; start += length)
        {
            double mean = x.Skip(start).Take(length).Average();
            double variance = x.Skip(start).Take(length).Select(v => (v - mean) * (v - mean)).Average();
            int firstChannel = start / plane % channels;
            for (int i = 0; i < length; i++)
            {
                int channel = firstChannel + (i / plane);
                double normalized = (x[start + i] - mean) / Math.Sqrt(variance + eps);
                y[start + i] = activation((normalized * (w?[channel] ?? 1)) + (b?[channel] ?? 0));
            }
        }

        return y;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Matches_the_definition_in_place_and_per_sample(bool checkedAccess)
    {
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess, Source).GetType("Layers")!;
        void Call(string method, params object[] arguments) => layers.GetMethod(method)!.Invoke(null, arguments);
        var rng = new Random(21);
        float[] x = Enumerable.Range(0, 2 * 560).Select(_ => (float)((rng.NextDouble() * 6) - 1)).ToArray();
        float[] w = Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() + 0.5)).ToArray();
        float[] b = Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] y = new float[x.Length];
        Call("VaeInto", 2, x, w, b, y);
        double[] expected = Reference([.. x.Select(v => (double)v)], 16, 35, 4, [.. w.Select(v => (double)v)], [.. b.Select(v => (double)v)], 1e-5, v => v / (1 + Math.Exp(-v)));
        Assert.All(Enumerable.Range(0, y.Length), i => Assert.True(Math.Abs(y[i] - expected[i]) <= 2e-6 * 4, $"output[{i}] is {y[i]:R}, the definition gives {expected[i]:R}"));

        // Each sample of a batch as on its own.
        float[] second = new float[560];
        Call("VaeInto", 1, x[560..], w, b, second);
        Assert.Equal(y[560..], second);

        // In place: a group is read whole before any of it is written.
        float[] inPlace = (float[])x.Clone();
        Call("VaeInPlace", inPlace, w, b);
        Assert.Equal(y, inPlace);

        // Refused before anything is written.
        float[] before = (float[])x.Clone();
        var overlap = Assert.IsType<ArgumentException>(Assert.Throws<TargetInvocationException>(() => Call("VaeShifted", x, w, b)).InnerException);
        Assert.Equal("output", overlap.ParamName);
        Assert.Equal(before, x);
        float[] untouched = new float[560];
        var shortWeight = Assert.IsType<ArgumentException>(Assert.Throws<TargetInvocationException>(() => Call("VaeShortWeight", x[..560], b, untouched)).InnerException);
        Assert.Equal("weight", shortWeight.ParamName);
        Assert.All(untouched, v => Assert.Equal(0f, v));
    }

    /// <summary>
    /// norm(a x + c) = norm(x) for a > 0: with a = 8 (exact) and c = 1e6 the statistics must not lose the deviations to
    /// the mean; E[x^2] - E[x]^2 would lose about 1e-7 of the variance here, the two passes lose nothing visible at 1e-9.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Is_invariant_under_scale_and_shift(bool checkedAccess)
    {
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess, Source).GetType("Layers")!;
        var rng = new Random(22);
        double[] x = Enumerable.Range(0, 120).Select(_ => (rng.NextDouble() * 8) - 4).ToArray();
        double[] moved = x.Select(v => (v * 8) + 1e6).ToArray();
        double[] y = new double[120], z = new double[120];
        layers.GetMethod("StyleInto")!.Invoke(null, [x, y]);
        layers.GetMethod("StyleInto")!.Invoke(null, [moved, z]);
        double[] expected = Reference(x, 3, 40, 3, null, null, 1e-5 / 64, v => v);
        Assert.All(Enumerable.Range(0, 120), i => Assert.True(Math.Abs(z[i] - expected[i]) <= 1e-9, $"output[{i}] is {z[i]:R} for 8x + 1e6, the definition gives {expected[i]:R}"));
        Assert.All(Enumerable.Range(0, 120), i => Assert.True(Math.Abs(y[i] - Reference(x, 3, 40, 3, null, null, 1e-5, v => v)[i]) <= 1e-12, $"output[{i}] is {y[i]:R}"));
    }
}
