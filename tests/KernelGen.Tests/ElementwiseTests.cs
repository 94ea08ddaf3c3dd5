using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// [Add], [Mul] and [Affine] in place and against overlaps, in the vector forms (runs that are not whole vectors) and
/// the scalar loops (checked access): the output may be the input's memory, or a full-shape second operand's, exactly;
/// a shifted overlap, or any overlap with a broadcast operand, is refused before anything is written. The values
/// themselves are PyTorch's golden cases (elementwise.json); here each call is also checked against the definition.
/// </summary>
public sealed class ElementwiseTests
{
    private const string Source = """
        using System;
        using KernelGen;
        public static partial class Layers
        {
            [Add(Activation = Activation.Relu)]
            public static partial void Residual(int batch, [Shape(3, 5, 7)] ReadOnlySpan<float> input, [Shape(3, 5, 7)] ReadOnlySpan<float> skip, [Shape(3, 5, 7)] Span<float> output);

            [Mul]
            public static partial void Excite(int batch, [Shape(6, 5, 7)] ReadOnlySpan<double> input, [Shape(6, 1, 1)] ReadOnlySpan<double> scale, [Shape(6, 5, 7)] Span<double> output);

            [Affine(Scale = 0.5, Offset = -1)]
            public static partial void Shift([Shape(2, 37)] ReadOnlySpan<float> input, [Shape(2, 37)] Span<float> output);

            public static void ResidualInto(float[] x, float[] s, float[] y) => Residual(2, x, s, y);
            public static void ResidualIntoInput(float[] x, float[] s) => Residual(2, x, s, x);
            public static void ResidualIntoSkip(float[] x, float[] s) => Residual(2, x, s, s);
            public static void ResidualShifted(float[] x, float[] s) => Residual(1, x.AsSpan(0, 105), s.AsSpan(0, 105), x.AsSpan(1, 105));
            public static void ExciteInto(double[] x, double[] s, double[] y) => Excite(2, x, s, y);
            public static void ExciteInPlace(double[] x, double[] s) => Excite(2, x, s, x);
            public static void ExciteOverScale(double[] x) => Excite(1, x.AsSpan(0, 210), x.AsSpan(200, 6), x.AsSpan(0, 210));
            public static void ShiftInto(float[] x, float[] y) => Shift(x, y);
            public static void ShiftInPlace(float[] x) => Shift(x, x);
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void In_place_equals_out_of_place_and_bad_overlaps_are_refused(bool checkedAccess)
    {
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess, Source).GetType("Layers")!;
        void Call(string method, params object[] arguments) => layers.GetMethod(method)!.Invoke(null, arguments);
        var rng = new Random(11);
        float[] Floats(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        double[] Doubles(int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 8 - 4).ToArray();

        // A residual with ReLU: into a new buffer, into the input, into the skip connection.
        float[] x = Floats(210), skip = Floats(210), expected = new float[210];
        Call("ResidualInto", x, skip, expected);
        Assert.Equal(x.Zip(skip, (a, b) => Math.Max(a + b, 0f)), expected);
        float[] intoInput = (float[])x.Clone();
        Call("ResidualIntoInput", intoInput, skip);
        Assert.Equal(expected, intoInput);
        float[] intoSkip = (float[])skip.Clone();
        Call("ResidualIntoSkip", x, intoSkip);
        Assert.Equal(expected, intoSkip);

        // A per-channel scale, one per sample and channel, broadcast over the plane.
        double[] features = Doubles(420), scale = Doubles(12), excited = new double[420];
        Call("ExciteInto", features, scale, excited);
        Assert.Equal(features.Select((v, i) => v * scale[i / 35]), excited);
        double[] inPlace = (double[])features.Clone();
        Call("ExciteInPlace", inPlace, scale);
        Assert.Equal(excited, inPlace);

        float[] shifted = Floats(74), affine = new float[74];
        Call("ShiftInto", shifted, affine);
        Assert.Equal(shifted.Select(v => v * 0.5f + -1f), affine);
        Call("ShiftInPlace", shifted);
        Assert.Equal(affine, shifted);

        // Refused before anything is written.
        float[] before = (float[])x.Clone();
        var error = Refused(() => Call("ResidualShifted", x, skip));
        Assert.StartsWith("Layers.Residual: the output must be exactly the memory of the input (in place) or not overlap it", error.Message);
        Assert.Equal(before, x);
        double[] overScale = (double[])features.Clone();
        error = Refused(() => Call("ExciteOverScale", overScale));
        Assert.StartsWith("Layers.Excite: the output must not overlap the second operand 'scale', whose elements are read again", error.Message);
        Assert.Equal(features, overScale);
    }

    private static ArgumentException Refused(Action call)
    {
        var error = Assert.IsType<ArgumentException>(Assert.Throws<TargetInvocationException>(call).InnerException);
        Assert.Equal("output", error.ParamName);
        return error;
    }
}
