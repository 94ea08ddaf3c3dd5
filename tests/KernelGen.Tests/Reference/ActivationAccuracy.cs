using System.Text.Json;
using System.Text.Json.Serialization;

namespace KernelGen.Tests.Reference;

/// <summary>
/// The activations' accuracy audit: arguments and exact values from Golden/activation_accuracy.json (mpmath, with
/// PyTorch's float32 and float64 results for the special values), and the bounds the package README states.
/// </summary>
public static class ActivationAccuracy
{
    public static readonly string[] Kinds = ["Relu", "LeakyRelu", "Relu6", "Tanh", "Sigmoid", "Silu", "Gelu", "GeluTanh", "Elu", "Softplus", "Mish"];

    /// <summary>Arguments per unrolled kernel: a 1x1 convolution of one channel over this many positions is fully unrolled.</summary>
    public const int UnrolledRow = 64;

    /// <summary>
    /// The largest relative error near 0 (|x| up to <see cref="Core"/>) and wherever the exact result is a normal
    /// number, and the largest absolute error in smallest subnormals (2^-149 in float, 2^-1074 in double) where it is
    /// not, per activation and element type: the package README's table, a little above the largest that Vector512,
    /// Vector256, Vector128, the scalar loops and the unrolled form measured on the Zen 5 machine.
    /// </summary>
    public static readonly Dictionary<(string Kind, bool IsDouble), (double Core, double Relative, double Subnormals)> Bounds = new()
    {
        [("Relu", false)] = (0, 0, 0), [("Relu", true)] = (0, 0, 0),
        [("LeakyRelu", false)] = (1e-7, 1e-7, 0.5), [("LeakyRelu", true)] = (2.3e-16, 2.3e-16, 1),
        [("Relu6", false)] = (0, 0, 0), [("Relu6", true)] = (0, 0, 0),
        [("Tanh", false)] = (1.2e-7, 1.2e-7, 0), [("Tanh", true)] = (4e-16, 4e-16, 0),
        [("Sigmoid", false)] = (1.6e-7, 1.6e-7, 1), [("Sigmoid", true)] = (4e-16, 6e-16, 0),
        [("Silu", false)] = (2e-7, 2.5e-6, 64), [("Silu", true)] = (4e-16, 7e-16, 400),
        [("Gelu", false)] = (3.5e-7, 1.4e-5, 80), [("Gelu", true)] = (1e-15, 1.5e-13, 10),
        [("GeluTanh", false)] = (2e-7, 1.2e-5, 28), [("GeluTanh", true)] = (6e-16, 1.4e-13, 10),
        [("Elu", false)] = (1.2e-7, 1.2e-7, 0), [("Elu", true)] = (5e-16, 5e-16, 0),
        [("Softplus", false)] = (2.5e-7, 2.5e-7, 2), [("Softplus", true)] = (5e-16, 8e-16, 2),
        [("Mish", false)] = (2e-7, 4e-7, 1), [("Mish", true)] = (6e-16, 7e-16, 1),
    };

    public static TheoryData<string, bool> Cases()
    {
        var cases = new TheoryData<string, bool>();
        foreach (string kind in Kinds)
        {
            cases.Add(kind, false);
            cases.Add(kind, true);
        }

        return cases;
    }

    /// <summary>The kernel of the audit: a 1x1 convolution with the activation fused, or <c>[Activate]</c> on its own (<paramref name="alone"/>).</summary>
    public static string KernelName(string kind, bool isDouble, bool unrolled, bool alone) =>
        $"{(alone ? "ACT" : "ACC")}_{kind}_{(isDouble ? "d" : "f")}{(unrolled ? "_unrolled" : "")}";

    public sealed record Section(double[] Arguments, Dictionary<string, Results> Results);

    public sealed record Results(
        [property: JsonPropertyName("exact")] double[] Exact,
        [property: JsonPropertyName("torch64")] Dictionary<int, double> Torch64,
        [property: JsonPropertyName("torch32")] Dictionary<int, double> Torch32);

    private sealed record FileContents(
        [property: JsonPropertyName("float")] SectionJson Float,
        [property: JsonPropertyName("double")] SectionJson Double);

    private sealed record SectionJson(
        [property: JsonPropertyName("arguments")] double[] Arguments,
        [property: JsonPropertyName("results")] Dictionary<string, Results> Results);

    private static readonly Lazy<FileContents> Contents = new(() => JsonSerializer.Deserialize<FileContents>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "activation_accuracy.json")),
        new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals })!);

    public static Section Load(bool isDouble)
    {
        SectionJson section = isDouble ? Contents.Value.Double : Contents.Value.Float;
        return new Section(section.Arguments, section.Results);
    }

    /// <summary>Near 0, where the vector tanh cancelled before: the README table's first column.</summary>
    public const double Core = 1;

    /// <summary>
    /// The largest relative error for |x| up to <see cref="Core"/> and everywhere (results that are normal numbers),
    /// the largest absolute error in smallest subnormals where the result is not, and where each was seen.
    /// </summary>
    public sealed record Measured(double CoreRelative, double CoreAt, double Relative, double RelativeAt, double Subnormals, double SubnormalsAt, List<string> Mismatches)
    {
        public override string ToString() => $"core {CoreRelative:E2} at {CoreAt:R}, everywhere {Relative:E2} at {RelativeAt:R}, subnormal results {Subnormals} at {SubnormalsAt:R}";
    }

    /// <summary>Runs the kernel of <paramref name="kind"/> over every argument and measures its errors against the exact values.</summary>
    public static Measured Measure(string kind, bool isDouble, bool unrolled, bool alone, Action<string, int, Array, Array?, Array?, Array> run)
    {
        Section section = Load(isDouble);
        double[] x = section.Arguments;
        double[] y = Apply(KernelName(kind, isDouble, unrolled, alone), isDouble, unrolled, x, run);
        Results expected = section.Results[kind];
        double smallestNormal = isDouble ? 2.2250738585072014e-308 : 1.17549435e-38;
        double smallestSubnormal = isDouble ? double.Epsilon : float.Epsilon;
        double core = 0, coreAt = 0, relative = 0, relativeAt = 0, subnormals = 0, subnormalsAt = 0;
        var mismatches = new List<string>();
        for (int i = 0; i < x.Length; i++)
        {
            double exact = expected.Exact[i];
            if (!double.IsFinite(x[i]))
            {
                // NaN and the infinities: as PyTorch gives them in the same element type (silu(-inf) is NaN there).
                double torch = isDouble ? expected.Torch64[i] : expected.Torch32[i];
                if (!(double.IsNaN(torch) ? double.IsNaN(y[i]) : torch == y[i]))
                {
                    mismatches.Add($"{kind}({x[i]}) = {y[i]}, PyTorch {torch}");
                }

                continue;
            }

            double error = Math.Abs(y[i] - exact);
            if (Math.Abs(exact) >= smallestNormal)
            {
                double r = error / Math.Abs(exact);
                if (!(r <= relative))
                {
                    (relative, relativeAt) = (r, x[i]);
                }

                if (Math.Abs(x[i]) <= Core && !(r <= core))
                {
                    (core, coreAt) = (r, x[i]);
                }
            }
            else if (!(error / smallestSubnormal <= subnormals))
            {
                (subnormals, subnormalsAt) = (error / smallestSubnormal, x[i]);
            }
        }

        return new Measured(core, coreAt, relative, relativeAt, subnormals, subnormalsAt, mismatches);
    }

    private static double[] Apply(string name, bool isDouble, bool unrolled, double[] x, Action<string, int, Array, Array?, Array?, Array> run)
    {
        int row = unrolled ? UnrolledRow : x.Length;
        var y = new double[x.Length];
        for (int start = 0; start < x.Length; start += row)
        {
            // The last unrolled row is padded with zeros, whose results are not read.
            int count = Math.Min(row, x.Length - start);
            if (isDouble)
            {
                var input = new double[row];
                var output = new double[row];
                Array.Copy(x, start, input, 0, count);
                run(name, 1, input, new[] { 1.0 }, null, output);
                Array.Copy(output, 0, y, start, count);
            }
            else
            {
                var input = new float[row];
                var output = new float[row];
                for (int i = 0; i < count; i++)
                {
                    input[i] = (float)x[start + i];
                }

                run(name, 1, input, new[] { 1f }, null, output);
                for (int i = 0; i < count; i++)
                {
                    y[start + i] = output[i];
                }
            }
        }

        return y;
    }
}
