using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// Random [Linear] layers against the definition, written in the test: rows around the kernel's block of 4, rows
/// shorter and longer than every vector width with every remainder, outputs around the block of 4, with and without a
/// bias and a residual, activations whose results are exact (none, ReLU, LeakyReLU, PReLU per output and shared), float
/// and double. Small integer values make every sum exact in both, so the outputs must be equal, not close.
/// </summary>
public sealed class LinearTests
{
    private sealed record Layer(string Name, int In, int Out, int Batch, bool Bias, bool Residual, string Activation, int Slopes, bool IsDouble);

    private static readonly Layer[] Layers = MakeLayers();

    private static readonly Lazy<Type> Kernels = new(() =>
    {
        var declarations = new Declarations();
        foreach (Layer l in Layers)
        {
            string activation = l.Activation == "None" ? string.Empty : $"Activation = Activation.{l.Activation}{(l.Activation == "LeakyRelu" ? ", NegativeSlope = 0.25" : string.Empty)}";
            declarations.Add(l.Name, $"[Linear({activation})]", l.IsDouble, [l.In], [l.Out], hasWeight: true, l.Bias, batched: l.Batch != 1,
                slopeShape: l.Slopes == 0 ? null : [l.Slopes], residual: l.Residual);
        }

        return GeneratorHarness.CompileAndLoad(out _, declarations.Source).GetType("Generated.Kernels")!;
    });

    private static Layer[] MakeLayers()
    {
        var rng = new Random(2727);
        var activations = new[] { "None", "Relu", "LeakyRelu", "PRelu" };
        return Enumerable.Range(0, 40).Select(i =>
        {
            string activation = activations[rng.Next(activations.Length)];
            int output = new[] { 1, 3, 4, 5, 8, 13 }[rng.Next(6)];
            return new Layer($"L{i}", new[] { 1, 2, 3, 7, 15, 16, 17, 33, 64, 100, 257 }[rng.Next(11)], output, new[] { 0, 1, 1, 2, 3, 4, 5, 8, 9 }[rng.Next(9)],
                rng.Next(2) == 0, rng.Next(3) == 0, activation, activation != "PRelu" ? 0 : rng.Next(2) == 0 ? 1 : output, rng.Next(2) == 0);
        }).ToArray();
    }

    public static TheoryData<int> Indices() => new(Enumerable.Range(0, Layers.Length));

    [Theory]
    [MemberData(nameof(Indices))]
    public void Each_output_is_the_rows_dot_product_then_bias_residual_and_activation(int index)
    {
        Layer l = Layers[index];
        var rng = new Random(index);
        double[] Values(int n) => Enumerable.Range(0, n).Select(_ => (double)rng.Next(-3, 4)).ToArray();
        double[] x = Values(l.Batch * l.In), w = Values(l.Out * l.In), b = Values(l.Out), r = Values(l.Batch * l.Out);
        double[] slope = Enumerable.Range(0, l.Slopes).Select(i => 0.25 * (i + 1)).ToArray();
        var expected = new double[l.Batch * l.Out];
        for (int row = 0; row < l.Batch; row++)
        {
            for (int o = 0; o < l.Out; o++)
            {
                double sum = 0;
                for (int i = 0; i < l.In; i++)
                {
                    sum += x[(row * l.In) + i] * w[(o * l.In) + i];
                }

                sum += (l.Bias ? b[o] : 0) + (l.Residual ? r[(row * l.Out) + o] : 0);
                expected[(row * l.Out) + o] = l.Activation switch
                {
                    "Relu" => sum < 0 ? 0 : sum,
                    "LeakyRelu" => sum > 0 ? sum : sum * 0.25,
                    "PRelu" => sum > 0 ? sum : sum * slope[l.Slopes == 1 ? 0 : o],
                    _ => sum,
                };
            }
        }

        object Buffer(double[] values) => l.IsDouble ? values.ToArray() : values.Select(v => (float)v).ToArray();
        object output = Buffer(new double[l.Batch * l.Out]);
        var arguments = new List<object> { l.Batch, Buffer(x), Buffer(w), Buffer(b), output };
        if (l.Slopes > 0)
        {
            arguments.Add(Buffer(slope));
        }

        if (l.Residual)
        {
            arguments.Add(Buffer(r));
        }

        Kernels.Value.GetMethod("Run_" + l.Name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments.ToArray());
        double[] actual = output is float[] f ? f.Select(v => (double)v).ToArray() : (double[])output;
        Assert.True(expected.SequenceEqual(actual), $"{l}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
    }
}
