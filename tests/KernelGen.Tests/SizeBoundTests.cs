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
    /// <summary>The most source one kernel may generate, whatever its sizes.</summary>
    private const int MaxSourceLength = 300_000;

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
        { "1x1 on [64, 512, 512]", "[Conv1x1] public static partial void L([Shape(64, 512, 512)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(32, 512, 512)] Span<float> output);" },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Generated_source_is_bounded(string description, string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run($"using System;\nusing KernelGen;\npublic static partial class Layers\n{{\n{declaration}\n}}\n");
        Assert.Empty(run.GeneratorDiagnostics);
        int length = Assert.Single(run.Sources).Value.Length;
        Assert.True(length <= MaxSourceLength, $"{description}: {length} characters of source, more than {MaxSourceLength}");
    }
}
