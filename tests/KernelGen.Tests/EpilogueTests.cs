using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// The epilogue of every weighted operator, in every form: a layer with an activation and a residual must store
/// <c>activation(layer(x) + residual)</c>, where <c>layer(x)</c> is the same layer without either (its own numbers are
/// checked against PyTorch elsewhere) and the activation is <c>[Activate]</c>'s (checked against PyTorch in
/// activate.json), the sum rounded before it as PyTorch rounds <c>relu(conv(x) + identity)</c>. The shapes are chosen
/// for the places an epilogue can be missed: planes smaller than one vector (a 1x1 convolution over one position),
/// rows narrower than a vector, a remainder after whole vectors, the transposed convolution's phases, the matrix
/// product of <c>[Linear]</c>, a padding mode. Each layer has over 512 multiply-adds, so the loops and vector forms run
/// (the unrolled form's epilogue is in the snapshots and the golden cases).
/// </summary>
public sealed class EpilogueTests
{
    /// <summary>A weighted layer: its attribute without the activation, its buffers' shapes and its weight's length.</summary>
    private sealed record Layer(string Name, string Attribute, int[] In, int[] Out, int WeightLength, bool IsDouble = false, int Batch = 1);

    private static readonly Layer[] Layers =
    [
        new("OnePosition", "Conv1x1(", [40, 1, 1], [24, 1, 1], 24 * 40),
        new("Positions", "Conv1x1(", [20, 5, 7], [24, 5, 7], 24 * 20, IsDouble: true),
        new("NarrowRows", "Conv(k: 3, pad: 1, ", [8, 3, 5], [8, 3, 5], 8 * 8 * 9),
        new("WideRows", "Conv(k: 3, pad: 1, ", [8, 6, 20], [8, 6, 20], 8 * 8 * 9, Batch: 2),
        new("Dilated1d", "Conv(k: 3, pad: 2, Dilation = 2, ", [8, 37], [8, 37], 8 * 8 * 3),
        new("Strided", "Conv(k: 3, stride: 2, pad: 1, ", [8, 9, 33], [12, 5, 17], 12 * 8 * 9),
        new("Reflect", "Conv(k: 3, pad: 1, PaddingMode = PaddingMode.Reflect, ", [6, 7, 19], [6, 7, 19], 6 * 6 * 9, IsDouble: true),
        new("Volume", "Conv(k: 3, pad: 1, ", [4, 3, 3, 18], [4, 3, 3, 18], 4 * 4 * 27),
        new("Phases", "ConvTranspose(k: 4, stride: 2, pad: 1, ", [16, 4, 4], [8, 8, 8], 16 * 8 * 16),
        new("Transposed1d", "ConvTranspose(k: 3, ", [8, 21], [8, 23], 8 * 8 * 3, IsDouble: true),
        new("Dense", "Linear(", [40], [24], 24 * 40, Batch: 3),
    ];

    /// <summary>Every activation, with the constants it takes; PReLU's slopes are a span.</summary>
    private static readonly (string Kind, string Constants)[] Activations =
    [
        ("Relu", ""), ("LeakyRelu", ", NegativeSlope = 0.125"), ("Relu6", ""), ("HardSigmoid", ""), ("HardSwish", ""),
        ("Clamp", ", Min = -0.75, Max = 1.5"), ("Tanh", ""), ("Sigmoid", ""), ("Silu", ""), ("Gelu", ""), ("GeluTanh", ""),
        ("Elu", ", Alpha = 0.5"), ("Softplus", ""), ("Mish", ""), ("PRelu", ""),
    ];

    /// <summary>Which activations each layer is declared with: five per layer in turn, so each meets three layers, plus none.</summary>
    private static IEnumerable<(string Kind, string Constants, bool Residual)> Epilogues(int layer)
    {
        yield return ("None", "", true);
        for (int j = 0; j < 5; j++)
        {
            var (kind, constants) = Activations[((3 * layer) + j) % Activations.Length];
            yield return (kind, constants, (layer + j) % 2 == 0);
        }
    }

    private static string Name(Layer layer, string kind, bool residual) => $"{layer.Name}_{kind}{(residual ? "_Residual" : string.Empty)}";

    private static readonly Lazy<Type> Kernels = new(() =>
    {
        var declarations = new Declarations();
        for (int i = 0; i < Layers.Length; i++)
        {
            Layer layer = Layers[i];
            declarations.Add(Name(layer, "Plain", false), $"[{layer.Attribute})]".Replace(", )", ")").Replace("()", ""), layer.IsDouble, layer.In, layer.Out,
                hasWeight: true, hasBias: true, batched: true);
            foreach (var (kind, constants, residual) in Epilogues(i))
            {
                declarations.Add(Name(layer, kind, residual), $"[{layer.Attribute}Activation = Activation.{kind}{constants})]", layer.IsDouble, layer.In, layer.Out,
                    hasWeight: true, hasBias: true, batched: true, slopeShape: kind == "PRelu" ? [layer.Out[0]] : null, residual: residual);
            }
        }

        // [Activate] over a flat buffer as long as the largest output: the activation as the element-wise kernel computes it.
        int longest = Layers.Max(l => l.Batch * l.Out.Aggregate(1, (a, b) => a * b));
        foreach (bool isDouble in new[] { false, true })
        {
            foreach (var (kind, constants) in Activations.Where(a => a.Kind != "PRelu"))
            {
                declarations.Add($"Alone_{kind}_{(isDouble ? "Double" : "Float")}", $"[Activate(Activation.{kind}{constants})]", isDouble, [1, longest], [1, longest],
                    hasWeight: false, hasBias: false, batched: false);
            }
        }

        return GeneratorHarness.CompileAndLoad(declarations.Source).GetType("Generated.Kernels")!;
    });

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        for (int i = 0; i < Layers.Length; i++)
        {
            foreach (var (kind, _, residual) in Epilogues(i))
            {
                data.Add(Layers[i].Name, kind, residual);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stores_the_activation_of_the_layer_plus_the_residual(string layerName, string kind, bool residual)
    {
        Layer layer = Layers.Single(l => l.Name == layerName);
        int outputLength = layer.Batch * layer.Out.Aggregate(1, (a, b) => a * b), channels = layer.Out[0];
        int plane = layer.Out.Skip(1).Aggregate(1, (a, b) => a * b);
        var rng = new Random(layerName.Length * 31 + kind.Length);
        double[] Random(int n, double scale) => Enumerable.Range(0, n).Select(_ => Round(layer, (rng.NextDouble() * 2 - 1) * scale)).ToArray();
        double[] input = Random(layer.Batch * layer.In.Aggregate(1, (a, b) => a * b), 1.5), weight = Random(layer.WeightLength, 0.3);
        double[] bias = Random(channels, 0.5), skip = Random(outputLength, 2), slope = Random(channels, 0.5);

        double[] plain = Call(layer, Name(layer, "Plain", false), input, weight, bias, outputLength, null, null);
        double[] actual = Call(layer, Name(layer, kind, residual), input, weight, bias, outputLength, kind == "PRelu" ? slope : null, residual ? skip : null);

        // The sum as the kernel's element type rounds it, then the activation.
        double[] sum = plain.Select((v, i) => residual ? Round(layer, v + skip[i]) : v).ToArray();
        double[] expected = kind switch
        {
            "None" => sum,
            // Per sample and channel: a [Linear]'s output is [batch, features], a convolution's [batch, C, ...].
            "PRelu" => sum.Select((v, i) => v > 0 ? v : Round(layer, v * slope[i / plane % channels])).ToArray(),
            _ => Alone(kind, layer.IsDouble, sum),
        };

        // The piecewise-linear activations are exact in every form; the others are within a few units in the last place
        // of the element-wise kernel's (each form's vector and scalar paths agree to that, not to the bit).
        bool exact = kind is "None" or "Relu" or "LeakyRelu" or "Relu6" or "HardSigmoid" or "HardSwish" or "Clamp" or "PRelu";
        double tolerance = exact ? 0 : layer.IsDouble ? 1e-14 : 4e-7;
        for (int i = 0; i < outputLength; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i]));
            Assert.True(error <= tolerance && (exact ? BitConverter.DoubleToInt64Bits(actual[i]) == BitConverter.DoubleToInt64Bits(expected[i]) : true),
                $"{Name(layer, kind, residual)}[{i}]: {actual[i]:R}, expected {expected[i]:R} (layer {plain[i]:R}{(residual ? $", residual {skip[i]:R}" : string.Empty)})");
        }
    }

    private static double Round(Layer layer, double value) => layer.IsDouble ? value : (float)value;

    private static double[] Call(Layer layer, string name, double[] input, double[] weight, double[] bias, int outputLength, double[]? slope, double[]? residual)
    {
        object Buffer(double[] values) => layer.IsDouble ? values.ToArray() : values.Select(v => (float)v).ToArray();
        object output = Buffer(new double[outputLength]);
        var arguments = new List<object> { layer.Batch, Buffer(input), Buffer(weight), Buffer(bias), output };
        if (slope is not null)
        {
            arguments.Add(Buffer(slope));
        }

        if (residual is not null)
        {
            arguments.Add(Buffer(residual));
        }

        Kernels.Value.GetMethod("Run_" + name)!.Invoke(null, arguments.ToArray());
        return output is float[] f ? f.Select(v => (double)v).ToArray() : (double[])output;
    }

    /// <summary>The activation by <c>[Activate]</c>, over the values rounded to the element type.</summary>
    private static double[] Alone(string kind, bool isDouble, double[] values)
    {
        MethodInfo run = Kernels.Value.GetMethod($"Run_Alone_{kind}_{(isDouble ? "Double" : "Float")}")!;
        int longest = Layers.Max(l => l.Batch * l.Out.Aggregate(1, (a, b) => a * b));
        double[] padded = values.Concat(new double[longest - values.Length]).ToArray();
        object input = isDouble ? padded : padded.Select(v => (float)v).ToArray();
        object output = isDouble ? new double[longest] : new float[longest];
        run.Invoke(null, [1, input, Array.CreateInstance(isDouble ? typeof(double) : typeof(float), 0), Array.CreateInstance(isDouble ? typeof(double) : typeof(float), 0), output]);
        double[] all = output is float[] f ? f.Select(v => (double)v).ToArray() : (double[])output;
        return all.Take(values.Length).ToArray();
    }
}
