using System;
using KernelGen;

namespace KernelGen.CompileTime;

/// <summary>
/// With the eleven benchmarked layers (tests/KernelGen.Benchmarks/Layers.cs, compiled here too), thirty varied
/// kernels: the workload of the compile-time measurement (measure.py), of every operator, rank, element type and form.
/// </summary>
public static partial class Kernels
{
    [ConvTranspose(k: 16, stride: 8, pad: 4)]
    public static partial void Vocoder([Shape(64, 50)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 400)] Span<float> output);
    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    public static partial void UNet3d([Shape(16, 8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 16, 16, 16)] Span<float> output);
    [ConvTranspose(k: 3, stride: 2, pad: 2, Dilation = 2)]
    public static partial void Dilated([Shape(16, 12, 12)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 23, 23)] Span<float> output);
    [ConvTranspose(k: 3, stride: 1, pad: 1)]
    public static partial void Stride1([Shape(32, 20, 20)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 20, 20)] Span<float> output);
    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    public static partial void DcganDouble([Shape(32, 8, 8)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(16, 16, 16)] Span<double> output);
    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    public static partial void Batched(int batch, [Shape(16, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 16, 16)] Span<float> output);
    [ConvTranspose(k: 4, stride: 2, pad: 1, Groups = 4)]
    public static partial void Grouped([Shape(32, 12, 12)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(16, 24, 24)] Span<float> output);
    [ConvTranspose(k: 5, stride: 3, pad: 1)]
    public static partial void Odd([Shape(8, 9, 11)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 27, 33)] Span<float> output);
    [Conv1x1]
    public static partial void Sequence1x1([Shape(192, 200)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(96, 200)] Span<float> output);
    [Conv1x1]
    public static partial void Volume1x1([Shape(32, 8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(16, 8, 8, 8)] Span<float> output);
    [Conv1x1(Groups = 4)]
    public static partial void Grouped1x1([Shape(64, 20, 20)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(32, 20, 20)] Span<double> output);
    [Upsample(scale: 2, Mode = UpsampleMode.Linear, AlignCorners = true)]
    public static partial void BilinearAligned([Shape(16, 24, 24)] ReadOnlySpan<float> input, [Shape(16, 48, 48)] Span<float> output);
    [Upsample(scale: 2, Mode = UpsampleMode.Cubic)]
    public static partial void Bicubic([Shape(8, 32, 32)] ReadOnlySpan<float> input, [Shape(8, 64, 64)] Span<float> output);
    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    public static partial void Trilinear([Shape(8, 8, 8, 8)] ReadOnlySpan<float> input, [Shape(8, 16, 16, 16)] Span<float> output);
    [Upsample(scale: 4, Mode = UpsampleMode.Linear)]
    public static partial void Linear1d([Shape(32, 100)] ReadOnlySpan<float> input, [Shape(32, 400)] Span<float> output);
    [Upsample(scale: 1.5, Mode = UpsampleMode.NearestExact)]
    public static partial void NearestExact([Shape(16, 20, 20)] ReadOnlySpan<float> input, [Shape(16, 30, 30)] Span<float> output);
    [Upsample(scale: 3)]
    public static partial void Nearest3d([Shape(4, 6, 6, 6)] ReadOnlySpan<double> input, [Shape(4, 18, 18, 18)] Span<double> output);
    [ConvTranspose(k: 2, stride: 2)]
    public static partial void Small1d([Shape(4, 6)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(2, 12)] Span<float> output);
    [ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1)]
    public static partial void Wide([Shape(16, 8, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 16, 128)] Span<float> output);
}
