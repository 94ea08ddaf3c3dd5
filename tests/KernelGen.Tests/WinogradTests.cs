using System.Reflection;
using System.Text.RegularExpressions;
using KernelGen.Tests.Infrastructure;
using KernelGen.Tests.Reference;

namespace KernelGen.Tests;

/// <summary>
/// <c>[Conv]</c> in Winograd's form (<c>Algorithm = ConvAlgorithm.Winograd</c>, or the planner's choice): sums against
/// the definition computed in double, within the error bound the package README states; non-finite inputs handled as
/// direct convolution handles them; a weight changed between calls seen. The shapes are chosen for the places the form
/// can go wrong: rows and planes that are not whole tiles or whole vectors, channel counts that leave a last block, the
/// pads, a batch, bias, residual and activation, padding modes, both element types. It sets <see cref="Workers.Count"/>,
/// so it runs in <see cref="WorkersTests"/>' collection, alone: with another class saving and restoring the count at the
/// same time, the process could be left with either's.
/// </summary>
[Collection(nameof(WorkersTests))]
public sealed class WinogradTests
{
    /// <summary>A layer: its attribute's arguments before Activation, its shapes, the batch.</summary>
    private sealed record Layer(string Name, string Arguments, int Cin, int Cout, int H, int W, int Pad, bool IsDouble = false, int Batch = 1, string Extra = "")
    {
        public int OutH => H + (2 * Pad) - 2;

        public int OutW => W + (2 * Pad) - 2;
    }

    private static readonly Layer[] Layers =
    [
        new("Square", "k: 3, pad: 1", 16, 16, 32, 32, Pad: 1),
        new("Ragged", "k: 3, pad: 1", 5, 27, 13, 37, Pad: 1, Batch: 2),
        new("NoPad", "k: 3", 7, 9, 19, 22, Pad: 0),
        new("WidePad", "k: 3, pad: 2", 3, 20, 9, 17, Pad: 2, IsDouble: true),
        new("Residual", "k: 3, pad: 1", 12, 8, 10, 20, Pad: 1, Extra: "Residual"),
        new("Reflect", "k: 3, pad: 1, PaddingMode = PaddingMode.Reflect", 6, 10, 11, 18, Pad: 1),
        new("Deep", "k: 3, pad: 1", 64, 40, 14, 14, Pad: 1),
        new("DoubleDeep", "k: 3, pad: 1", 33, 17, 12, 12, Pad: 1, IsDouble: true, Batch: 2),
    ];

    private static string Name(Layer layer, string algorithm) => $"{layer.Name}_{algorithm}";

    private static readonly Lazy<(Type Kernels, IReadOnlyDictionary<string, string> Generated)> Compiled = new(() =>
    {
        var declarations = new Declarations();
        foreach (Layer layer in Layers)
        {
            foreach (string algorithm in new[] { "Winograd", "Direct" })
            {
                string activation = layer.Extra == "Residual" ? ", Activation = Activation.Relu" : string.Empty;
                declarations.Add(Name(layer, algorithm), $"[Conv({layer.Arguments}, Algorithm = ConvAlgorithm.{algorithm}{activation})]", layer.IsDouble,
                    [layer.Cin, layer.H, layer.W], [layer.Cout, layer.OutH, layer.OutW], hasWeight: true, hasBias: true, batched: true, residual: layer.Extra == "Residual");
            }
        }

        Type kernels = GeneratorHarness.CompileAndLoad(out var generated, declarations.Source).GetType("Generated.Kernels")!;
        return (kernels, generated);
    });

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (Layer layer in Layers)
        {
            data.Add(layer.Name, false);
        }

        // Inputs of every magnitude from 1e-3 to 1e3 side by side, on layers of each element type.
        data.Add("Square", true);
        data.Add("Deep", true);
        data.Add("WidePad", true);
        return data;
    }

    /// <summary>
    /// Against the definition in double: every output within the stated bound of its plane's largest sum of
    /// |weight * input| (a tile's transforms mix its inputs, so an output's error scales with its neighbours' sums, not
    /// its own), for 1, 2 and 3 workers with bit-identical outputs. Every width of each kernel is in Winograd's form
    /// (the generated methods say so), so the test cannot pass on the direct form.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Winograd_sums_equal_the_definition_within_the_bound(string layerName, bool everyMagnitude)
    {
        Layer layer = Layers.Single(l => l.Name == layerName);
        string file = Compiled.Value.Generated.Single(f => f.Key.Contains($".{Name(layer, "Winograd")}.", StringComparison.Ordinal)).Value;
        Assert.Equal(3, Regex.Matches(file, @"/// <summary>One sample with Vector\d+ by Winograd's F").Count);

        var rng = new Random((layerName.Length * 7919) + (everyMagnitude ? 1 : 0));
        double[] input = everyMagnitude
            ? [.. Enumerable.Range(0, layer.Batch * layer.Cin * layer.H * layer.W).Select(_ => Round(layer, (rng.Next(2) * 2 - 1) * Math.Pow(10, (rng.NextDouble() * 6) - 3)))]
            : Values(rng, layer, layer.Batch * layer.Cin * layer.H * layer.W, 1.0);
        double[] weight = Values(rng, layer, layer.Cout * layer.Cin * 9, 1.0 / Math.Sqrt(layer.Cin * 9));
        double[] bias = Values(rng, layer, layer.Cout, 0.1);
        int outputLength = layer.Batch * layer.Cout * layer.OutH * layer.OutW;
        double[]? residual = layer.Extra == "Residual" ? Values(rng, layer, outputLength, 1.0) : null;

        var outputs = new List<double[]>();
        int saved = Workers.Count;
        try
        {
            foreach (int workers in new[] { 1, 2, 3 })
            {
                Workers.Count = workers;
                outputs.Add(Call(layer, "Winograd", input, weight, bias, residual, outputLength));
            }
        }
        finally
        {
            Workers.Count = saved;
        }

        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
        double[] actual = outputs[0];
        (double[] expected, double[] scale) = Definition(layer, input, weight, bias);
        double bound = Bound(layer);
        for (int i = 0; i < outputLength; i++)
        {
            // The residual is added to the sum, then ReLU.
            double want = residual is null ? expected[i] : Math.Max(0, expected[i] + residual[i]);
            double error = Math.Abs(actual[i] - want) / scale[i];
            Assert.True(error <= bound, $"{layerName}[{i}]: {actual[i]:R}, expected {want:R}: error {error:E2} of the plane's largest sum of |w*x|, above {bound:E1}");
        }
    }

    /// <summary>
    /// An infinite or NaN input: direct convolution keeps the outputs that do not read it finite, Winograd's transforms
    /// would not, so such a sample is computed again by the direct form. The outputs are then the direct kernel's, bit for bit.
    /// </summary>
    [Theory]
    [InlineData("Square")]
    [InlineData("WidePad")]
    [InlineData("Residual")]
    public void A_sample_with_an_infinite_or_NaN_input_gets_the_direct_form_s_outputs(string layerName)
    {
        Layer layer = Layers.Single(l => l.Name == layerName);
        var rng = new Random(5);
        double[] input = Values(rng, layer, layer.Batch * layer.Cin * layer.H * layer.W, 1.0);
        double[] weight = Values(rng, layer, layer.Cout * layer.Cin * 9, 0.2), bias = Values(rng, layer, layer.Cout, 0.1);
        int outputLength = layer.Batch * layer.Cout * layer.OutH * layer.OutW;
        double[]? residual = layer.Extra == "Residual" ? Values(rng, layer, outputLength, 1.0) : null;
        input[(layer.H / 2 * layer.W) + 3] = double.PositiveInfinity;
        input[input.Length - 1] = double.NaN;

        double[] winograd = Call(layer, "Winograd", input, weight, bias, residual, outputLength);
        double[] direct = Call(layer, "Direct", input, weight, bias, residual, outputLength);
        Assert.Equal(direct.Select(BitConverter.DoubleToInt64Bits), winograd.Select(BitConverter.DoubleToInt64Bits));
        Assert.Contains(winograd, double.IsFinite);
        Assert.Contains(winograd, v => !double.IsFinite(v));
    }

    /// <summary>The transformed weight is cached per kernel: another weight, or the same array changed in place, is seen on the next call.</summary>
    [Fact]
    public void A_weight_changed_between_calls_is_transformed_again()
    {
        Layer layer = Layers.Single(l => l.Name == "Ragged");
        var rng = new Random(11);
        double[] input = Values(rng, layer, layer.Batch * layer.Cin * layer.H * layer.W, 1.0);
        double[] first = Values(rng, layer, layer.Cout * layer.Cin * 9, 0.2), second = Values(rng, layer, first.Length, 0.2), bias = new double[layer.Cout];
        int outputLength = layer.Batch * layer.Cout * layer.OutH * layer.OutW;
        foreach (double[] weight in new[] { first, second, first })
        {
            double[] actual = Call(layer, "Winograd", input, weight, bias, null, outputLength);
            (double[] expected, double[] scale) = Definition(layer, input, weight, bias);
            Assert.All(Enumerable.Range(0, outputLength), i => Assert.True(Math.Abs(actual[i] - expected[i]) <= Bound(layer) * scale[i], $"[{i}]: {actual[i]:R}, expected {expected[i]:R}"));
        }

        // One array changed in place between two calls.
        float[] inPlace = [.. first.Select(v => (float)v)], floatInput = [.. input.Select(v => (float)v)];
        float[] output = new float[outputLength];
        MethodInfo run = Compiled.Value.Kernels.GetMethod("Run_" + Name(layer, "Winograd"))!;
        run.Invoke(null, [layer.Batch, floatInput, inPlace, new float[layer.Cout], output]);
        Array.Copy(second.Select(v => (float)v).ToArray(), inPlace, inPlace.Length);
        run.Invoke(null, [layer.Batch, floatInput, inPlace, new float[layer.Cout], output]);
        (double[] want, double[] size) = Definition(layer, input, second, bias);
        Assert.All(Enumerable.Range(0, outputLength), i => Assert.True(Math.Abs(output[i] - want[i]) <= Bound(layer) * size[i], $"in place [{i}]: {output[i]:R}, expected {want[i]:R}"));
    }

    /// <summary>The planner's choice without Algorithm: Winograd on the layers where it pays, direct where it does not or cannot.</summary>
    [Theory]
    [InlineData(64, 56, 1, true)]
    [InlineData(128, 28, 1, true)]
    [InlineData(3, 32, 1, false)]
    [InlineData(64, 32, 2, false)]
    public void Auto_takes_winograd_where_it_pays(int channels, int size, int stride, bool winograd)
    {
        int output = ((size + 2 - 3) / stride) + 1;
        string source = $$"""
            using System;
            using KernelGen;
            public static partial class L
            {
                [Conv(k: 3, stride: {{stride}}, pad: 1)]
                public static partial void C([Shape({{channels}}, {{size}}, {{size}})] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(64, {{output}}, {{output}})] Span<float> output);
            }
            """;
        string generated = Assert.Single(GeneratorHarness.Run(source).Sources).Value;
        Assert.Equal(winograd, generated.Contains("by Winograd's F(", StringComparison.Ordinal));
    }

    /// <summary>The bound the README states for F(4x4, 3x3), relative to the plane's largest sum of |w*x| (and |bias|); F(2x2, 3x3) stays near the direct form's.</summary>
    private static double Bound(Layer layer) => layer.IsDouble ? 2e-14 : 5e-6;

    private static double[] Values(Random rng, Layer layer, int count, double scale) =>
        Enumerable.Range(0, count).Select(_ => Round(layer, (rng.NextDouble() * 2 - 1) * scale)).ToArray();

    private static double Round(Layer layer, double value) => layer.IsDouble ? value : (float)value;

    /// <summary>The convolution in double by the definition, with the padding mode's border, and each output's sum of |w*x| + |bias|.</summary>
    private static (double[] Sums, double[] Scale) Definition(Layer layer, double[] input, double[] weight, double[] bias)
    {
        bool reflect = layer.Arguments.Contains("Reflect");
        int oh = layer.OutH, ow = layer.OutW;
        var sums = new double[layer.Batch * layer.Cout * oh * ow];
        var scale = new double[sums.Length];
        for (int n = 0; n < layer.Batch; n++)
        for (int co = 0; co < layer.Cout; co++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            double sum = bias[co], magnitude = Math.Abs(bias[co]);
            for (int ci = 0; ci < layer.Cin; ci++)
            for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                int iy = y + ky - layer.Pad, ix = x + kx - layer.Pad;
                if (reflect)
                {
                    iy = iy < 0 ? -iy : iy >= layer.H ? (2 * layer.H) - 2 - iy : iy;
                    ix = ix < 0 ? -ix : ix >= layer.W ? (2 * layer.W) - 2 - ix : ix;
                }
                else if (iy < 0 || iy >= layer.H || ix < 0 || ix >= layer.W)
                {
                    continue;
                }

                double product = weight[(((co * layer.Cin) + ci) * 9) + (ky * 3) + kx] * input[(((n * layer.Cin) + ci) * layer.H * layer.W) + (iy * layer.W) + ix];
                sum += product;
                magnitude += Math.Abs(product);
            }

            int at = (((n * layer.Cout) + co) * oh * ow) + (y * ow) + x;
            sums[at] = sum;
            scale[at] = magnitude;
        }

        // A tile's transforms mix its inputs, so an output's error scales with its plane's largest sums, not its own.
        for (int plane = 0; plane < layer.Batch * layer.Cout; plane++)
        {
            double largest = Math.Max(scale.Skip(plane * oh * ow).Take(oh * ow).Max(), double.Epsilon);
            Array.Fill(scale, largest, plane * oh * ow, oh * ow);
        }

        return (sums, scale);
    }

    private static double[] Call(Layer layer, string algorithm, double[] input, double[] weight, double[] bias, double[]? residual, int outputLength)
    {
        object Buffer(double[] values) => layer.IsDouble ? values.ToArray() : values.Select(v => (float)v).ToArray();
        object output = Buffer(new double[outputLength]);
        var arguments = new List<object> { layer.Batch, Buffer(input), Buffer(weight), Buffer(bias), output };
        if (residual is not null)
        {
            arguments.Add(Buffer(residual));
        }

        Compiled.Value.Kernels.GetMethod("Run_" + Name(layer, algorithm))!.Invoke(null, arguments.ToArray());
        return output is float[] f ? f.Select(v => (double)v).ToArray() : (double[])output;
    }
}
