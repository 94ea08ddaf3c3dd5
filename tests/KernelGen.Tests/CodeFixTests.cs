using System.Reflection;
using KernelGen.CodeFixes;
using KernelGen.Tests.Infrastructure;
using KernelGen.Tests.Reference;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace KernelGen.Tests;

/// <summary>
/// Each code fix applied to a declaration or call a user could write: the fixed text must build with no KernelGen
/// diagnostic and no compiler error, and its kernel must compute a transposed convolution equal to the naive reference.
/// </summary>
public sealed class CodeFixTests
{
    /// <summary>ConvTranspose k3 s2 of [1, 2, 2] into [1, 5, 5]; {0} is the method's modifiers, {1} the type's, {2} the output shape, {3} the output buffer.</summary>
    private static string Program(string methodModifiers = "public static partial", string typeModifiers = "public static partial", string outputShape = "1, 5, 5",
        string output = "new float[25]", string batch = "") => $$"""
        using System;
        using KernelGen;

        {{(typeModifiers + " class").Trim()}} Layers
        {
            [ConvTranspose(k: 3, stride: 2)]
            {{methodModifiers}} void Deconv({{(batch.Length > 0 ? "int batch, " : "")}}[Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape({{outputShape}})] Span<float> output);
        }

        public static class Calls
        {
            public static float[] Run()
            {
                float[] output = {{output}};
                float[] input = [{{(batch.Length > 0 ? "1, 2, 3, 4, 1, 2, 3, 4" : "1, 2, 3, 4")}}];
                Layers.Deconv({{(batch.Length > 0 ? batch + ", " : "")}}input, [1, 2, 3, 4, 5, 6, 7, 8, 9], output);
                return output;
            }
        }
        """;

    public static TheoryData<string, string, string, string> Fixes() => new()
    {
        { "KG0001", "wrong output shape", Program(outputShape: "1, 4, 4"), "[Shape(1, 5, 5)] Span<float> output" },
        { "KG0008", "method not partial", Program(methodModifiers: "public static"), "public static partial void Deconv(" },
        { "KG0008", "method not static", Program(methodModifiers: "public partial", typeModifiers: "public partial"), "public static partial void Deconv(" },
        { "KG0008", "method neither", Program(methodModifiers: "internal", typeModifiers: "public partial"), "internal static partial void Deconv(" },
        { "KG0019", "output too short", Program(output: "new float[16]"), "float[] output = new float[Layers.DeconvLengths.Output];" },
        { "KG0019", "stackalloc sized by hand", Program(output: "new float[16]").Replace("float[] output = new float[16];", "Span<float> output = stackalloc float[24];").Replace("return output;", "return output.ToArray();"),
            "Span<float> output = stackalloc float[Layers.DeconvLengths.Output];" },
        { "KG0019", "a batch of 2", Program(output: "new float[25]", batch: "2"), "float[] output = new float[2 * Layers.DeconvLengths.Output];" },
    };

    [Theory]
    [MemberData(nameof(Fixes))]
    public void The_fix_produces_code_that_compiles_and_runs(string id, string description, string broken, string expectedText)
    {
        Diagnostic diagnostic = Assert.Single(KernelGenDiagnostics(broken), d => d.Id == id);
        var (titles, fixedSource) = CodeFixHarness.Apply(broken, diagnostic, ProviderFor(id));
        Assert.True(fixedSource is not null, $"{description}: no fix offered");
        Assert.Contains(expectedText.Replace("\n", Environment.NewLine), fixedSource.Replace("\r\n", "\n").Replace("\n", Environment.NewLine));
        Assert.Single(titles);

        // The fixed program is clean: no KernelGen diagnostic, no compiler error or warning, and it computes the layer.
        Assert.Empty(KernelGenDiagnostics(fixedSource));
        Assembly assembly = GeneratorHarness.CompileAndLoad(fixedSource);
        var output = (float[])assembly.GetType("Calls")!.GetMethod("Run")!.Invoke(null, null)!;
        double[] expected = NaiveReference.ConvTranspose([1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9], null, 1, 1, [2, 2], [3, 3], [2, 2], [0, 0], [0, 0], [1, 1], 1);
        Assert.Equal(0, output.Length % expected.Length);
        for (int sample = 0; sample < output.Length / expected.Length; sample++)
        {
            Assert.Equal(expected.Select(v => (float)v), output.Skip(sample * expected.Length).Take(expected.Length));
        }
    }

    /// <summary>Where the length comes from an initializer or a slice, there is no size to replace: no fix, rather than a wrong one.</summary>
    [Theory]
    [InlineData("float[] output = new float[] { 1, 2, 3 };")]
    [InlineData("float[] output = (new float[40])[..16];")]
    [InlineData("Span<float> output = new float[40].AsSpan(0, 16);")]
    public void No_fix_where_there_is_no_size_to_replace(string declaration)
    {
        string broken = Program().Replace("float[] output = new float[25];", declaration).Replace("return output;", "return output.ToArray();");
        Diagnostic diagnostic = Assert.Single(KernelGenDiagnostics(broken), d => d.Id == "KG0019");
        Assert.Null(CodeFixHarness.Apply(broken, diagnostic, new BufferLengthFix()).Fixed);
    }

    /// <summary>A method with a body gets no modifier fix: adding 'partial' would not make it a kernel.</summary>
    [Fact]
    public void No_modifier_fix_for_a_method_with_a_body()
    {
        string broken = Program(methodModifiers: "public static").Replace("Span<float> output);", "Span<float> output) { }");
        Diagnostic diagnostic = Assert.Single(KernelGenDiagnostics(broken), d => d.Id == "KG0008");
        Assert.Null(CodeFixHarness.Apply(broken, diagnostic, new ModifierFix()).Fixed);
    }

    private static IEnumerable<Diagnostic> KernelGenDiagnostics(string source)
    {
        var (run, analyzer) = AnalyzerHarness.Run(source);
        return run.GeneratorDiagnostics.Concat(analyzer);
    }

    private static CodeFixProvider ProviderFor(string id) => id switch
    {
        "KG0001" => new OutputShapeFix(),
        "KG0019" => new BufferLengthFix(),
        _ => new ModifierFix(),
    };
}
