using System.Reflection;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// Generated source and stack are bounded by constants that do not grow with the spatial size or the kernel size:
/// what does not fit the budget becomes a loop. Each case is a layer from the reliability issue that once produced
/// megabytes of source, minutes of build or a stack overflow.
/// </summary>
public sealed class SizeBoundTests
{
    /// <summary>The most code one kernel may generate, whatever its sizes.</summary>
    private const int MaxCodeLength = 300_000;

    /// <summary>
    /// Upsampling reads constant tables, one entry per output position and tap along each axis (and, for wide rows,
    /// per lane of each block): data that grows with the sum of the output's axes, never with its volume. At most
    /// this many characters per entry: a float literal, its separator and a share of the line.
    /// </summary>
    private const int MaxTableCharactersPerEntry = 24;

    /// <summary>
    /// Entries per output position of an axis, for a mode that reads T source positions per axis (nearest 1, linear 2,
    /// cubic 4): a source index and a weight per tap, and for the vector path of wide rows, a shuffle and a weight per
    /// tap and lane and a first column per tap and block (at most one per lane) at each of the three widths.
    /// </summary>
    private static int MaxTableEntriesPerOutputPosition(int taps) => (2 * taps) + (3 * ((2 * taps) + taps));

    public static TheoryData<string, string> Layers() => new()
    {
        { "k1 stride 1e6", "[ConvTranspose(k: 1, stride: 1000000)] public static partial void L([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 1000001)] Span<float> output);" },
        { "k4 s2 p1 on [4, 4, 1024]", "[ConvTranspose(4, 2, 1)] public static partial void L([Shape(4, 4, 1024)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 8, 2048)] Span<float> output);" },
        { "k4 s2 p1 on [4, 4, 8192]", "[ConvTranspose(4, 2, 1)] public static partial void L([Shape(4, 4, 8192)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 8, 16384)] Span<float> output);" },
        { "k4 s2 p1 on [4, 8192, 4]", "[ConvTranspose(4, 2, 1)] public static partial void L([Shape(4, 8192, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 16384, 8)] Span<float> output);" },
        { "k31 on [4, 64, 64]", "[ConvTranspose(31)] public static partial void L([Shape(4, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 94, 94)] Span<float> output);" },
        { "k63 on [4, 64, 64]", "[ConvTranspose(63)] public static partial void L([Shape(4, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 126, 126)] Span<float> output);" },
        { "bilinear x2 on [1, 4, 16384]", "[Upsample(2, Mode = UpsampleMode.Linear)] public static partial void L([Shape(1, 4, 16384)] ReadOnlySpan<float> input, [Shape(1, 8, 32768)] Span<float> output);" },
        { "nearest x2 on [1, 4, 16384]", "[Upsample(2)] public static partial void L([Shape(1, 4, 16384)] ReadOnlySpan<float> input, [Shape(1, 8, 32768)] Span<float> output);" },
        { "bicubic x1.5 on [1, 300, 300]", "[Upsample(1.5, Mode = UpsampleMode.Cubic)] public static partial void L([Shape(1, 300, 300)] ReadOnlySpan<float> input, [Shape(1, 450, 450)] Span<float> output);" },
        { "1080p k3 s2 p1", "[ConvTranspose(3, 2, 1, OutputPadding = 1)] public static partial void L([Shape(3, 540, 960)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(3, 1080, 1920)] Span<float> output);" },
        { "1-D k16 s8 on 8192", "[ConvTranspose(16, 8, 4)] public static partial void L([Shape(8, 8192)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 65536)] Span<float> output);" },
        { "conv k1 stride 1e6", "[Conv(k: 1, stride: 1000000)] public static partial void L([Shape(1, 1000001)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 2)] Span<float> output);" },
        { "conv k63 on [4, 64, 64]", "[Conv(63, pad: 31)] public static partial void L([Shape(4, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 64, 64)] Span<float> output);" },
        { "conv 1080p k3 s2 p1 relu", "[Conv(3, 2, 1, Activation = Activation.Relu)] public static partial void L([Shape(3, 1080, 1920)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 540, 960)] Span<float> output);" },
        { "conv3d k3 s2 on [4, 64, 64, 64] gelu", "[Conv(3, 2, 1, Activation = Activation.Gelu)] public static partial void L([Shape(4, 64, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 32, 32, 32)] Span<float> output);" },
        { "conv 1-D k41 s4 on [8, 65536]", "[Conv(41, 4, 20)] public static partial void L([Shape(8, 65536)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 16384)] Span<float> output);" },
        { "3-D k4 s2 p1 on [8, 64, 64, 64]", "[ConvTranspose(4, 2, 1)] public static partial void L([Shape(8, 64, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 128, 128, 128)] Span<float> output);" },
        { "3-D k7 dilation 2 on [4, 32, 32, 32]", "[ConvTranspose(7, 1, 6, Dilation = 2)] public static partial void L([Shape(4, 32, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 32, 32, 32)] Span<float> output);" },
        { "trilinear x2 on [2, 64, 64, 64]", "[Upsample(2, Mode = UpsampleMode.Linear)] public static partial void L([Shape(2, 64, 64, 64)] ReadOnlySpan<float> input, [Shape(2, 128, 128, 128)] Span<float> output);" },
        { "linear x2 on [4, 65536]", "[Upsample(2, Mode = UpsampleMode.Linear)] public static partial void L([Shape(4, 65536)] ReadOnlySpan<float> input, [Shape(4, 131072)] Span<float> output);" },
        { "1x1 on [64, 512, 512]", "[Conv1x1] public static partial void L([Shape(64, 512, 512)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(32, 512, 512)] Span<float> output);" },
    };

    /// <summary>All of them together compile cleanly in one compilation (6 s for this test on this machine, test host included).</summary>
    [Fact]
    public void The_large_layers_compile_cleanly()
    {
        var declarations = Layers().Select((row, i) => ((string)row[1]).Replace(" void L(", $" void L{i}(", StringComparison.Ordinal));
        GeneratorHarness.CompileAndLoad($"using System;\nusing KernelGen;\npublic static partial class Layers\n{{\n{string.Join("\n", declarations)}\n}}\n");
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Generated_source_is_bounded(string description, string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run($"using System;\nusing KernelGen;\npublic static partial class Layers\n{{\n{declaration}\n}}\n");
        Assert.Empty(run.GeneratorDiagnostics);
        string source = Assert.Single(run.Sources).Value;
        string[] lines = source.Split('\n');
        // Table rows are lines of literals only, such as "0, 0, 1, 1," or "0.75f, 0.25f,".
        bool IsTableRow(string line) => line.TrimEnd().EndsWith(',') && line.Trim().TrimEnd(',').Split(", ").All(v => double.TryParse(v.TrimEnd('f', 'd', 'L'), System.Globalization.CultureInfo.InvariantCulture, out _));
        int code = lines.Where(line => !IsTableRow(line)).Sum(line => line.Length + 1);
        int tableEntries = lines.Where(IsTableRow).Sum(line => line.Split(',', StringSplitOptions.RemoveEmptyEntries).Length);
        int tables = lines.Where(IsTableRow).Sum(line => line.Length + 1);
        Assert.True(code <= MaxCodeLength, $"{description}: {code} characters of code, more than {MaxCodeLength}");
        Assert.True(tables <= MaxTableCharactersPerEntry * tableEntries, $"{description}: {tables} characters for {tableEntries} table entries");
        int[] outputShape = declaration.Split("[Shape(").Last().Split(')')[0].Split(", ").Select(int.Parse).ToArray();
        int axisSum = outputShape.Skip(1).Sum();
        int taps = declaration.Contains("Cubic", StringComparison.Ordinal) ? 4 : declaration.Contains("Linear", StringComparison.Ordinal) ? 2 : 1;
        Assert.True(tableEntries <= MaxTableEntriesPerOutputPosition(taps) * axisSum, $"{description}: {tableEntries} table entries for output axes summing to {axisSum}");
    }

    /// <summary>
    /// Stride phases with the same counts of rows, columns and taps share one method per width, told where the phase
    /// starts: k4 s2 gives four phases of 2x2 taps (one method; two calls when each computes both column phases
    /// interleaved), k3 s2 phases of 2 and 1 taps per axis (one method each).
    /// Numbers from the shared methods are checked against PyTorch and the other forms by the golden and property tests.
    /// </summary>
    [Theory]
    [InlineData("[ConvTranspose(4, 2, 1)]", "[Shape(32, 16, 16)]", "[Shape(16, 32, 32)]", 1, 4)]
    [InlineData("[ConvTranspose(4, 2, 1)]", "[Shape(8, 12, 20)]", "[Shape(8, 24, 40)]", 1, 2)]
    [InlineData("[ConvTranspose(3, 2, 1, OutputPadding = 1)]", "[Shape(32, 8, 24)]", "[Shape(16, 16, 48)]", 4, 4)]
    public void Phases_of_the_same_shape_share_one_method(string attribute, string input, string output, int methods, int calls)
    {
        GeneratorRun run = GeneratorHarness.Run($"using System;\nusing KernelGen;\npublic static partial class Layers\n{{\n{attribute} public static partial void L({input} ReadOnlySpan<float> input, ReadOnlySpan<float> weight, {output} Span<float> output);\n}}\n");
        string source = Assert.Single(run.Sources).Value;
        foreach (string width in new[] { "Vector512", "Vector256" })
        {
            int definitions = System.Text.RegularExpressions.Regex.Matches(source, $@"private static void L_{width}_Phases\d+\(").Count;
            int invocations = System.Text.RegularExpressions.Regex.Matches(source, $@"\bL_{width}_Phases\d+\((padded|input|x), weight, output, inputPhase").Count;
            Assert.Equal((methods, calls), (definitions, invocations));
        }
    }
}
