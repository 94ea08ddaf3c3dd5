using KernelGen;

namespace KernelGen.Demo;

/// <summary>The seed examples: each method's body is written by KernelGen at compile time.</summary>
internal static partial class Kernels
{
    /// <summary>Nearest upsampling by 2: each value becomes a 2x2 block.</summary>
    [Upsample(scale: 2)]
    public static partial void Up([Shape(1, 2, 2)] ReadOnlySpan<float> input, [Shape(1, 4, 4)] Span<float> output);

    /// <summary>A 2x2 kernel with stride 2: each input value places one copy of the kernel, without overlap.</summary>
    [ConvTranspose(k: 2, stride: 2)]
    public static partial void Place([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4, 4)] Span<float> output);

    /// <summary>A 3x3 kernel with stride 2: the copies overlap by one row and column, and overlaps add up.</summary>
    [ConvTranspose(k: 3, stride: 2, pad: 0)]
    public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);

    /// <summary>Projection: 3 feature maps are mixed into 3 new ones, as a matrix product over channels.</summary>
    [Conv1x1]
    public static partial void Project([Shape(3, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(3, 2, 2)] Span<float> output);

    /// <summary>Reduction: 4 feature maps become 2.</summary>
    [Conv1x1]
    public static partial void Reduce([Shape(4, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(2, 2, 2)] Span<float> output);

    /// <summary>Increase: 2 feature maps become 3.</summary>
    [Conv1x1]
    public static partial void Increase([Shape(2, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(3, 2, 2)] Span<float> output);
}
