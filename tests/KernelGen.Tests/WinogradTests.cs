using KernelGen.Tests.Infrastructure;
using KernelGen.Tests.Reference;

namespace KernelGen.Tests;

/// <summary>
/// <c>[Conv]</c> in Winograd's form (<c>Algorithm = ConvAlgorithm.Winograd</c>, or the planner's choice): sums against
/// the definition computed in double, within the error bound the package README states; non-finite inputs handled as
/// direct convolution handles them; a weight changed between calls seen. The shapes are chosen for the places the form
/// can go wrong: rows and planes that are not whole tiles or whole vectors, channel counts that leave a last block, the
/// pads, a batch, bias, residual and activation, padding modes, both element types.
/// </summary>
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

    public static TheoryData<string> LayerNames() => new(Layers.Select(l => l.Name));

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Winograd_sums_equal_the_definition_within_the_bound(string layerName)
    {
        Layer layer = Layers.Single(l => l.Name == layerName);
        var rng = new Random(layerName.Length * 7919);
        double[] input = Values(rng, layer, layer.Batch * layer.Cin * layer.H * layer.W, 1.0);
        double[] weight = Values(rng, layer, layer.Cout * layer.Cin * 9, 1.0 / Math.Sqrt(layer.Cin * 9));
        double[] bias = Values(rng, layer, layer.Cout, 0.1);
        int outputLength = layer.Batch * layer.Cout * layer.OutH * layer.OutW;
        double[]? residual = layer.Extra == "Residual" ? Values(rng, layer, outputLength, 1.0) : null;

        double[] actual = Call(layer, "Winograd", input, weight, bias, residual, outputLength);
        (double[] expected, double[] scale) = Definition(layer, input, weight, bias);
        double bound = Bound(layer), worst = 0, worstDirect = 0;
        double[] direct = Call(layer, "Direct", input, weight, bias, residual, outputLength);
        for (int i = 0; i < outputLength; i++)
        {
            double want = residual is null ? expected[i] : Math.Max(0, expected[i] + residual[i]);
            double error = Math.Abs(actual[i] - want) / scale[i];
            worst = Math.Max(worst, error);
            worstDirect = Math.Max(worstDirect, Math.Abs(direct[i] - want) / scale[i]);
            Assert.True(error <= bound, $"{layerName}[{i}]: {actual[i]:R}, expected {want:R}: error {error:E2} of the sum of |w*x|, above {bound:E1}");
        }

        string tiles = string.Join(",", Compiled.Value.Generated.Where(f => f.Key.Contains(Name(layer, "Winograd"))).SelectMany(f => System.Text.RegularExpressions.Regex.Matches(f.Value, @"(Vector\d+) by Winograd's (F\(\dx\d)").Select(m => m.Groups[1].Value + m.Groups[2].Value)));
        Assert.True(worst < 0, $"{layerName} {tiles} worst {worst:E2} direct {worstDirect:E2}");
    }

    /// <summary>The bound the README states, relative to the sum of |weight * input| over an output's window (and |bias|).</summary>
    private static double Bound(Layer layer) => layer.IsDouble ? 1e-12 : 2e-5;

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
