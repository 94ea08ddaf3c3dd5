using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KernelGen.Tests;

/// <summary>
/// Every diagnostic, triggered by a declaration a user could write; [|...|] marks where it must point. Each case
/// also requires that no code is generated for the bad declaration and that the generator did not throw.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Usings = "using System;\nusing KernelGen;\n";

    private static string InClass(string members) => Usings + "public static partial class Layers\n{\n" + members + "\n}\n";

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "KG0001", "output shape disagrees", InClass("[ConvTranspose(k: 3, stride: 2)] public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [[|Shape(1, 4, 4)|]] Span<float> output);") },
        { "KG0001", "max pool size", InClass("[MaxPool(k: 3, stride: 2, pad: 1)] public static partial void Pool([Shape(4, 13, 13)] ReadOnlySpan<float> input, [[|Shape(4, 6, 7)|]] Span<float> output);") },
        { "KG0001", "average pool, ceil mode's last-window rule", InClass("[AvgPool(k: 2, stride: 2, pad: 1, CeilMode = true)] public static partial void Pool([Shape(1, 5)] ReadOnlySpan<float> input, [[|Shape(1, 4)|]] Span<float> output);") },
        { "KG0001", "pool changes channels", InClass("[AvgPool(2)] public static partial void Pool([Shape(2, 8)] ReadOnlySpan<float> input, [[|Shape(3, 4)|]] Span<float> output);") },
        { "KG0002", "pool window larger than the padded input", InClass("[[|MaxPool(k: 5, stride: 1, pad: 1)|]] public static partial void Pool([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 1)] Span<float> output);") },
        { "KG0003", "pool pad over half the window", InClass("[MaxPool(k: 3, stride: 1, [|pad: 2|])] public static partial void Pool([Shape(1, 8)] ReadOnlySpan<float> input, [Shape(1, 10)] Span<float> output);") },
        { "KG0003", "pool pads over half the window on one axis", InClass("[AvgPool(Kernel = new[] { 2, 4 }, [|Pads = new[] { 1, 3 }|])] public static partial void Pool([Shape(1, 8, 8)] ReadOnlySpan<float> input, [Shape(1, 5, 4)] Span<float> output);") },
        { "KG0003", "pool without a window", InClass("[[|MaxPool(Strides = new[] { 2 })|]] public static partial void Pool([Shape(1, 8)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0003", "pool stride 0", InClass("[AvgPool(2, [|0|])] public static partial void Pool([Shape(1, 8)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0012", "pool per-axis list of the wrong length", InClass("[MaxPool([|Kernel = new[] { 2 }|])] public static partial void Pool([Shape(1, 8, 8)] ReadOnlySpan<float> input, [Shape(1, 4, 4)] Span<float> output);") },
        { "KG0001", "adaptive pool size", InClass("[AdaptiveAvgPool(1)] public static partial void Global([Shape(512, 7, 7)] ReadOnlySpan<float> input, [[|Shape(512, 7, 1)|]] Span<float> output);") },
        { "KG0003", "adaptive pool without a size", InClass("[[|AdaptiveMaxPool|]] public static partial void Global([Shape(8, 7, 7)] ReadOnlySpan<float> input, [Shape(8, 1, 1)] Span<float> output);") },
        { "KG0003", "adaptive pool size 0 on one axis", InClass("[AdaptiveAvgPool([|Sizes = new[] { 2, 0 }|])] public static partial void Pyramid([Shape(8, 7, 7)] ReadOnlySpan<float> input, [Shape(8, 2, 1)] Span<float> output);") },
        { "KG0001", "activate changes the shape", InClass("[Activate(Activation.Relu)] public static partial void Act([Shape(4, 8)] ReadOnlySpan<float> input, [[|Shape(4, 9)|]] Span<float> output);") },
        { "KG0003", "activate with a slope but not LeakyRelu", InClass("[Activate(Activation.Relu, [|NegativeSlope = 0.1|])] public static partial void Act([Shape(4, 8)] ReadOnlySpan<float> input, [Shape(4, 8)] Span<float> output);") },
        { "KG0001", "add changes the shape", InClass("[Add] public static partial void Residual([Shape(4, 8)] ReadOnlySpan<float> input, [Shape(4, 8)] ReadOnlySpan<float> skip, [[|Shape(4, 9)|]] Span<float> output);") },
        { "KG0007", "add operand neither the input's size nor 1", InClass("[Add] public static partial void Residual([Shape(4, 8, 8)] ReadOnlySpan<float> input, [[|Shape(4, 8, 2)|]] ReadOnlySpan<float> skip, [Shape(4, 8, 8)] Span<float> output);") },
        { "KG0007", "mul operand of another rank", InClass("[Mul] public static partial void Excite([Shape(4, 8, 8)] ReadOnlySpan<float> input, [[|Shape(4, 1)|]] ReadOnlySpan<float> scale, [Shape(4, 8, 8)] Span<float> output);") },
        { "KG0006", "mul operand without a shape", InClass("[Mul] public static partial void Excite([Shape(4, 8, 8)] ReadOnlySpan<float> input, [|ReadOnlySpan<float> scale|], [Shape(4, 8, 8)] Span<float> output);") },
        { "KG0010", "add without its second operand", InClass("[Add] public static partial void [|Residual|]([Shape(4, 8)] ReadOnlySpan<float> input, [Shape(4, 8)] Span<float> output);") },
        { "KG0003", "affine scale not finite", InClass("[Affine([|Scale = double.PositiveInfinity|])] public static partial void Scale([Shape(4, 8)] ReadOnlySpan<float> input, [Shape(4, 8)] Span<float> output);") },
        { "KG0001", "affine changes the shape", InClass("[Affine(Offset = 1)] public static partial void Shift([Shape(4, 8)] ReadOnlySpan<float> input, [[|Shape(8, 4)|]] Span<float> output);") },
        { "KG0001", "pixel shuffle size", InClass("[PixelShuffle(3)] public static partial void Tail([Shape(27, 8, 8)] ReadOnlySpan<float> input, [[|Shape(3, 16, 16)|]] Span<float> output);") },
        { "KG0007", "pixel shuffle channels not a multiple of r*r", InClass("[PixelShuffle(2)] public static partial void Tail([[|Shape(6, 8, 8)|]] ReadOnlySpan<float> input, [Shape(1, 16, 16)] Span<float> output);") },
        { "KG0007", "pixel unshuffle of an odd width", InClass("[PixelUnshuffle(2)] public static partial void Fold([[|Shape(3, 8, 7)|]] ReadOnlySpan<float> input, [Shape(12, 4, 3)] Span<float> output);") },
        { "KG0007", "pixel shuffle in 1-D", InClass("[PixelShuffle(2)] public static partial void Tail([[|Shape(4, 8)|]] ReadOnlySpan<float> input, [Shape(1, 16)] Span<float> output);") },
        { "KG0003", "pixel shuffle factor 0", InClass("[PixelShuffle([|0|])] public static partial void Tail([Shape(4, 8, 8)] ReadOnlySpan<float> input, [Shape(4, 8, 8)] Span<float> output);") },
        { "KG0001", "upsample changes channels", InClass("[Upsample(scale: 2)] public static partial void Up([Shape(2, 2, 2)] ReadOnlySpan<float> input, [[|Shape(3, 4, 4)|]] Span<float> output);") },
        { "KG0001", "upsample size", InClass("[Upsample(scale: 1.5)] public static partial void Up([Shape(1, 5)] ReadOnlySpan<float> input, [[|Shape(1, 8)|]] Span<float> output);") },
        { "KG0001", "1x1 spatial mismatch", InClass("[Conv1x1] public static partial void Mix([Shape(4, 3, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [[|Shape(2, 3, 4)|]] Span<float> output);") },
        { "KG0001", "conv output shape disagrees", InClass("[Conv(k: 3, stride: 2, pad: 1)] public static partial void Encode([Shape(1, 28, 28)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [[|Shape(8, 13, 14)|]] Span<float> output);") },
        { "KG0002", "conv window larger than the padded input", InClass("[[|Conv(k: 5, pad: 1)|]] public static partial void Encode([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 1)] Span<float> output);") },
        { "KG0003", "conv stride 0", InClass("[Conv(k: 3, [|stride: 0|])] public static partial void Encode([Shape(1, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 2)] Span<float> output);") },
        { "KG0003", "conv without a kernel size", InClass("[[|Conv(Strides = new[] { 2 })|]] public static partial void Encode([Shape(1, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 2)] Span<float> output);") },
        { "KG0005", "conv groups do not divide", InClass("[Conv(k: 3, [|Groups = 4|])] public static partial void Encode([Shape(6, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 6)] Span<float> output);") },
        { "KG0012", "conv per-axis count", InClass("[Conv(k: 3, [|Dilations = new[] { 1, 2 }|])] public static partial void Encode([Shape(1, 9)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 7)] Span<float> output);") },
        { "KG0003", "slope without LeakyRelu", InClass("[Conv(k: 3, Activation = Activation.Relu, [|NegativeSlope = 0.2|])] public static partial void Encode([Shape(1, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 2)] Span<float> output);") },
        { "KG0003", "slope not finite", InClass("[Conv1x1(Activation = Activation.LeakyRelu, [|NegativeSlope = double.NaN|])] public static partial void Mix([Shape(4, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(2, 3)] Span<float> output);") },
        { "KG0003", "alpha without Elu", InClass("[Conv(k: 3, Activation = Activation.Relu, [|Alpha = 0.5|])] public static partial void Encode([Shape(1, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 2)] Span<float> output);") },
        { "KG0003", "alpha not finite", InClass("[Activate(Activation.Elu, [|Alpha = double.PositiveInfinity|])] public static partial void Act([Shape(4, 8)] ReadOnlySpan<float> input, [Shape(4, 8)] Span<float> output);") },
        { "KG0003", "a bound without Clamp", InClass("[ConvTranspose(k: 3, [|Min = 0|])] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);") },
        { "KG0003", "clamp without a bound", InClass("[Add([|Activation = Activation.Clamp|])] public static partial void Residual([Shape(4, 8)] ReadOnlySpan<float> input, [Shape(4, 8)] ReadOnlySpan<float> skip, [Shape(4, 8)] Span<float> output);") },
        { "KG0003", "clamp min above max", InClass("[Mul(Activation = Activation.Clamp, [|Min = 2|], Max = 1)] public static partial void Excite([Shape(4, 8, 8)] ReadOnlySpan<float> input, [Shape(4, 1, 1)] ReadOnlySpan<float> scale, [Shape(4, 8, 8)] Span<float> output);") },
        { "KG0003", "clamp bound NaN", InClass("[Affine(Activation = Activation.Clamp, [|Max = double.NaN|])] public static partial void Scale([Shape(4, 8)] ReadOnlySpan<float> input, [Shape(4, 8)] Span<float> output);") },
        { "KG0003", "group norm groups not dividing the channels", InClass("[GroupNorm([|3|])] public static partial void Norm([Shape(8, 4, 4)] ReadOnlySpan<float> input, [Shape(8, 4, 4)] Span<float> output);") },
        { "KG0003", "norm eps negative", InClass("[InstanceNorm([|Eps = -1e-5|])] public static partial void Norm([Shape(8, 4, 4)] ReadOnlySpan<float> input, [Shape(8, 4, 4)] Span<float> output);") },
        { "KG0001", "norm changes the shape", InClass("[GroupNorm(2)] public static partial void Norm([Shape(8, 4, 4)] ReadOnlySpan<float> input, [[|Shape(8, 4, 5)|]] Span<float> output);") },
        { "KG0010", "norm weight without bias", InClass("[InstanceNorm] public static partial void [|Norm|]([Shape(8, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 4, 4)] Span<float> output);") },
        { "KG0003", "reflection pad not below the size", InClass("[Conv(k: 3, [|pad: 4|], PaddingMode = PaddingMode.Reflect)] public static partial void Encode([Shape(1, 4, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 10, 14)] Span<float> output);") },
        { "KG0003", "circular pad past the size", InClass("[Conv(k: 3, [|Pads = new[] { 1, 5 }|], PaddingMode = PaddingMode.Circular)] public static partial void Encode([Shape(1, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4, 12)] Span<float> output);") },
        { "KG0003", "padding mode not a member", InClass("[Conv(k: 3, pad: 1, [|PaddingMode = (PaddingMode)7|])] public static partial void Encode([Shape(1, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4, 4)] Span<float> output);") },
        { "KG0012", "pads at the end of the wrong length", InClass("[Conv(k: 3, [|PadsEnd = new[] { 1 }|])] public static partial void Encode([Shape(1, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 7, 7)] Span<float> output);") },
        { "KG0003", "negative pad at the end", InClass("[Conv(k: 3, [|PadsEnd = new[] { 1, -1 }|])] public static partial void Encode([Shape(1, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 7, 5)] Span<float> output);") },
        { "KG0001", "asymmetric pads, output shape disagrees", InClass("[Conv(k: 3, stride: 2, PadsEnd = new[] { 1, 1 })] public static partial void Encode([Shape(1, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [[|Shape(1, 3, 3)|]] Span<float> output);") },
        { "KG0001", "upsampling to a size changes the channels", InClass("[Upsample(Mode = UpsampleMode.Linear)] public static partial void Resize([Shape(3, 20, 60)] ReadOnlySpan<float> input, [[|Shape(2, 9, 25)|]] Span<float> output);") },
        { "KG0007", "PReLU slopes neither per channel nor one", InClass("[Conv1x1(Activation = Activation.PRelu)] public static partial void Mix([Shape(4, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [[|Shape(3)|]] ReadOnlySpan<float> slope, [Shape(2, 3)] Span<float> output);") },
        { "KG0010", "residual on an operator without weights", InClass("[Activate(Activation.Relu)] public static partial void Act([Shape(4, 8)] ReadOnlySpan<float> input, [[|Residual|]] ReadOnlySpan<float> residual, [Shape(4, 8)] Span<float> output);") },
        { "KG0010", "residual mark on the input", InClass("[Conv1x1] public static partial void Mix([[|Residual|]] [Shape(4, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> residual, [Shape(2, 3)] Span<float> output);") },
        { "KG0010", "residual mark on the output", InClass("[Conv1x1] public static partial void Mix([Shape(4, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Residual] ReadOnlySpan<float> residual, [[|Residual|]] [Shape(2, 3)] Span<float> output);") },
        { "KG0010", "residual after the slopes", InClass("[Conv1x1(Activation = Activation.PRelu)] public static partial void Mix([Shape(4, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> slope, [[|Residual|]] ReadOnlySpan<float> residual, [Shape(2, 3)] Span<float> output);") },
        { "KG0007", "residual of another shape than the output", InClass("[Conv(k: 3, pad: 1)] public static partial void Encode([Shape(2, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Residual, [|Shape(2, 7)|]] ReadOnlySpan<float> residual, [Shape(2, 8)] Span<float> output);") },
        { "KG0007", "linear input with channels and space", InClass("[Linear] public static partial void Head([[|Shape(16, 1, 1)|]] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(10)] Span<float> output);") },
        { "KG0010", "linear without its weight", InClass("[Linear] public static partial void [|Head|]([Shape(16)] ReadOnlySpan<float> input, [Shape(10)] Span<float> output);") },
        { "KG0010", "PReLU without its slopes", InClass("[Activate(Activation.PRelu)] public static partial void [|Act|]([Shape(4, 8)] ReadOnlySpan<float> input, [Shape(4, 8)] Span<float> output);") },
        { "KG0003", "pool pad at the end over half the window", InClass("[MaxPool(k: 2, [|PadsEnd = new[] { 0, 2 }|])] public static partial void Pool([Shape(1, 8, 8)] ReadOnlySpan<float> input, [Shape(1, 4, 5)] Span<float> output);") },
        { "KG0001", "pool with asymmetric pads, output shape disagrees", InClass("[AvgPool(k: 3, stride: 2, PadsEnd = new[] { 1, 1 })] public static partial void Pool([Shape(1, 8, 8)] ReadOnlySpan<float> input, [[|Shape(1, 3, 3)|]] Span<float> output);") },
        { "KG0003", "activation not a member", InClass("[ConvTranspose(k: 3, [|Activation = (Activation)42|])] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);") },
        { "KG0017", "user's fold method", InClass("[Conv(k: 1)] public static partial void [|Encode|]([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 2)] Span<float> output);\npublic static void EncodeFoldBatchNorm() { }") },
        { "KG0002", "output size negative", InClass("[[|ConvTranspose(k: 1, pad: 2)|]] public static partial void Shrink([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 1)] Span<float> output);") },
        { "KG0002", "upsample to nothing", InClass("[[|Upsample(scale: 0.25)|]] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 1)] Span<float> output);") },
        { "KG0003", "stride 0", InClass("[ConvTranspose(k: 3, [|stride: 0|])] public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);") },
        { "KG0003", "kernel 0", InClass("[ConvTranspose([|0|])] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 1)] Span<float> output);") },
        { "KG0003", "negative pad", InClass("[ConvTranspose(k: 3, [|pad: -1|])] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 6)] Span<float> output);") },
        { "KG0003", "dilation 0 per axis", InClass("[ConvTranspose(k: 3, [|Dilations = new[] { 1, 0 }|])] public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4, 4)] Span<float> output);") },
        { "KG0003", "negative output padding", InClass("[ConvTranspose(k: 3, [|OutputPadding = -1|])] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 3)] Span<float> output);") },
        { "KG0003", "groups 0", InClass("[ConvTranspose(k: 3, [|Groups = 0|])] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);") },
        { "KG0003", "no kernel size", InClass("[[|ConvTranspose(Strides = new[] { 2 })|]] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);") },
        { "KG0003", "scale 0", InClass("[Upsample([|0|])] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0003", "1x1 groups 0", InClass("[Conv1x1([|Groups = 0|])] public static partial void Mix([Shape(4, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(2, 3)] Span<float> output);") },
        { "KG0004", "output padding too large", InClass("[ConvTranspose(k: 3, stride: 2, [|OutputPadding = 2|])] public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 7, 7)] Span<float> output);") },
        { "KG0005", "groups do not divide", InClass("[ConvTranspose(k: 3, [|Groups = 3|])] public static partial void Deconv([Shape(4, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(6, 4)] Span<float> output);") },
        { "KG0005", "1x1 groups do not divide", InClass("[Conv1x1([|Groups = 2|])] public static partial void Mix([Shape(4, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(3, 3)] Span<float> output);") },
        { "KG0006", "missing shape", InClass("[ConvTranspose(k: 3)] public static partial void Deconv([|ReadOnlySpan<float> input|], ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);") },
        { "KG0007", "rank too high", InClass("[ConvTranspose(k: 3)] public static partial void Deconv([[|Shape(1, 2, 2, 2, 2)|]] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4, 4)] Span<float> output);") },
        { "KG0007", "channels only", InClass("[Upsample(scale: 2)] public static partial void Up([[|Shape(3)|]] ReadOnlySpan<float> input, [Shape(3, 4)] Span<float> output);") },
        { "KG0007", "zero dimension", InClass("[Upsample(scale: 2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [[|Shape(1, 0)|]] Span<float> output);") },
        { "KG0007", "ranks differ", InClass("[ConvTranspose(k: 3)] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [[|Shape(1, 4, 4)|]] Span<float> output);") },
        { "KG0008", "has a body", InClass("[ConvTranspose(k: 3)] public static void [|Deconv|]([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output) { }") },
        { "KG0008", "not static", Usings + "public partial class Layers { [ConvTranspose(k: 3)] public partial void [|Deconv|]([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output); }" },
        { "KG0008", "returns a value", InClass("[ConvTranspose(k: 3)] public static partial int [|Deconv|]([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);") },
        { "KG0008", "generic", InClass("[ConvTranspose(k: 3)] public static partial void [|Deconv|]<T>([Shape(1, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "shape on the batch count", InClass("[Upsample(scale: 2)] public static partial void Up([[|Shape(1)|]] int batch, [Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "wrong element type", InClass("[ConvTranspose(k: 3)] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, [|ReadOnlySpan<int> weight|], [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "mixed element types", InClass("[ConvTranspose(k: 3)] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, [|ReadOnlySpan<double> weight|], [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "read-only output", InClass("[Upsample(scale: 2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [|[Shape(1, 4)] ReadOnlySpan<float> output|]);") },
        { "KG0010", "writable input", InClass("[Upsample(scale: 2)] public static partial void Up([|[Shape(1, 2)] Span<float> input|], [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "array instead of span", InClass("[Upsample(scale: 2)] public static partial void Up([|[Shape(1, 2)] float[] input|], [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "weight missing", InClass("[ConvTranspose(k: 3)] public static partial void [|Deconv|]([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "shape on the weight", InClass("[ConvTranspose(k: 3)] public static partial void Deconv([Shape(1, 2)] ReadOnlySpan<float> input, [[|Shape(1, 1, 3)|]] ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);") },
        { "KG0011", "element count overflows int", InClass("[Upsample(scale: 1)] public static partial void Copy([[|Shape(70000, 70000)|]] ReadOnlySpan<float> input, [Shape(1, 1)] Span<float> output);") },
        { "KG0012", "per-axis count", InClass("[ConvTranspose(k: 3, [|Strides = new[] { 2, 2, 2 }|])] public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);") },
        { "KG0012", "per-axis scales", InClass("[Upsample([|Scales = new double[] { 2 }|])] public static partial void Up([Shape(1, 2, 2)] ReadOnlySpan<float> input, [Shape(1, 4, 4)] Span<float> output);") },
        { "KG0013", "align corners with nearest", InClass("[Upsample(scale: 2, [|AlignCorners = true|])] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0014", "cubic in 1-D", InClass("[Upsample(scale: 2, [|Mode = UpsampleMode.Cubic|])] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0015", "two kernel attributes", InClass("[Upsample(scale: 1)] [Conv1x1] public static partial void [|Both|]([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 2)] Span<float> output);") },
        { "KG0016", "overloaded kernel", InClass("[Upsample(scale: 2)] public static partial void [|Up|]([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);\npublic static void Up(int unrelated) { }") },
        { "KG0008", "extern", InClass("[Upsample(scale: 2)] public static extern partial void [|Up|]([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0008", "local function", InClass("public static void Host() { [[|Upsample(scale: 2)|]] static void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output) { } }") },
        { "KG0008", "lambda", InClass("public static Delegate Host() => [[|Upsample(scale: 2)|]] (ReadOnlySpan<float> input, Span<float> output) => { };") },
        { "KG0007", "null shape", InClass("[Upsample(scale: 2)] public static partial void Up([[|Shape(null)|]] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0011", "scale overflows the output size", InClass("[Upsample([|1e300|])] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "batch is long", InClass("[Upsample(scale: 2)] public static partial void Up([|long batch|], [Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);") },
        { "KG0010", "batch comes last", InClass("[Upsample(scale: 2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output, [|int batch|]);") },
        { "KG0017", "user's lengths class", InClass("[Upsample(scale: 2)] public static partial void [|Deconv|]([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);\npublic static class DeconvLengths { }") },
        { "KG0017", "user's implementation field", InClass("[Upsample(scale: 2)] public static partial void [|Deconv|]([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);\nprivate static int DeconvImplementation;") },
        { "KG0017", "containing type named like the lengths class", Usings + "public static partial class MLengths { [Upsample(scale: 2)] public static partial void [|M|]([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output); }" },
        { "KG0020", "Winograd forced on a strided convolution", InClass("[Conv(k: 3, stride: 2, pad: 1, [|Algorithm = ConvAlgorithm.Winograd|])] public static partial void Down([Shape(4, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 8, 8)] Span<float> output);") },
        { "KG0020", "Winograd forced on a 5x5 window", InClass("[Conv(k: 5, pad: 2, [|Algorithm = ConvAlgorithm.Winograd|])] public static partial void Wide([Shape(4, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 16, 16)] Span<float> output);") },
        { "KG0020", "Winograd forced on a 3-D convolution", InClass("[Conv(k: 3, pad: 1, [|Algorithm = ConvAlgorithm.Winograd|])] public static partial void Volume([Shape(4, 8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 8, 8, 8)] Span<float> output);") },
        { "KG0003", "an algorithm out of range", InClass("[Conv(k: 3, pad: 1, [|Algorithm = (ConvAlgorithm)7|])] public static partial void Odd([Shape(4, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 16, 16)] Span<float> output);") },
        { "KG0018", "file-local type", Usings + "file static partial class [|Layers|] { [Upsample(scale: 2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output); }" },
        { "KG0018", "variant interface", Usings + "public partial interface [|IKernels|]<out T> { [Upsample(scale: 2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output); }" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_the_diagnostic_at_the_offending_syntax(string id, string description, string markup)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan span) = Markup.Parse(markup);
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.True(id == diagnostic.Id, $"{description}: expected {id}, got {diagnostic}");
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True(span == diagnostic.Location.SourceSpan,
            $"{description}: {id} points at '{source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length)}', expected '{source.Substring(span.Start, span.Length)}'");

        // No kernel for the bad declaration: at most the stub that keeps the KernelGen error the only one about it (its
        // members, and its implementing part where C# demands one; none for a file-local type, which cannot be reopened).
        Assert.All(run.Sources.Values, generated => Assert.Matches(@"^// <auto-generated/>\n// KernelGen [0-9.]+: no kernel for ", generated.Replace("\r\n", "\n")));
        var compilerErrors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.DoesNotContain(compilerErrors, d => d.Location.SourceTree?.FilePath.Contains("KernelGen.Generator", StringComparison.Ordinal) == true);
        if (run.Sources.Count > 0)
        {
            // CS0759 stays where the user's declaration is itself an implementing part (extern, or with a body).
            Assert.DoesNotContain(compilerErrors, d => d.Id is "CS8795" or "CS0501");
        }
    }

    /// <summary>A wrong output shape on a public kernel: KG0001 and nothing else (no CS8795 "must have an implementation part").</summary>
    [Fact]
    public void A_kernel_error_is_the_only_error()
    {
        GeneratorRun run = GeneratorHarness.Run(InClass(
            "[ConvTranspose(k: 3, stride: 2)] public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4, 4)] Span<float> output);\n"
            + "[Upsample(2)] private static partial void Up([Shape(1, 2)] ReadOnlySpan<float> @in, [Shape(1, 5)] scoped Span<float> output);"));
        Assert.Equal(["KG0001", "KG0001"], run.GeneratorDiagnostics.Select(d => d.Id).ToArray());
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Every_descriptor_has_a_test_and_a_line_in_the_package_README()
    {
        // KG0019 is the call-site analyzer's: CallSiteTests triggers it in every form.
        string[] tested = Cases().Select(row => (string)row[0]).Append("KG0019").Distinct().ToArray();
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), ReadmeTests.PackageReadme));
        foreach (var field in typeof(KernelGen.Generator.KernelGenerator).Assembly.GetType("KernelGen.Generator.Diagnostics.DiagnosticDescriptors")!
                     .GetFields().Where(f => f.FieldType == typeof(DiagnosticDescriptor)))
        {
            var descriptor = (DiagnosticDescriptor)field.GetValue(null)!;
            Assert.Contains($"| {descriptor.Id} |", readme);
            // The link is added per build, to the installed page (DiagnosticsPageTests); a fixed one would lead nowhere.
            Assert.True(string.IsNullOrEmpty(descriptor.HelpLinkUri), $"{descriptor.Id} links to {descriptor.HelpLinkUri}, which is not published");
            if (descriptor.Id != "KG9999")
            {
                Assert.Contains(descriptor.Id, tested);
            }
        }
    }

    /// <summary>Each message names the rule that failed and what to do, not only that something is wrong.</summary>
    [Theory]
    [InlineData("public partial class L { [Upsample(2)] public partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output); }", "must be 'static'")]
    [InlineData("public static partial class L { [Upsample(2)] public static partial int Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output); }", "must be 'void'")]
    [InlineData("public static partial class L { [Upsample(2)] public static void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output) { } }", "without a body")]
    [InlineData("public static partial class L { [Upsample(2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<double> output); }", "every buffer has the input's element type, float")]
    [InlineData("public static partial class L { [ConvTranspose(3)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output, ReadOnlySpan<float> weight); }", "the parameters come in the order")]
    [InlineData("public static partial class L { [Upsample(2)] public static partial void Up([Shape(1, 0, 2)] ReadOnlySpan<float> input, [Shape(1, 4, 4)] Span<float> output); }", "has 0 for H (dimension 2 of 3)")]
    [InlineData("public static partial class L { [Upsample(2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output, int n); }", "the batch count must be an int, passed by value, and come first")]
    [InlineData("public static partial class L { [Conv(k: 3, Activation = Activation.Silu, NegativeSlope = 0.2)] public static partial void E([Shape(1, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 2)] Span<float> output); }", "NegativeSlope must be given only with Activation = Activation.LeakyRelu, but is given with Activation.Silu")]
    [InlineData("public static partial class L { [Conv(k: 3, stride: 2, PadsEnd = new[] { 1, 1 })] public static partial void E([Shape(1, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 3, 3)] Span<float> output); }", "H: (8 + 0 + 1 - 3)/2 + 1 = 4")]
    [InlineData("public static partial class L { [Conv(k: 3, pad: 3, PaddingMode = PaddingMode.Reflect)] public static partial void E([Shape(1, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 7)] Span<float> output); }", "The pad on axis L must be less than the input's size there, 3, for PaddingMode.Reflect (PyTorch's rule), but is 3")]
    [InlineData("public static partial class L { [Upsample(1e300)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output); }", "output along L, floor(2 * 1E+300), of 'Up' has 2E+300 elements")]
    public void Messages_name_the_rule(string declarations, string expected)
    {
        GeneratorRun run = GeneratorHarness.Run(Usings + declarations);
        string[] messages = run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.NotEmpty(messages);
        Assert.True(messages.Any(m => m.Contains(expected, StringComparison.Ordinal)), $"No message contains '{expected}':\n{string.Join("\n", messages)}");
    }

    [Fact]
    public void Shape_mismatch_message_shows_the_arithmetic()
    {
        GeneratorRun run = GeneratorHarness.Run(InClass(
            "[ConvTranspose(k: 4, stride: 2, pad: 1, OutputPadding = 1, Dilations = new[] { 1, 2 })] public static partial void Deconv([Shape(3, 16, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(2, 32, 16)] Span<float> output);"));
        string message = Assert.Single(run.GeneratorDiagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            "The output shape [2, 32, 16] of 'Deconv' does not match the computed shape [2, 33, 20]: H: (16 - 1)*2 - 2*1 + 4 + 1 = 33; W: (8 - 1)*2 - 2*1 + 2*(4 - 1) + 1 + 1 = 20",
            message);
    }

    /// <summary>The convolution's message shows its own arithmetic: the floor of the division is said, not hidden.</summary>
    [Fact]
    public void Conv_shape_mismatch_message_shows_the_arithmetic()
    {
        GeneratorRun run = GeneratorHarness.Run(InClass(
            "[Conv(k: 3, stride: 2, pad: 1, Dilations = new[] { 1, 2 })] public static partial void Encode([Shape(3, 28, 15)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 13, 8)] Span<float> output);"));
        string message = Assert.Single(run.GeneratorDiagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            "The output shape [8, 13, 8] of 'Encode' does not match the computed shape [8, 14, 7]: H: (28 + 2*1 - 3)/2 + 1 = 14 (the division rounds down); W: (15 + 2*1 - (2*(3 - 1) + 1))/2 + 1 = 7",
            message);
    }

    [Fact]
    public void A_valid_declaration_yields_no_diagnostic_at_all()
    {
        GeneratorRun run = GeneratorHarness.Run(InClass(
            "[ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1)] public static partial void Deconv(int batch, [Shape(2, 3, 3)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, [Shape(4, 6, 6)] Span<double> output);"));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics());
        Assert.Single(run.Sources);
    }

    /// <summary>Cut a declaration at every character: whatever is left, the generator reports or stays silent, and never throws.</summary>
    [Theory]
    [InlineData("[ConvTranspose(k: 3, stride: 2, pad: 0, OutputPadding = 0, Strides = new[] { 2, 2 })] public static partial void Deconv(int batch, [Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 5, 5)] Span<float> output);")]
    [InlineData("[Conv(k: 3, stride: 2, pad: 1, Dilation = 1, Groups = 1, Kernel = new[] { 3, 3 })] public static partial void Encode(int batch, [Shape(1, 5, 5)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 3, 3)] Span<float> output);")]
    public void The_generator_never_throws_on_a_truncated_declaration(string declaration)
    {
        string source = InClass(declaration);
        int start = source.IndexOf('[', StringComparison.Ordinal);
        for (int cut = start; cut <= source.Length; cut++)
        {
            GeneratorRun run = GeneratorHarness.Run(source[..cut]);
            Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "KG9999");
        }
    }

    internal static string RepositoryRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "KernelGen.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("KernelGen.sln not found above " + AppContext.BaseDirectory);
    }
}
