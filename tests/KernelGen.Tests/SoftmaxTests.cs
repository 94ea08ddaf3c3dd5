using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// [Softmax] against its definition written here (in double), in its three forms (across positions with positions
/// left over, across the channels of a vector of features, and the scalar loops in checked access); in place; per sample
/// of a batch; invariant under a shift of a position's channels (the identity its max subtraction relies on); log-softmax
/// as the log of softmax; refusing a shifted overlap before anything is written. PyTorch's own cases are in softmax.json.
/// </summary>
public sealed class SoftmaxTests
{
    private const string Source = """
        using System;
        using KernelGen;
        public static partial class Layers
        {
            [Softmax]
            public static partial void Map(int batch, [Shape(6, 5, 7)] ReadOnlySpan<float> input, [Shape(6, 5, 7)] Span<float> output);

            [Softmax(Log = true)]
            public static partial void LogMap(int batch, [Shape(6, 5, 7)] ReadOnlySpan<float> input, [Shape(6, 5, 7)] Span<float> output);

            [Softmax]
            public static partial void Logits(int batch, [Shape(203)] ReadOnlySpan<float> input, [Shape(203)] Span<float> output);

            [Softmax(Log = true)]
            public static partial void LogLogits(int batch, [Shape(203)] ReadOnlySpan<double> input, [Shape(203)] Span<double> output);

            public static void MapInto(int batch, float[] x, float[] y) => Map(batch, x, y);
            public static void LogMapInto(int batch, float[] x, float[] y) => LogMap(batch, x, y);
            public static void MapInPlace(float[] x) => Map(2, x, x);
            public static void MapShifted(float[] x) => Map(1, x.AsSpan(0, 210), x.AsSpan(1, 210));
            public static void LogitsInto(int batch, float[] x, float[] y) => Logits(batch, x, y);
            public static void LogitsInPlace(float[] x) => Logits(2, x, x);
            public static void LogLogitsInto(int batch, double[] x, double[] y) => LogLogits(batch, x, y);
        }
        """;

    /// <summary>softmax's definition over the channels of each position, in double; log-softmax as x - max - log(sum).</summary>
    private static double[] Reference(double[] x, int channels, int plane, bool log)
    {
        var y = new double[x.Length];
        for (int start = 0; start < x.Length; start += channels * plane)
        {
            for (int p = 0; p < plane; p++)
            {
                double max = Enumerable.Range(0, channels).Max(c => x[start + (c * plane) + p]);
                double sum = Enumerable.Range(0, channels).Sum(c => Math.Exp(x[start + (c * plane) + p] - max));
                for (int c = 0; c < channels; c++)
                {
                    double v = x[start + (c * plane) + p] - max;
                    y[start + (c * plane) + p] = log ? v - Math.Log(sum) : Math.Exp(v) / sum;
                }
            }
        }

        return y;
    }

    private static float[] Random(int count, int seed, double scale)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(((rng.NextDouble() * 2) - 1) * scale)).ToArray();
    }

    private static void Close(float[] actual, double[] expected, double tolerance) =>
        Assert.All(Enumerable.Range(0, actual.Length), i => Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance, $"output[{i}] is {actual[i]:R}, the definition gives {expected[i]:R}"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Matches_the_definition_in_place_and_per_sample(bool checkedAccess)
    {
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess, Source).GetType("Layers")!;
        void Call(string method, params object[] arguments) => layers.GetMethod(method)!.Invoke(null, arguments);

        // A map of 35 positions (a block of 16, 32 or more, and the rest one by one) and a vector of 203 channels.
        float[] map = Random(2 * 210, 1, 6), logits = Random(2 * 203, 2, 20);
        float[] y = new float[map.Length], z = new float[map.Length], l = new float[logits.Length];
        Call("MapInto", 2, map, y);
        Call("LogMapInto", 2, map, z);
        Call("LogitsInto", 2, logits, l);
        double[] wide = [.. map.Select(v => (double)v)];
        Close(y, Reference(wide, 6, 35, log: false), 3e-7);
        Close(z, Reference(wide, 6, 35, log: true), 2e-6);
        Close(l, Reference([.. logits.Select(v => (double)v)], 203, 1, log: false), 3e-7);

        // Each sample of a batch as on its own.
        float[] second = new float[210];
        Call("MapInto", 1, map[210..], second);
        Assert.Equal(y[210..], second);

        // In place: a position's channels are read before any of them is written.
        float[] inPlace = (float[])map.Clone();
        Call("MapInPlace", inPlace);
        Assert.Equal(y, inPlace);
        float[] logitsInPlace = (float[])logits.Clone();
        Call("LogitsInPlace", logitsInPlace);
        Assert.Equal(l, logitsInPlace);

        // Refused before anything is written.
        float[] before = (float[])map.Clone();
        var overlap = Assert.IsType<ArgumentException>(Assert.Throws<TargetInvocationException>(() => Call("MapShifted", map)).InnerException);
        Assert.Equal("output", overlap.ParamName);
        Assert.Equal(before, map);
    }

    /// <summary>
    /// softmax(x + c) = softmax(x) at each position, for c = 1e4 and -1e4 (exp(x) alone would overflow or vanish); each
    /// position's probabilities sum to 1; log-softmax in double is the log of softmax.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Is_invariant_under_a_shift_and_sums_to_one(bool checkedAccess)
    {
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess, Source).GetType("Layers")!;
        float[] x = Random(203, 3, 4);
        float[] y = new float[203], up = new float[203], down = new float[203];
        layers.GetMethod("LogitsInto")!.Invoke(null, [1, x, y]);
        layers.GetMethod("LogitsInto")!.Invoke(null, [1, x.Select(v => v + 1e4f).ToArray(), up]);
        layers.GetMethod("LogitsInto")!.Invoke(null, [1, x.Select(v => v - 1e4f).ToArray(), down]);
        // x + 1e4 rounds x to float's step there (2^-10): the shifted logits differ from x by up to 5e-4.
        Close(up, [.. y.Select(v => (double)v)], 5e-4 * 2 * y.Max());
        Close(down, [.. y.Select(v => (double)v)], 5e-4 * 2 * y.Max());
        Assert.InRange(y.Sum(v => (double)v), 1 - 1e-5, 1 + 1e-5);

        double[] d = [.. Random(203, 4, 30).Select(v => (double)v)], logs = new double[203];
        layers.GetMethod("LogLogitsInto")!.Invoke(null, [1, d, logs]);
        double[] probabilities = Reference(d, 203, 1, log: false);
        Assert.All(Enumerable.Range(0, 203), i => Assert.True(Math.Abs(logs[i] - Math.Log(probabilities[i])) <= 1e-12 * Math.Max(1, Math.Abs(logs[i])), $"log-softmax[{i}] {logs[i]:R}, log(softmax) {Math.Log(probabilities[i]):R}"));
    }
}
