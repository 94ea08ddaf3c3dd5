using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// [Activate] in place: the output may be the input's memory exactly, in the unrolled form, the vector form with a
/// length that is not a whole number of vectors, and the scalar loops (checked access); a shifted overlap is refused
/// before anything is written. The values themselves are PyTorch's golden cases (activate.json).
/// </summary>
public sealed class ActivateTests
{
    private const string Source = """
        using System;
        using KernelGen;
        public static partial class Layers
        {
            [Activate(Activation.Silu)]
            public static partial void Small([Shape(2, 5)] ReadOnlySpan<float> input, [Shape(2, 5)] Span<float> output);

            [Activate(Activation.LeakyRelu, NegativeSlope = 0.2)]
            public static partial void Large(int batch, [Shape(3, 7, 11)] ReadOnlySpan<double> input, [Shape(3, 7, 11)] Span<double> output);

            public static void SmallInto(float[] x, float[] y) => Small(x, y);
            public static void SmallInPlace(float[] x) => Small(x, x);
            public static void LargeInto(double[] x, double[] y) => Large(2, x, y);
            public static void LargeInPlace(double[] x) => Large(2, x, x);
            public static void LargeShifted(double[] x) => Large(1, x.AsSpan(0, 231), x.AsSpan(1, 231));
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void In_place_equals_out_of_place_and_a_shifted_overlap_is_refused(bool checkedAccess)
    {
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess, Source).GetType("Layers")!;
        void Call(string method, params object[] arguments) => layers.GetMethod(method)!.Invoke(null, arguments);
        var rng = new Random(7);
        float[] small = Enumerable.Range(0, 10).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        double[] large = Enumerable.Range(0, 2 * 231).Select(_ => rng.NextDouble() * 8 - 4).ToArray();

        float[] smallExpected = new float[10];
        Call("SmallInto", small, smallExpected);
        float[] smallInPlace = (float[])small.Clone();
        Call("SmallInPlace", smallInPlace);
        Assert.Equal(smallExpected, smallInPlace);

        double[] largeExpected = new double[large.Length];
        Call("LargeInto", large, largeExpected);
        double[] largeInPlace = (double[])large.Clone();
        Call("LargeInPlace", largeInPlace);
        Assert.Equal(largeExpected, largeInPlace);
        Assert.Equal(large.Select(v => v > 0 ? v : v * 0.2), largeExpected);

        double[] shifted = (double[])large.Clone();
        var error = Assert.IsType<ArgumentException>(Assert.Throws<TargetInvocationException>(() => Call("LargeShifted", shifted)).InnerException);
        Assert.Equal("output", error.ParamName);
        Assert.StartsWith("Layers.Large: the output must be exactly the memory of the input (in place) or not overlap it", error.Message);
        Assert.Equal(large, shifted);
    }
}
