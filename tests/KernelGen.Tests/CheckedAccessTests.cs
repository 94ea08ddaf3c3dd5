using System.Reflection;
using KernelGen.Tests.Infrastructure;
using KernelGen.Tests.Reference;

namespace KernelGen.Tests;

/// <summary>
/// The vector paths read and write through unchecked references after the up-front length checks, so their memory
/// safety rests on the generator being right. With <c>KernelGenCheckedAccess</c> every access is bounds-checked: these
/// tests run the PyTorch and property suites in that mode, show that an out-of-bounds access then throws, and check
/// random configurations against the naive reference in that mode.
/// </summary>
public sealed class CheckedAccessTests
{
    /// <summary>Random configurations per test run; <c>KERNELGEN_RANDOM_CONFIGS=10000</c> before a release (README).</summary>
    public const string RandomConfigsVariable = "KERNELGEN_RANDOM_CONFIGS";

    [Trait(TestMatrix.Category, TestMatrix.Full)]
    [Fact]
    public void Numeric_suites_pass_with_checked_access()
    {
        if (GeneratorHarness.CheckedAccessRun)
        {
            return; // already the child run
        }

        const string filter = "FullyQualifiedName~KernelGen.Tests.GoldenTests|FullyQualifiedName~KernelGen.Tests.PropertyTests|FullyQualifiedName~KernelGen.Tests.LinearTests|FullyQualifiedName~KernelGen.Tests.SoftmaxTests|FullyQualifiedName~KernelGen.Tests.EpilogueTests|FullyQualifiedName~KernelGen.Tests.DownsamplingTests|FullyQualifiedName~KernelGen.Tests.WorkersTests"
            + "|FullyQualifiedName~KernelGen.Tests.WinogradTests|FullyQualifiedName~KernelGen.Tests.NamingTests|FullyQualifiedName~KernelGen.Tests.CheckedAccessTests.The_process";
        var run = DotnetCli.RunTestsInChild(new Dictionary<string, string> { [GeneratorHarness.CheckedAccessVariable] = "1" }, filter);
        Assert.True(run.ExitCode == 0, $"With checked access the suites fail:\n{run.Output}");
        Assert.Contains("Passed!", run.Output);
    }

    [Fact]
    public void The_process_generates_the_expected_access()
    {
        GeneratorRun run = GeneratorHarness.Run("using System;\nusing KernelGen;\npublic static partial class L { [Upsample(2)] public static partial void Up([Shape(2, 4, 40)] ReadOnlySpan<float> input, [Shape(2, 8, 80)] Span<float> output); }");
        string source = Assert.Single(run.Sources).Value;
        Assert.Equal(GeneratorHarness.CheckedAccessRun, source.Contains("// Checked access", StringComparison.Ordinal));
        Assert.Equal(!GeneratorHarness.CheckedAccessRun, source.Contains("Unsafe.Add", StringComparison.Ordinal));
    }

    /// <summary>
    /// A kernel body handed a buffer one element short (which the public method's checks never allow): in checked
    /// mode, every form throws instead of writing past it. This is what makes an emitter bug a failing test.
    /// </summary>
    [Theory]
    [InlineData("[ConvTranspose(4, 2, 1)]", "[Shape(8, 8, 8)]", "[Shape(4, 16, 16)]", true)]
    [InlineData("[ConvTranspose(3, 2, 1, OutputPadding = 1)]", "[Shape(8, 7, 7)]", "[Shape(4, 14, 14)]", true)]
    [InlineData("[Conv1x1]", "[Shape(16, 10, 10)]", "[Shape(8, 10, 10)]", true)]
    [InlineData("[Upsample(2, Mode = UpsampleMode.Linear)]", "[Shape(2, 8, 300)]", "[Shape(2, 16, 600)]", false)]
    [InlineData("[Upsample(2)]", "[Shape(2, 8, 64)]", "[Shape(2, 16, 128)]", false)]
    [InlineData("[Upsample(1.5, Mode = UpsampleMode.Cubic)]", "[Shape(2, 20, 20)]", "[Shape(2, 30, 30)]", false)]
    public void A_short_output_throws_in_checked_mode(string attribute, string inputShape, string outputShape, bool hasWeight)
    {
        string weight = hasWeight ? "ReadOnlySpan<float> weight, " : string.Empty;
        string weightArgument = hasWeight ? "w, " : string.Empty;
        string source = $$"""
            using System;
            using KernelGen;
            public static partial class Layers
            {
                {{attribute}}
                public static partial void K({{inputShape}} ReadOnlySpan<float> input, {{weight}}{{outputShape}} Span<float> output);

                // Calls the body directly, past the public method's length checks, with an output one element short.
                public static void Short(float[] x, float[] w, float[] y) => KImplementation.K_Sample(x, {{weightArgument}}y.AsSpan(0, y.Length - 1));
                public static int[] Lengths() => [KLengths.Input, {{(hasWeight ? "KLengths.Weight" : "0")}}, KLengths.Output];
            }
            """;
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess: true, source).GetType("Layers")!;
        var lengths = (int[])layers.GetMethod("Lengths")!.Invoke(null, null)!;
        var call = () => layers.GetMethod("Short")!.Invoke(null, [new float[lengths[0]], new float[lengths[1]], new float[lengths[2]]]);
        var thrown = Assert.Throws<TargetInvocationException>(call).InnerException;
        Assert.True(thrown is ArgumentOutOfRangeException or IndexOutOfRangeException or ArgumentException, $"{attribute}: {thrown}");
    }

    /// <summary>Random transposed and 1x1 convolutions of every rank, generated in checked mode, against the naive reference.</summary>
    [Trait(TestMatrix.Category, TestMatrix.Full)]
    [Fact]
    public void Random_configurations_match_the_reference_in_checked_mode()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable(RandomConfigsVariable), out int n) ? n : 200;
        var rng = new Random(20261123);
        const int PerCompilation = 100;
        for (int first = 0; first < count; first += PerCompilation)
        {
            var configs = new List<ConvTransposeConfig>();
            var declarations = new Declarations();
            for (int i = first; i < Math.Min(count, first + PerCompilation); i++)
            {
                ConvTransposeConfig c = Widen(rng, ConvTransposeConfig.Random(rng, $"R{i}"));
                configs.Add(c);
                declarations.Add(c.Name, Declarations.ConvTransposeAttribute(c.K, c.S, c.P, c.Op, c.D, c.Groups), isDouble: rng.Next(2) == 0,
                    [c.Cin, .. c.InSize], [c.Cout, .. c.OutSize], hasWeight: true, c.Bias, batched: c.Batch != 1);
                declarations.Add(c.Name + "_1x1", $"[Conv1x1(Groups = {c.Groups})]", isDouble: false, [c.Cin, .. c.InSize], [c.Cout, .. c.InSize],
                    hasWeight: true, c.Bias, batched: false);
            }

            Type kernels = GeneratorHarness.CompileAndLoad(out _, checkedAccess: true, declarations.Source).GetType("Generated.Kernels")!;
            foreach (ConvTransposeConfig c in configs)
            {
                try
                {
                    Check(kernels, c, rng);
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    throw new InvalidOperationException($"{c.Name}: in [{c.Cin}, {string.Join(", ", c.InSize)}], out channels {c.Cout}, k [{string.Join(", ", c.K)}], s [{string.Join(", ", c.S)}], p [{string.Join(", ", c.P)}], op [{string.Join(", ", c.Op)}], d [{string.Join(", ", c.D)}], groups {c.Groups}, bias {c.Bias}, batch {c.Batch}", e);
                }
            }
        }
    }

    /// <summary>Half the configurations get rows a few vectors wide, so that the tiled vector forms and their remainders run.</summary>
    private static ConvTransposeConfig Widen(Random rng, ConvTransposeConfig c)
    {
        if (rng.Next(2) == 0)
        {
            return c;
        }

        int[] size = c.InSize.ToArray();
        size[^1] = rng.Next(10, 90);
        if (size.Length == 3)
        {
            size[0] = Math.Min(size[0], 2);
        }

        var widened = c with { InSize = size };
        return widened.OutSize.All(o => o > 0) ? widened : c;
    }

    private static void Check(Type kernels, ConvTransposeConfig c, Random rng)
    {
        int inLength = c.Cin * NaiveReference.Product(c.InSize), outLength = c.Cout * NaiveReference.Product(c.OutSize);
        double[] Integers(int length) => Enumerable.Range(0, length).Select(_ => (double)rng.Next(-3, 4)).ToArray();
        double[] x = Integers(c.Batch * inLength), w = Integers(c.Cin * (c.Cout / c.Groups) * NaiveReference.Product(c.K));
        double[]? b = c.Bias ? Integers(c.Cout) : null;
        var expected = new List<double>();
        for (int sample = 0; sample < c.Batch; sample++)
        {
            expected.AddRange(NaiveReference.ConvTranspose(x[(sample * inLength)..((sample + 1) * inLength)], w, b, c.Cin, c.Cout, c.InSize, c.K, c.S, c.P, c.Op, c.D, c.Groups));
        }

        Assert.Equal(expected, Run(kernels, c.Name, c.Batch, x, w, b, c.Batch * outLength));

        double[] w1 = Integers(c.Cout * (c.Cin / c.Groups));
        double[] expected1 = NaiveReference.MatMulOverChannels(x[..inLength], w1, b, c.Cin, c.Cout, NaiveReference.Product(c.InSize), c.Groups);
        Assert.Equal(expected1, Run(kernels, c.Name + "_1x1", 1, x[..inLength], w1, b, c.Cout * NaiveReference.Product(c.InSize)));
    }

    /// <summary>Runs a kernel with small integers, exact in float and double alike, and returns its output as doubles.</summary>
    private static double[] Run(Type kernels, string name, int batch, double[] x, double[] w, double[]? b, int outputLength)
    {
        MethodInfo run = kernels.GetMethod("Run_" + name)!;
        bool isDouble = run.GetParameters()[1].ParameterType == typeof(double[]);
        object Buffer(double[] values) => isDouble ? values.ToArray() : values.Select(v => (float)v).ToArray();
        object output = Buffer(new double[outputLength]);
        run.Invoke(null, [batch, Buffer(x), Buffer(w), Buffer(b ?? []), output]);
        return output is float[] f ? f.Select(v => (double)v).ToArray() : (double[])output;
    }
}
