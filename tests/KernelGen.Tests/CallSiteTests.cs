using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KernelGen.Tests;

/// <summary>
/// The call-site analyzer (KG0019): every kind of length the compiler can know is compared with what the kernel
/// needs, reported at the argument; every length it cannot know is left alone. [|...|] marks where it must point.
/// </summary>
public sealed class CallSiteTests
{
    /// <summary>
    /// Up1 [4, 4, 4] -> [4, 8, 8]; Up2 reads [2, 8, 8], not Up1's output; Deconv's weight is 9 long; UpBatch is batched;
    /// Excite's second operand is one value per channel and sample; Mix takes PReLU's slopes, one per output channel; Block's residual has the output's shape, per sample.
    /// </summary>
    private const string Kernels = """
        using System;
        using KernelGen;

        public static partial class Layers
        {
            [Upsample(scale: 2)] public static partial void Up1([Shape(4, 4, 4)] ReadOnlySpan<float> input, [Shape(4, 8, 8)] Span<float> output);
            [Upsample(scale: 2)] public static partial void Up2([Shape(2, 8, 8)] ReadOnlySpan<float> input, [Shape(2, 16, 16)] Span<float> output);
            [ConvTranspose(k: 3)] public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 4, 4)] Span<float> output);
            [Upsample(scale: 2)] public static partial void UpBatch(int batch, [Shape(2, 3)] ReadOnlySpan<float> input, [Shape(2, 6)] Span<float> output);
            [Mul] public static partial void Excite(int batch, [Shape(4, 2, 2)] ReadOnlySpan<float> input, [Shape(4, 1, 1)] ReadOnlySpan<float> scale, [Shape(4, 2, 2)] Span<float> output);
            [Conv1x1(Activation = Activation.PRelu)] public static partial void Mix([Shape(3, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> alpha, [Shape(2, 4)] Span<float> output);
            [Conv1x1(Activation = Activation.Relu)] public static partial void Block(int batch, [Shape(3, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Residual] ReadOnlySpan<float> skip, [Shape(2, 4)] Span<float> output);
        }

        """;

    private static string Calls(string members) => Kernels + "public class Calls\n{\n" + members + "\n}\n";

    private static string Body(string statements) => Calls("public static void Run(int n, float[] given)\n{\n" + statements + "\n}");

    public static TheoryData<string, string> Caught() => new()
    {
        { "array creation", Body("Layers.Up1(new float[64], [|new float[255]|]);") },
        { "lengths constants and arithmetic", Body("Layers.Up1(new float[Layers.Up1Lengths.Input], [|new float[Layers.Up1Lengths.Output * 2]|]);") },
        { "stackalloc in a local", Body("Span<float> o = stackalloc float[10];\nLayers.Up1(new float[64], [|o|]);") },
        { "stackalloc with an initializer", Body("Layers.Deconv(new float[4], [|stackalloc float[] { 1, 2, 3 }|], new float[1], new float[16]);") },
        { "array initializer", Body("Layers.Deconv(new float[4], [|new float[] { 1, 2, 3 }|], new float[1], new float[16]);") },
        { "implicitly typed array", Body("Layers.Deconv(new float[4], new float[9], [|new[] { 1f, 2f }|], new float[16]);") },
        { "collection expression", Body("Layers.Deconv(new float[4], [|[1, 2, 3]|], new float[1], new float[16]);") },
        { "collection expression with a spread", Body("float[] half = [1, 2, 3, 4];\nLayers.Deconv(new float[4], [|[.. half, .. half]|], new float[1], new float[16]);") },
        { "local, its elements written", Body("var buffer = new float[100];\nbuffer[0] = 1;\nLayers.Up1(new float[64], [|buffer|]);") },
        { "readonly field", Calls("private static readonly float[] Buffer = new float[3];\npublic static void Run() => Layers.Up1([|Buffer|], new float[256]);") },
        { "readonly instance field in another part", Calls("private readonly float[] _weight = new float[8];\npublic void Run() => Layers.Deconv(new float[4], [|_weight|], new float[1], new float[16]);") },
        { "AsSpan with start and length", Body("var b = new float[300];\nLayers.Up1(new float[64], [|b.AsSpan(0, 200)|]);") },
        { "AsSpan then Slice", Body("Layers.Up1(new float[64], [|new float[300].AsSpan().Slice(10)|]);") },
        { "AsSpan with a range", Body("var b = new float[300];\nLayers.Up1(new float[64], [|b.AsSpan(10..^10)|]);") },
        { "range on an array", Body("var b = new float[300];\nLayers.Up1(new float[64], [|b[..100]|]);") },
        { "range on a span local", Body("Span<float> s = new float[300];\nLayers.Up1(new float[64], [|s[1..^1]|]);") },
        { "span constructor", Body("Layers.Up1(new float[64], [|new Span<float>(new float[300], 4, 250)|]);") },
        { "decoder chain: Up1's output is not Up2's input", Body("var x = new float[Layers.Up1Lengths.Input];\nvar hidden = new float[Layers.Up1Lengths.Output];\nLayers.Up1(x, hidden);\nLayers.Up2([|hidden|], new float[Layers.Up2Lengths.Output]);") },
        { "constant batch", Body("Layers.UpBatch(3, new float[18], [|new float[12]|]);") },
        { "PReLU slopes one per input channel, not output", Body("Layers.Mix(new float[12], new float[6], [|new float[3]|], new float[8]);") },
        { "a residual of the input's length, not the output's", Body("Layers.Block(1, new float[12], new float[6], [|new float[12]|], new float[8]);") },
        { "a residual of one sample in a batch of two", Body("Layers.Block(2, new float[24], new float[6], [|new float[8]|], new float[16]);") },
        { "unknown batch, not a whole number of samples", Body("Layers.UpBatch(n, new float[18], [|new float[13]|]);") },
        { "unknown batch, input and output disagree on the samples", Body("Layers.UpBatch(n, new float[18], [|new float[24]|]);") },
        { "a second operand of the input's length, not its own", Body("Layers.Excite(1, new float[16], [|new float[Layers.ExciteLengths.Input]|], new float[16]);") },
        { "a second operand for fewer samples", Body("Layers.Excite(3, new float[48], [|new float[8]|], new float[48]);") },
        { "named arguments in another order", Body("Layers.Up1(output: [|new float[255]|], input: new float[64]);") },
        { "top-level style local in a lambda", Body("var b = new float[5];\nAction a = () => Layers.Up1(new float[64], [|b|]);") },
    };

    [Theory]
    [MemberData(nameof(Caught))]
    public void Reports_a_known_wrong_length_at_the_argument(string description, string markup)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan span) = Markup.Parse(markup);
        var (run, diagnostics) = AnalyzerHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal("KG0019", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True(span == diagnostic.Location.SourceSpan,
            $"{description}: points at '{source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length)}', expected '{source.Substring(span.Start, span.Length)}'");
    }

    public static TheoryData<string, string> Silent() => new()
    {
        { "every length right, in every form", Body("""
            var x = new float[Layers.Up1Lengths.Input];
            Span<float> hidden = stackalloc float[Layers.Up1Lengths.Output];
            Layers.Up1(x, hidden);
            Layers.Up1(new float[300].AsSpan(10, 64), (new float[512])[..256]);
            Layers.Deconv([1, 2, 3, 4], new float[9], stackalloc float[] { 0 }, new Span<float>(new float[20], 2, 16));
            Layers.Block(2, new float[24], new float[6], new float[Layers.BlockLengths.Residual * 2], new float[16]);
            Layers.UpBatch(2, new float[12], new float[24]);
            Layers.UpBatch(n, new float[18], new float[36]);
            """) },
        { "a parameter", Body("Layers.Up1(given, given);") },
        { "a size that is not constant", Body("Layers.Up1(new float[n], new float[n + 1]);") },
        { "a local assigned again", Body("var b = new float[3];\nb = new float[256];\nLayers.Up1(new float[64], b);") },
        { "a local assigned in a lambda", Body("var b = new float[3];\nAction a = () => b = new float[256];\nLayers.Up1(new float[64], b);") },
        { "a local passed by ref", Body("var b = new float[3];\nResize(ref b);\nLayers.Up1(new float[64], b);\n}\nstatic void Resize(ref float[] b) { b = new float[256]; ") },
        { "a local in a tuple assignment", Body("var b = new float[3];\nint k;\n(b, k) = (new float[256], 1);\nLayers.Up1(new float[64], b);") },
        { "a span local sliced again", Body("Span<float> s = new float[300];\ns = s.Slice(44);\nLayers.Up1(new float[64], s);") },
        { "a field that is not readonly", Calls("private static float[] Buffer = new float[3];\npublic static void Run() => Layers.Up1(Buffer, new float[256]);") },
        { "a readonly field assigned in a constructor", Calls("private readonly float[] _buffer = new float[3];\npublic Calls(int n) { _buffer = new float[n]; }\npublic void Run() => Layers.Up1(_buffer, new float[256]);") },
        { "a readonly field assigned in an init accessor", Calls("private readonly float[] _buffer = new float[3];\npublic int Size { init => _buffer = new float[value]; }\npublic void Run() => Layers.Up1(_buffer, new float[256]);") },
        { "a readonly field of a struct that assigns 'this'", Kernels + "public struct Holder { private readonly float[] _buffer = new float[3]; public Holder() { } public void Reset(Holder other) { this = other; } public void Run() => Layers.Up1(_buffer, new float[256]); }\n" },
        { "a readonly field without an initializer", Calls("private static readonly float[] Buffer;\nstatic Calls() { Buffer = new float[3]; }\npublic static void Run() => Layers.Up1(Buffer, new float[256]);") },
        { "a slice whose start is not constant", Body("Layers.Up1(new float[64], new float[300].AsSpan(n));") },
        { "a slice past the end (it throws by itself)", Body("Layers.Up1(new float[64], new float[300].AsSpan(200, 256));") },
        { "a conditional", Body("Layers.Up1(new float[64], n > 0 ? new float[3] : new float[256]);") },
        { "a spread of unknown length", Body("Layers.Deconv(new float[4], [.. given, 1], new float[1], new float[16]);") },
        { "unknown batch, a whole number of samples", Body("Layers.UpBatch(n, new float[6 * 7], new float[12 * 7]);") },
        { "a second operand per sample of a batch", Body("Layers.Excite(3, new float[48], new float[12], new float[48]);\nLayers.Excite(n, new float[48], new float[12], new float[48]);") },
        { "a method of the same name that is no kernel", Calls("static void Up1(ReadOnlySpan<float> a, Span<float> b) { }\npublic static void Run() => Up1(new float[1], new float[1]);") },
        { "an array pool", Body("float[] rented = System.Buffers.ArrayPool<float>.Shared.Rent(256);\nLayers.Up1(new float[64], rented.AsSpan(0, 256));") },
    };

    [Theory]
    [MemberData(nameof(Silent))]
    public void Says_nothing_where_the_length_is_right_or_unknown(string description, string source)
    {
        var (run, diagnostics) = AnalyzerHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(diagnostics.IsEmpty, $"{description}: {string.Join("; ", diagnostics)}");
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("Layers.Up1(new float[64], new float[1024]);",
        "Argument 'output' of 'Up1' has 1024 elements (new float[1024]); the kernel writes 256 = [4, 8, 8]")]
    [InlineData("var hidden = new float[Layers.Up1Lengths.Output];\nLayers.Up2(hidden, new float[512]);",
        "Argument 'input' of 'Up2' has 256 elements (hidden = new float[Layers.Up1Lengths.Output]); the kernel reads 128 = [2, 8, 8]")]
    [InlineData("var b = new float[300];\nLayers.Up1(b.AsSpan(0, 200), new float[256]);",
        "Argument 'input' of 'Up1' has 200 elements (b.AsSpan(0, 200) of b = new float[300]); the kernel reads 64 = [4, 4, 4]")]
    [InlineData("Layers.UpBatch(3, new float[18], new float[12]);",
        "Argument 'output' of 'UpBatch' has 12 elements (new float[12]); the kernel writes 3 * 12 = 36 (3 samples of [2, 6])")]
    [InlineData("Layers.UpBatch(n, new float[18], new float[13]);",
        "Argument 'output' of 'UpBatch' has 13 elements (new float[13]); the kernel writes a whole number of samples of 12 = [2, 6], and 13 is not a multiple of 12")]
    [InlineData("Layers.UpBatch(n, new float[18], new float[24]);",
        "Argument 'output' of 'UpBatch' has 24 elements (new float[24]); the kernel writes one sample of 12 = [2, 6] for each of the 3 samples 'input' holds, 3 * 12 = 36")]
    [InlineData("Layers.Deconv(new float[4], [1], new float[1], new float[16]);",
        "Argument 'weight' of 'Deconv' has 1 element ([1]); the kernel reads 9 = [1, 1, 3, 3]")]
    [InlineData("Layers.Deconv(new float[4], new float[9], [], new float[16]);",
        "Argument 'bias' of 'Deconv' has 0 elements ([]); the kernel reads 1 = [1]")]
    public void The_message_shows_the_arithmetic(string statements, string expected)
    {
        var (_, diagnostics) = AnalyzerHarness.Run(Body(statements));
        Assert.Equal(expected, Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A kernel the generator rejected has no lengths class: its calls are the generator's business, not the analyzer's.</summary>
    [Fact]
    public void A_rejected_kernel_is_not_checked_again()
    {
        var (run, diagnostics) = AnalyzerHarness.Run("""
            using System;
            using KernelGen;
            public static partial class Layers
            {
                [Upsample(scale: 2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 5)] Span<float> output);
                public static void Run() => Up(new float[7], new float[7]);
            }
            """);
        Assert.Equal("KG0001", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(diagnostics);
    }
}
