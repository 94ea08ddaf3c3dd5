using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KernelGen.Tests;

/// <summary>
/// One mistake, one error, in programs that use what the READMEs teach: every member a kernel adds to its type
/// ({M}Lengths and its shapes, {M}FoldBatchNorm) exists for a rejected declaration too, so that sizing buffers with them
/// and calling the kernel adds no error to the declaration's one; and a type without 'partial' is one error however many
/// kernels it holds and however its generated members are used.
/// </summary>
public sealed class RejectedKernelTests
{
    /// <summary>A program that uses every generated member of the weighted kernel M (with a bias) and calls it.</summary>
    private static string WeightedProgram(string declaration, string element = "float", string type = "public static partial class Model") => $$"""
        using System;
        using KernelGen;

        {{type}}
        {
            {{declaration}}

            public static {{element}}[] Use()
            {
                {{element}}[] input = new {{element}}[MLengths.Input], weight = new {{element}}[MLengths.Weight], bias = new {{element}}[MLengths.Bias];
                Span<{{element}}> output = stackalloc {{element}}[MLengths.Output];
                int rank = MLengths.InputShape.Length + MLengths.WeightShape.Length + MLengths.BiasShape.Length + MLengths.OutputShape.Length;
                MFoldBatchNorm(weight, bias, bias, bias, bias, bias, eps: 1e-3);
                M(input, weight, bias, output);
                return output.ToArray();
            }
        }
        """;

    private static string UpsampleProgram(string declaration) => $$"""
        using System;
        using KernelGen;

        public static partial class Model
        {
            {{declaration}}

            public static float[] Use()
            {
                float[] input = new float[MLengths.Input], output = new float[MLengths.Output];
                int rank = MLengths.InputShape.Length + MLengths.OutputShape.Length;
                M(input, output);
                return output;
            }
        }
        """;

    /// <summary>A program that uses every generated member of the element-wise kernel M, which has a second operand, and calls it.</summary>
    private static string SecondOperandProgram(string declaration) => $$"""
        using System;
        using KernelGen;

        public static partial class Model
        {
            {{declaration}}

            public static float[] Use()
            {
                float[] input = new float[MLengths.Input], other = new float[MLengths.Other], output = new float[MLengths.Output];
                int rank = MLengths.InputShape.Length + MLengths.OtherShape.Length + MLengths.OutputShape.Length;
                M(input, other, output);
                return output;
            }
        }
        """;

    /// <summary>A program that uses every generated member of the weighted kernel M with a bias and a residual, and calls it.</summary>
    private static string ResidualProgram(string declaration) => $$"""
        using System;
        using KernelGen;

        public static partial class Model
        {
            {{declaration}}

            public static float[] Use()
            {
                float[] input = new float[MLengths.Input], weight = new float[MLengths.Weight], bias = new float[MLengths.Bias], skip = new float[MLengths.Residual];
                Span<float> output = stackalloc float[MLengths.Output];
                int rank = MLengths.InputShape.Length + MLengths.ResidualShape.Length + MLengths.OutputShape.Length;
                MFoldBatchNorm(weight, bias, bias, bias, bias, bias, eps: 1e-3);
                M(input, weight, bias, skip, output);
                return output.ToArray();
            }
        }
        """;

    private const string Buffers = "ReadOnlySpan<float> weight, ReadOnlySpan<float> bias";

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "KG0001", "wrong output shape", WeightedProgram($"[Conv(k: 3, pad: 1)] public static partial void M([Shape(2, 8, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 7, 7)] Span<float> output);") },
        { "KG0001", "wrong output shape, double, no accessibility modifier", WeightedProgram("[ConvTranspose(k: 4, stride: 2, pad: 1)] static partial void M([Shape(2, 8)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, [Shape(4, 8)] Span<double> output);", "double") },
        { "KG0002", "empty output", WeightedProgram($"[Conv(k: 9)] public static partial void M([Shape(2, 4)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 1)] Span<float> output);") },
        { "KG0003", "NegativeSlope with Silu", WeightedProgram($"[Conv(k: 3, pad: 1, Activation = Activation.Silu, NegativeSlope = 0.1f)] public static partial void M([Shape(2, 8, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 8, 8)] Span<float> output);") },
        { "KG0004", "output padding too large", WeightedProgram($"[ConvTranspose(k: 3, stride: 2, OutputPadding = 2)] public static partial void M([Shape(2, 4)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 11)] Span<float> output);") },
        { "KG0005", "groups do not divide", WeightedProgram($"[Conv1x1(Groups = 3)] public static partial void M([Shape(2, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 8)] Span<float> output);") },
        { "KG0006", "missing output shape", WeightedProgram($"[Conv(k: 3)] public static partial void M([Shape(2, 8)] ReadOnlySpan<float> input, {Buffers}, Span<float> output);") },
        { "KG0007", "ranks differ", WeightedProgram($"[Conv(k: 3)] public static partial void M([Shape(2, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 6, 6)] Span<float> output);") },
        { "KG0010", "[Shape] on the weight", WeightedProgram("[Conv(k: 3)] public static partial void M([Shape(2, 8)] ReadOnlySpan<float> input, [Shape(4, 2, 3)] ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 6)] Span<float> output);") },
        { "KG0011", "output past int", WeightedProgram($"[Conv1x1] public static partial void M([Shape(2, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(70000, 70000)] Span<float> output);") },
        { "KG0012", "per-axis list of the wrong length", WeightedProgram($"[Conv(Kernel = new[] {{ 3 }})] public static partial void M([Shape(2, 8, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 6, 6)] Span<float> output);") },
        { "KG0013", "AlignCorners with nearest", UpsampleProgram("[Upsample(scale: 2, AlignCorners = true)] public static partial void M([Shape(1, 4)] ReadOnlySpan<float> input, [Shape(1, 8)] Span<float> output);") },
        { "KG0001", "a residual addition's wrong output shape", SecondOperandProgram("[Add(Activation = Activation.Relu)] public static partial void M([Shape(8, 4, 4)] ReadOnlySpan<float> input, [Shape(8, 4, 4)] ReadOnlySpan<float> other, [Shape(8, 4, 5)] Span<float> output);") },
        { "KG0007", "a per-channel scale that cannot broadcast", SecondOperandProgram("[Mul] public static partial void M([Shape(8, 4, 4)] ReadOnlySpan<float> input, [Shape(8, 2, 1)] ReadOnlySpan<float> other, [Shape(8, 4, 4)] Span<float> output);") },
        { "KG0006", "a second operand without a shape", SecondOperandProgram("[Add] public static partial void M([Shape(8, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> other, [Shape(8, 4)] Span<float> output);") },
        { "KG0001", "a layer with a residual, wrong output shape", ResidualProgram($"[Conv(k: 3, pad: 1, Activation = Activation.Relu)] public static partial void M([Shape(2, 8, 8)] ReadOnlySpan<float> input, {Buffers}, [Residual] ReadOnlySpan<float> skip, [Shape(4, 7, 7)] Span<float> output);") },
        { "KG0007", "a residual of another shape", ResidualProgram($"[Conv1x1] public static partial void M([Shape(2, 8)] ReadOnlySpan<float> input, {Buffers}, [Residual, Shape(4, 7)] ReadOnlySpan<float> skip, [Shape(4, 8)] Span<float> output);") },
        { "KG0010", "a residual mark on the bias of a layer without residual", ResidualProgram($"[Conv1x1] public static partial void M([Shape(2, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Residual] ReadOnlySpan<float> bias, ReadOnlySpan<float> skip, [Shape(4, 8)] Span<float> output);") },
        { "KG0020", "Winograd forced on a dilated convolution", WeightedProgram($"[Conv(k: 3, pad: 2, Dilation = 2, Algorithm = ConvAlgorithm.Winograd)] public static partial void M([Shape(2, 8, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 8, 8)] Span<float> output);") },
        { "KG0014", "cubic in 1-D", UpsampleProgram("[Upsample(scale: 2, Mode = UpsampleMode.Cubic)] public static partial void M([Shape(1, 4)] ReadOnlySpan<float> input, [Shape(1, 8)] Span<float> output);") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_rejected_kernel_is_one_error_whatever_uses_its_members(string id, string description, string program)
    {
        Diagnostic[] errors = Errors(program);
        Assert.True(errors.Length == 1 && errors[0].Id == id, description + ":\n" + Describe(errors));
        Assert.Equal("User0.cs", errors[0].Location.GetLineSpan().Path);
    }

    /// <summary>The lengths of a kernel rejected for its output shape are those of the declaration the fix leaves.</summary>
    [Fact]
    public void A_wrong_output_shape_leaves_the_lengths_of_the_computed_one()
    {
        string generated = string.Concat(GeneratorHarness.Run(WeightedProgram($"[Conv(k: 3, pad: 1)] public static partial void M([Shape(2, 8, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 7, 7)] Span<float> output);")).Sources.Values);
        Assert.Contains("public const int Input = 128;", generated);
        Assert.Contains("public const int Weight = 72;", generated);     // [4, 2, 3, 3]
        Assert.Contains("public const int Bias = 4;", generated);
        Assert.Contains("public const int Output = 256;", generated);    // [4, 8, 8], not the declared [4, 7, 7]
        Assert.Contains("throw new global::System.InvalidOperationException(\"KernelGen wrote no kernel for M: its declaration has errors (KG0001).\");", generated);
    }

    /// <summary>A size the errors leave unknown is 0, and the analyzer says nothing about calls to a rejected kernel.</summary>
    [Fact]
    public void An_unknown_size_is_zero_and_calls_to_a_rejected_kernel_are_not_checked()
    {
        string program = WeightedProgram("[Conv1x1(Groups = 3)] public static partial void M([Shape(2, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 8)] Span<float> output);")
            .Replace("stackalloc float[MLengths.Output]", "stackalloc float[5]");
        string generated = string.Concat(GeneratorHarness.Run(program).Sources.Values);
        Assert.Contains("public const int Weight = 0;", generated);
        Assert.Contains("WeightShape => global::System.ReadOnlySpan<int>.Empty;", generated);
        Assert.Equal(["KG0005"], Errors(program).Select(e => e.Id));
    }

    public static TheoryData<string, string, string[]> NotPartialCases() => new()
    {
        { "four kernels in a static class", FourKernels("public static class Model"), ["CS0260"] },
        { "a class without modifiers", FourKernels("class Model"), ["CS0260"] },
        { "a nested type and the type around it", "using System;\nusing KernelGen;\nclass Outer\n{\n" + FourKernels("public static class Model").Replace("using System;\nusing KernelGen;\n", "") + "}\n", ["CS0260", "CS0260"] },
        { "a struct with a rejected kernel", WeightedProgram($"[Conv(k: 3, pad: 1)] public static partial void M([Shape(2, 8, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 7, 7)] Span<float> output);", type: "public struct Model"), ["CS0260", "KG0001"] },
        { "a record with a valid kernel", WeightedProgram($"[Conv(k: 3, pad: 1)] public static partial void M([Shape(2, 8, 8)] ReadOnlySpan<float> input, {Buffers}, [Shape(4, 8, 8)] Span<float> output);", type: "public record Model(int X)"), ["CS0260"] },
    };

    [Theory]
    [MemberData(nameof(NotPartialCases))]
    public void A_type_without_partial_is_one_error_per_type(string description, string program, string[] expected)
    {
        Diagnostic[] errors = Errors(program);
        Assert.True(expected.SequenceEqual(errors.Select(e => e.Id).Order()), description + ":\n" + Describe(errors));
        Assert.All(errors.Where(e => e.Id == "CS0260"), e => Assert.DoesNotContain("KernelGen.Generator", e.Location.SourceTree?.FilePath ?? ""));
    }

    /// <summary>The type is reopened as partial, so its kernels are written and run as in a partial type.</summary>
    [Fact]
    public void Kernels_in_a_type_without_partial_are_still_written()
    {
        GeneratorRun run = GeneratorHarness.Run(FourKernels("public static class Model"));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(4, run.Sources.Count(source => source.Value.Contains("_Sample(", StringComparison.Ordinal)));
    }

    /// <summary>Four layers of a small model, each buffer sized by a generated constant, one batch norm folded.</summary>
    private static string FourKernels(string type) => $$"""
        using System;
        using KernelGen;

        {{type}}
        {
            [Conv(k: 3, stride: 2, pad: 1, Activation = Activation.Relu)]
            public static partial void Enc1([Shape(1, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 4, 4)] Span<float> output);

            [Conv1x1]
            public static partial void Code([Shape(4, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(2, 4, 4)] Span<float> output);

            [ConvTranspose(k: 4, stride: 2, pad: 1)]
            public static partial void Dec1([Shape(2, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 8, 8)] Span<float> output);

            [Upsample(scale: 2)]
            public static partial void Up([Shape(1, 8, 8)] ReadOnlySpan<float> input, [Shape(1, 16, 16)] Span<float> output);

            public static void Run(ReadOnlySpan<float> x, float[] w1, float[] b1, float[] wc, float[] w2, float[] b2, Span<float> y)
            {
                Span<float> a = stackalloc float[Enc1Lengths.Output], c = stackalloc float[CodeLengths.Output], d = stackalloc float[Dec1Lengths.Output];
                Enc1FoldBatchNorm(w1, b1, b1, b1, b1, b1);
                Enc1(x, w1, b1, a);
                Code(a, wc, c);
                Dec1(c, w2, b2, d);
                Up(d, y.Slice(0, UpLengths.Output));
            }
        }
        """;

    private static Diagnostic[] Errors(string program)
    {
        var (run, analyzer) = AnalyzerHarness.Run(program);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        return [.. run.Output.GetDiagnostics().Concat(run.GeneratorDiagnostics).Concat(analyzer).Where(d => d.Severity == DiagnosticSeverity.Error).OrderBy(d => d.Id, StringComparer.Ordinal)];
    }

    private static string Describe(IEnumerable<Diagnostic> errors) =>
        string.Join("\n", errors.Select(e => $"{e.Id} at {e.Location.SourceTree?.FilePath}{e.Location.GetLineSpan().StartLinePosition}: {e.GetMessage()}"));
}
