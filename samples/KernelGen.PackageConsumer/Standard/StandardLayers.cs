using System;
using KernelGen;

/// <summary>The consumer's padded stride-2 layer again, generated for netstandard2.1.</summary>
public static partial class StandardLayers
{
    [ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1)]
    public static partial void Upscale([Shape(32, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(16, 14, 14)] Span<float> output);
}
