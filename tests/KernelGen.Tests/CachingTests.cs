using System.Collections;
using System.Reflection;
using KernelGen.Generator;
using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelGen.Tests;

/// <summary>
/// The pipeline must not redo work on an edit that does not change a kernel, and must not hold compilation objects
/// (which would keep whole compilations alive in the IDE and defeat caching).
/// </summary>
public sealed class CachingTests
{
    private const string Kernels = """
        using System;
        using KernelGen;

        namespace Cache;

        public static partial class Layers
        {
            [ConvTranspose(k: 3, stride: 2)]
            public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);

            [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
            public static partial void Up([Shape(2, 8, 8)] ReadOnlySpan<float> input, [Shape(2, 16, 16)] Span<float> output);

            [Conv1x1]
            public static partial void Mix([Shape(4, 3, 3)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, [Shape(2, 3, 3)] Span<double> output);

            [Upsample(scale: 2)]
            public static partial void Broken([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 5)] Span<float> output);
        }
        """;

    [Fact]
    public void An_equivalent_compilation_reuses_every_cached_step()
    {
        CSharpCompilation first = GeneratorHarness.CreateCompilation(Kernels, "namespace Cache { public class Other { } }");
        GeneratorRun run = GeneratorHarness.Run(first, trackSteps: true);
        Assert.Equal(4, run.Sources.Count); // three kernels, and the stub of the broken one
        Assert.Single(run.GeneratorDiagnostics);

        // Edits that change no kernel: a comment after the kernels in their own file (so their transforms run
        // again and must produce equal results), and a new file.
        SyntaxTree kernels = first.SyntaxTrees.First();
        int end = kernels.GetText().Length;
        CSharpCompilation second = first
            .ReplaceSyntaxTree(kernels, kernels.WithChangedText(kernels.GetText().WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new(end, 0), "\n// edited\n"))))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Cache { public class Added { } }", GeneratorHarness.ParseOptions, path: "Added.cs"));
        GeneratorDriver driver = run.Driver.RunGenerators(second);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);

        var steps = result.TrackedSteps[KernelGenerator.TransformStep];
        Assert.NotEmpty(steps);
        foreach (IncrementalGeneratorRunStep step in steps)
        {
            foreach ((object value, IncrementalStepRunReason reason) in step.Outputs)
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"A transform step ran again: {reason}");
                AssertHoldsNoCompilationObjects(value, "result");
            }
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Editing_a_kernel_regenerates_it()
    {
        CSharpCompilation first = GeneratorHarness.CreateCompilation(Kernels);
        GeneratorRun run = GeneratorHarness.Run(first, trackSteps: true);
        SyntaxTree tree = first.SyntaxTrees.Single();
        string edited = Kernels.Replace("[Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 5)]", "[Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)]");
        GeneratorDriver driver = run.Driver.RunGenerators(first.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited))));
        GeneratorDriverRunResult result = driver.GetRunResult();
        Assert.Empty(result.Diagnostics);
        Assert.Equal(4, result.Results.Single().GeneratedSources.Length);
    }

    /// <summary>Walks a cached value's fields and fails on any symbol, syntax node, compilation or location.</summary>
    private static void AssertHoldsNoCompilationObjects(object? value, string path, int depth = 0)
    {
        if (value is null || depth > 12 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree,
            $"The pipeline caches a {value.GetType().Name} at {path}");
        if (value is DiagnosticDescriptor)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertHoldsNoCompilationObjects(item, $"{path}[{i++}]", depth + 1);
            }

            return;
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertHoldsNoCompilationObjects(field.GetValue(value), path + "." + field.Name, depth + 1);
        }
    }
}
