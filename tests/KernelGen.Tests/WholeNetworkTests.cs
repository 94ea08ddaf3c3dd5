using System.Text.Json;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// A whole network through generated kernels, written as a user would write it: a small ResNet in torchvision's layout
/// (Golden/make_resnet.py: stem, max pool, a basic block, a downsampling block, global average pooling, a fully connected
/// layer; batch norms folded with the generated {M}FoldBatchNorm), against PyTorch's output for the same input and
/// weights, batch 2, in default and checked access.
/// </summary>
public sealed class WholeNetworkTests
{
    private const string Model = """
        using System;
        using System.Collections.Generic;
        using KernelGen;

        public sealed partial class TinyResNet
        {
            [Conv(k: 7, stride: 2, pad: 3, Activation = Activation.Relu)]
            private static partial void Stem(int batch, [Shape(3, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 16, 16)] Span<float> output);

            [MaxPool(k: 3, stride: 2, pad: 1)]
            private static partial void Pool(int batch, [Shape(8, 16, 16)] ReadOnlySpan<float> input, [Shape(8, 8, 8)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
            private static partial void Block1Conv1(int batch, [Shape(8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 8, 8)] Span<float> output);

            [Conv(k: 3, pad: 1)]
            private static partial void Block1Conv2(int batch, [Shape(8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 8, 8)] Span<float> output);

            [Add(Activation = Activation.Relu)]
            private static partial void Block1Add(int batch, [Shape(8, 8, 8)] ReadOnlySpan<float> input, [Shape(8, 8, 8)] ReadOnlySpan<float> identity, [Shape(8, 8, 8)] Span<float> output);

            [Conv(k: 3, stride: 2, pad: 1, Activation = Activation.Relu)]
            private static partial void Block2Conv1(int batch, [Shape(8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 4, 4)] Span<float> output);

            [Conv(k: 3, pad: 1)]
            private static partial void Block2Conv2(int batch, [Shape(16, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 4, 4)] Span<float> output);

            [Conv(k: 1, stride: 2)]
            private static partial void Block2Down(int batch, [Shape(8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 4, 4)] Span<float> output);

            [Add(Activation = Activation.Relu)]
            private static partial void Block2Add(int batch, [Shape(16, 4, 4)] ReadOnlySpan<float> input, [Shape(16, 4, 4)] ReadOnlySpan<float> identity, [Shape(16, 4, 4)] Span<float> output);

            [AdaptiveAvgPool(1)]
            private static partial void Gap(int batch, [Shape(16, 4, 4)] ReadOnlySpan<float> input, [Shape(16, 1, 1)] Span<float> output);

            // nn.Linear(16, 10) as a 1x1 convolution from [16, 1] to [10, 1]; flatten is nothing in this layout.
            [Conv1x1]
            private static partial void Fc(int batch, [Shape(16, 1)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(10, 1)] Span<float> output);

            private readonly float[] _stemW, _stemB, _b1c1W, _b1c1B, _b1c2W, _b1c2B, _b2c1W, _b2c1B, _b2c2W, _b2c2B, _downW, _downB, _fcW, _fcB;

            /// <summary>The weights by PyTorch's state_dict names; every batch norm folded into the convolution before it.</summary>
            public TinyResNet(Func<string, float[]> parameter)
            {
                (float[] W, float[] B) Folded(string conv, string bn, int channels, Action<float[], float[], float[], float[], float[], float[]> fold)
                {
                    float[] w = parameter(conv + ".weight"), b = new float[channels];
                    fold(w, b, parameter(bn + ".weight"), parameter(bn + ".bias"), parameter(bn + ".running_mean"), parameter(bn + ".running_var"));
                    return (w, b);
                }

                (_stemW, _stemB) = Folded("conv1", "bn1", 8, (w, b, g, be, m, v) => StemFoldBatchNorm(w, b, g, be, m, v));
                (_b1c1W, _b1c1B) = Folded("layer1.conv1", "layer1.bn1", 8, (w, b, g, be, m, v) => Block1Conv1FoldBatchNorm(w, b, g, be, m, v));
                (_b1c2W, _b1c2B) = Folded("layer1.conv2", "layer1.bn2", 8, (w, b, g, be, m, v) => Block1Conv2FoldBatchNorm(w, b, g, be, m, v));
                (_b2c1W, _b2c1B) = Folded("layer2.conv1", "layer2.bn1", 16, (w, b, g, be, m, v) => Block2Conv1FoldBatchNorm(w, b, g, be, m, v));
                (_b2c2W, _b2c2B) = Folded("layer2.conv2", "layer2.bn2", 16, (w, b, g, be, m, v) => Block2Conv2FoldBatchNorm(w, b, g, be, m, v));
                (_downW, _downB) = Folded("layer2.downsample.0", "layer2.downsample.1", 16, (w, b, g, be, m, v) => Block2DownFoldBatchNorm(w, b, g, be, m, v));
                (_fcW, _fcB) = (parameter("fc.weight"), parameter("fc.bias"));
            }

            public void Run(int batch, float[] input, float[] output)
            {
                float[] stem = new float[batch * StemLengths.Output], pooled = new float[batch * PoolLengths.Output];
                float[] t1 = new float[batch * Block1Conv1Lengths.Output], u1 = new float[batch * Block1Conv2Lengths.Output], y1 = new float[batch * Block1AddLengths.Output];
                float[] t2 = new float[batch * Block2Conv1Lengths.Output], u2 = new float[batch * Block2Conv2Lengths.Output], d2 = new float[batch * Block2DownLengths.Output];
                float[] g = new float[batch * GapLengths.Output];
                Stem(batch, input, _stemW, _stemB, stem);
                Pool(batch, stem, pooled);
                Block1Conv1(batch, pooled, _b1c1W, _b1c1B, t1);
                Block1Conv2(batch, t1, _b1c2W, _b1c2B, u1);
                Block1Add(batch, u1, pooled, y1);
                Block2Conv1(batch, y1, _b2c1W, _b2c1B, t2);
                Block2Conv2(batch, t2, _b2c2W, _b2c2B, u2);
                Block2Down(batch, y1, _downW, _downB, d2);
                // In place: the sum goes into the convolution's output, as torchvision's out += identity does.
                Block2Add(batch, u2, d2, u2);
                Gap(batch, u2, g);
                Fc(batch, g, _fcW, _fcB, output);
            }
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_small_ResNet_matches_PyTorch(bool checkedAccess)
    {
        using JsonDocument golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "resnet.json")));
        float[] Values(JsonElement element) => element.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        JsonElement parameters = golden.RootElement.GetProperty("parameters");
        Func<string, float[]> parameter = name => Values(parameters.GetProperty(name));
        float[] input = Values(golden.RootElement.GetProperty("input")), expected = Values(golden.RootElement.GetProperty("output"));

        Type type = GeneratorHarness.CompileAndLoad(out _, checkedAccess, Model).GetType("TinyResNet")!;
        object model = Activator.CreateInstance(type, parameter)!;
        var output = new float[expected.Length];
        type.GetMethod("Run")!.Invoke(model, [2, input, output]);

        // Float throughout, summed in other orders than PyTorch's: within a few float roundings of the logits' scale.
        double scale = expected.Max(v => Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(output[i] - expected[i]) <= 2e-5 * scale, $"logit {i}: {output[i]:R}, PyTorch {expected[i]:R}");
        }
    }
}
