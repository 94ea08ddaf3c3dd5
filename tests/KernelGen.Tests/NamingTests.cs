using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// Declarations whose names or modifiers the generated code must reproduce exactly: each compiles without a warning
/// (generated under the hostile culture, as every harness run), gets distinct hint names, and computes nearest x2
/// upsampling, checked against its definition (every input value written twice).
/// </summary>
public sealed class NamingTests
{
    private const string Usings = "using System;\nusing KernelGen;\n";

    /// <summary>A nearest x2 kernel on [1, 3] named <paramref name="name"/>, with the given parameter list text.</summary>
    private static string Kernel(string name, string parameters = "[Shape(1, 3)] ReadOnlySpan<float> input, [Shape(1, 6)] Span<float> output", string modifiers = "public static partial") =>
        $"[Upsample(scale: 2)] {modifiers} void {name}({parameters});";

    public static TheoryData<string, string, string> Declarations() => new()
    {
        // Hint names: differ only in case; a keyword namespace; type parameters with attributes, line breaks, comments.
        { "methods differing in case", Usages("Layers.Up", "Layers.UP"), $"public static partial class Layers {{ {Kernel("Up")} {Kernel("UP")} }}" },
        { "classes differing in case", Usages("Decoder.Up", "DECODER.Up"), $"public static partial class Decoder {{ {Kernel("Up")} }} public static partial class DECODER {{ {Kernel("Up")} }}" },
        { "keyword namespace", Usages("@event.Layers.Up"), $"namespace @event {{ public static partial class Layers {{ {Kernel("Up")} }} }}" },
        { "attribute on a type parameter", Usages("Layers<int>.Up"), $"[AttributeUsage(AttributeTargets.GenericParameter)] public sealed class TagAttribute : Attribute {{ public TagAttribute(string tag) => Tag = tag; public string Tag {{ get; }} }} public static partial class Layers<[Tag(\"x\")] T> {{ {Kernel("Up")} }}" },
        { "type parameters over lines with a comment", Usages("Layers<int, long>.Up"), $"public static partial class Layers<\n    T, // the first\n    /* the second */ U> {{ {Kernel("Up")} }}" },
        { "90-character names", Usages($"{new string('n', 90)}.{new string('n', 90)}.{new string('C', 90)}.Up"),
            $"namespace {new string('n', 90)}.{new string('n', 90)} {{ public static partial class {new string('C', 90)} {{ {Kernel("Up")} }} }}" },

        // Escaped identifiers.
        { "keyword method and type", Usages("@class.@event"), $"public static partial class @class {{ {Kernel("@event")} }}" },
        { "keyword parameters", Usages("Layers.Up"), $"public static partial class Layers {{ {Kernel("Up", "[Shape(1, 3)] ReadOnlySpan<float> @in, [Shape(1, 6)] Span<float> @base")} }}" },
        { "keyword batch", Usages("Layers.Up", batched: true), $"public static partial class Layers {{ {Kernel("Up", "int @int, [Shape(1, 3)] ReadOnlySpan<float> @object, [Shape(1, 6)] Span<float> @out")} }}" },

        // Parameter names the generated body could shadow or misread.
        { "parameter named sample", Usages("Layers.Up", batched: true), $"public static partial class Layers {{ {Kernel("Up", "int sample, [Shape(1, 3)] ReadOnlySpan<float> sample_, [Shape(1, 6)] Span<float> output")} }}" },
        { "output named nameof", Usages("Layers.Up"), $"public static partial class Layers {{ {Kernel("Up", "[Shape(1, 3)] ReadOnlySpan<float> input, [Shape(1, 6)] Span<float> nameof")} }}" },

        // User members named like the generated helpers of older versions: the helpers now live in MImplementation.
        { "user members Up_Sample and Up_Vector512", Usages("Layers.Up"), $"public static partial class Layers {{ {Kernel("Up")} private static void Up_Sample() {{ }} public static int Up_Vector512 = 0; }}" },

        // Modifiers the implementing part must repeat.
        { "scoped parameters", Usages("Layers.Up"), $"public static partial class Layers {{ {Kernel("Up", "[Shape(1, 3)] scoped ReadOnlySpan<float> input, [Shape(1, 6)] scoped Span<float> output")} }}" },
        { "extension method", "public static class Probe { public static float[] Run(float[] x) { var y = new float[6]; new ReadOnlySpan<float>(x).Up(y); return y; } }",
            $"public static partial class Extensions {{ {Kernel("Up", "[Shape(1, 3)] this ReadOnlySpan<float> input, [Shape(1, 6)] Span<float> output")} }}" },
        { "unsafe and new modifiers", Usages("Derived.Up"), $"public class Base {{ public static int Up; }} public partial class Derived : Base {{ {Kernel("Up", modifiers: "public new static unsafe partial")} }}" },
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Builds_cleanly_and_computes(string description, string probe, string declarations)
    {
        GeneratorRun run = GeneratorHarness.Run(Usings + declarations + "\n" + probe);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.True(run.GeneratorDiagnostics.IsEmpty, $"{description}: {string.Join("\n", run.GeneratorDiagnostics)}");

        string[] hints = run.Sources.Keys.ToArray();
        Assert.Equal(hints.Length, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(hints, hint => Assert.True(hint.Length <= 100, $"{description}: hint name of {hint.Length} characters: {hint}"));
        Assert.All(hints, hint => Assert.Matches("^[A-Za-z0-9_.]+$", hint));

        Assembly assembly = GeneratorHarness.CompileAndLoad(Usings + declarations + "\n" + probe);
        float[] input = [1.5f, -2, 7];
        foreach (MethodInfo run1 in assembly.GetType("Probe")!.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name.StartsWith("Run", StringComparison.Ordinal)))
        {
            var output = (float[])run1.Invoke(null, [input])!;
            Assert.Equal(input.SelectMany(v => new[] { v, v }).ToArray(), output);
        }
    }

    /// <summary>
    /// C# 13's <c>params Span</c> needs a newer compiler than the in-memory Roslyn 4.8: these kernels are built by the
    /// SDK's compiler in this project's own build (<see cref="BuiltKernels"/>), with <c>scoped</c> and <c>this</c>.
    /// </summary>
    [Fact]
    public void Params_scoped_and_extension_kernels_build_with_the_SDK_compiler()
    {
        float[] input = [1.5f, -2, 7], expected = input.SelectMany(v => new[] { v, v }).ToArray();
        var viaParams = new float[6];
        BuiltKernels.UpParams(input, viaParams);
        var viaExtension = new float[6];
        new ReadOnlySpan<float>(input).UpExtension(viaExtension);
        Assert.Equal(expected, viaParams);
        Assert.Equal(expected, viaExtension);
    }

    /// <summary>Kernels <c>Up</c> and <c>UpLengths</c>: the second is fine; the first would generate a class named like it.</summary>
    [Fact]
    public void A_kernel_named_like_another_kernels_lengths_class_is_reported()
    {
        GeneratorRun run = GeneratorHarness.Run(Usings + $"public static partial class Layers {{ {Kernel("Up")} {Kernel("UpLengths")} }}");
        Assert.Equal("KG0017", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Contains("class UpLengthsLengths", Assert.Single(run.Sources.Values, s => !s.Contains("KernelGen wrote no kernel", StringComparison.Ordinal)));
    }

    /// <summary>A probe class calling each kernel (by its C# access path) on a [1, 3] input.</summary>
    private static string Usages(string first, string? second = null, bool batched = false) => Usages(new[] { first, second }.OfType<string>().ToArray(), batched);

    private static string Usages(string[] kernels, bool batched)
    {
        string calls = string.Join("\n", kernels.Select((kernel, i) =>
            $"public static float[] Run{i}(float[] x) {{ var y = new float[6]; {kernel}({(batched ? "1, " : string.Empty)}x, y); return y; }}"));
        return $"public static class Probe {{\n{calls}\n}}";
    }
}
