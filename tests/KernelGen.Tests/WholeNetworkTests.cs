using System.Text.Json;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// Whole networks through generated kernels, written as a user would write them: a small ResNet in torchvision's layout
/// (Golden/make_resnet.py: stem, max pool, a basic block, a downsampling block, global average pooling, a fully connected
/// layer), a small MobileNetV2 (Golden/make_mobilenet.py: depthwise convolutions, ReLU6, inverted residuals), a small
/// U-Net (Golden/make_unet.py: max pool, transposed convolution, the skip concatenated), batch norms folded with the
/// generated {M}FoldBatchNorm; a small fast-neural-style TransformerNet (Golden/make_fast_neural_style.py: reflection
/// padding, instance norms, a residual block, upsampling) and a small HiFi-GAN generator (Golden/make_hifigan.py:
/// transposed 1-D convolutions, LeakyReLU alone and fused, dilated resblocks, their mean, tanh) and a small FSRCNN
/// (Golden/make_fsrcnn.py: PReLU per channel and shared, a 9x9 transposed convolution); each against PyTorch's
/// output for the same input and weights, batch 2, in default and checked access. ResNet's and MobileNetV2's residuals
/// are one [Add] and one [Residual] fused into the convolution before it, each.
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

            // The second block's sum fused into its last convolution: relu(conv(t) + bias + identity), where the first block's is an [Add].
            [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
            private static partial void Block2Conv2(int batch, [Shape(16, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Residual] ReadOnlySpan<float> identity, [Shape(16, 4, 4)] Span<float> output);

            [Conv(k: 1, stride: 2)]
            private static partial void Block2Down(int batch, [Shape(8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 4, 4)] Span<float> output);

            [AdaptiveAvgPool(1)]
            private static partial void Gap(int batch, [Shape(16, 4, 4)] ReadOnlySpan<float> input, [Shape(16, 1, 1)] Span<float> output);

            // nn.Linear(16, 10), the batch's rows one matrix product; flatten is nothing in this layout.
            [Linear]
            private static partial void Fc(int batch, [Shape(16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(10)] Span<float> output);

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
                Block2Down(batch, y1, _downW, _downB, d2);
                Block2Conv2(batch, t2, _b2c2W, _b2c2B, d2, u2);
                Gap(batch, u2, g);
                Fc(batch, g, _fcW, _fcB, output);
            }
        }
        """;

    /// <summary>MobileNetV2's layers: depthwise convolutions (groups = channels), ReLU6, linear projections, residuals without activation.</summary>
    private const string MobileNet = """
        using System;
        using KernelGen;

        public sealed partial class TinyMobileNetV2
        {
            [Conv(k: 3, stride: 2, pad: 1, Activation = Activation.Relu6)]
            private static partial void Stem(int batch, [Shape(3, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 16, 16)] Span<float> output);

            [Conv(k: 3, pad: 1, Groups = 8, Activation = Activation.Relu6)]
            private static partial void B1Depthwise(int batch, [Shape(8, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 16, 16)] Span<float> output);

            [Conv1x1]
            private static partial void B1Project(int batch, [Shape(8, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 16, 16)] Span<float> output);

            [Add]
            private static partial void B1Residual(int batch, [Shape(8, 16, 16)] ReadOnlySpan<float> input, [Shape(8, 16, 16)] ReadOnlySpan<float> block, [Shape(8, 16, 16)] Span<float> output);

            [Conv1x1(Activation = Activation.Relu6)]
            private static partial void B2Expand(int batch, [Shape(8, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 16, 16)] Span<float> output);

            [Conv(k: 3, stride: 2, pad: 1, Groups = 32, Activation = Activation.Relu6)]
            private static partial void B2Depthwise(int batch, [Shape(32, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 8, 8)] Span<float> output);

            [Conv1x1]
            private static partial void B2Project(int batch, [Shape(32, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 8, 8)] Span<float> output);

            [Conv1x1(Activation = Activation.Relu6)]
            private static partial void B3Expand(int batch, [Shape(16, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 8, 8)] Span<float> output);

            [Conv(k: 3, pad: 1, Groups = 64, Activation = Activation.Relu6)]
            private static partial void B3Depthwise(int batch, [Shape(64, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 8, 8)] Span<float> output);

            // The third block's residual fused into its projection (x + conv(x)), where the first block's is an [Add].
            [Conv1x1]
            private static partial void B3Project(int batch, [Shape(64, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Residual] ReadOnlySpan<float> block, [Shape(16, 8, 8)] Span<float> output);

            [Conv1x1(Activation = Activation.Relu6)]
            private static partial void Head(int batch, [Shape(16, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 8, 8)] Span<float> output);

            [AdaptiveAvgPool(1)]
            private static partial void Gap(int batch, [Shape(32, 8, 8)] ReadOnlySpan<float> input, [Shape(32, 1, 1)] Span<float> output);

            // nn.Linear(32, 10) as a 1x1 convolution from [32, 1] to [10, 1], as it was written before [Linear] (ResNet's head is a [Linear]).
            [Conv1x1]
            private static partial void Classifier(int batch, [Shape(32, 1)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(10, 1)] Span<float> output);

            private delegate void Fold(Span<float> weight, Span<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, double eps);

            private readonly Func<string, float[]> _parameter;
            private readonly (float[] W, float[] B) _stem, _b1d, _b1p, _b2e, _b2d, _b2p, _b3e, _b3d, _b3p, _head;

            public TinyMobileNetV2(Func<string, float[]> parameter)
            {
                _parameter = parameter;
                _stem = Folded("features.0", 8, StemFoldBatchNorm);
                _b1d = Folded("features.1.conv.0", 8, B1DepthwiseFoldBatchNorm);
                _b1p = Folded("features.1.conv.1", 8, B1ProjectFoldBatchNorm);
                _b2e = Folded("features.2.conv.0", 32, B2ExpandFoldBatchNorm);
                _b2d = Folded("features.2.conv.1", 32, B2DepthwiseFoldBatchNorm);
                _b2p = Folded("features.2.conv.2", 16, B2ProjectFoldBatchNorm);
                _b3e = Folded("features.3.conv.0", 64, B3ExpandFoldBatchNorm);
                _b3d = Folded("features.3.conv.1", 64, B3DepthwiseFoldBatchNorm);
                _b3p = Folded("features.3.conv.2", 16, B3ProjectFoldBatchNorm);
                _head = Folded("features.4", 32, HeadFoldBatchNorm);
            }

            /// <summary>torchvision's Conv2d + BatchNorm2d pair at <paramref name="prefix"/> (".0" and ".1"), the norm folded into a zero bias.</summary>
            private (float[] W, float[] B) Folded(string prefix, int channels, Fold fold)
            {
                float[] w = _parameter(prefix + ".0.weight"), b = new float[channels];
                fold(w, b, _parameter(prefix + ".1.weight"), _parameter(prefix + ".1.bias"), _parameter(prefix + ".1.running_mean"), _parameter(prefix + ".1.running_var"), 1e-5);
                return (w, b);
            }

            public void Run(int batch, float[] input, float[] output)
            {
                float[] x0 = new float[batch * StemLengths.Output], t0 = new float[batch * B1DepthwiseLengths.Output], p0 = new float[batch * B1ProjectLengths.Output];
                float[] e1 = new float[batch * B2ExpandLengths.Output], d1 = new float[batch * B2DepthwiseLengths.Output], x2 = new float[batch * B2ProjectLengths.Output];
                float[] e2 = new float[batch * B3ExpandLengths.Output], d2 = new float[batch * B3DepthwiseLengths.Output], p2 = new float[batch * B3ProjectLengths.Output];
                float[] h = new float[batch * HeadLengths.Output], g = new float[batch * GapLengths.Output];
                Stem(batch, input, _stem.W, _stem.B, x0);
                B1Depthwise(batch, x0, _b1d.W, _b1d.B, t0);
                B1Project(batch, t0, _b1p.W, _b1p.B, p0);
                B1Residual(batch, x0, p0, x0);            // x + conv(x), into x
                B2Expand(batch, x0, _b2e.W, _b2e.B, e1);
                B2Depthwise(batch, e1, _b2d.W, _b2d.B, d1);
                B2Project(batch, d1, _b2p.W, _b2p.B, x2);
                B3Expand(batch, x2, _b3e.W, _b3e.B, e2);
                B3Depthwise(batch, e2, _b3d.W, _b3d.B, d2);
                B3Project(batch, d2, _b3p.W, _b3p.B, x2, p2);   // x + conv(x)
                Head(batch, p2, _head.W, _head.B, h);
                Gap(batch, h, g);
                Classifier(batch, g, _parameter("classifier.1.weight"), _parameter("classifier.1.bias"), output);
            }
        }
        """;

    /// <summary>
    /// fast-neural-style's TransformerNet: reflection-padded convolutions, instance norms with ReLU, a residual block,
    /// nearest upsampling before a convolution. The instance norms read their weight and bias by name, unfolded.
    /// </summary>
    private const string FastNeuralStyle = """
        using System;
        using KernelGen;

        public sealed partial class TinyTransformerNet
        {
            [Conv(k: 9, pad: 4, PaddingMode = PaddingMode.Reflect)]
            private static partial void Conv1(int batch, [Shape(3, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [InstanceNorm(Activation = Activation.Relu)]
            private static partial void In1(int batch, [Shape(8, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [Conv(k: 3, stride: 2, pad: 1, PaddingMode = PaddingMode.Reflect)]
            private static partial void Conv2(int batch, [Shape(8, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 16, 16)] Span<float> output);

            [InstanceNorm(Activation = Activation.Relu)]
            private static partial void In2(int batch, [Shape(16, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 16, 16)] Span<float> output);

            [Conv(k: 3, stride: 2, pad: 1, PaddingMode = PaddingMode.Reflect)]
            private static partial void Conv3(int batch, [Shape(16, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 8, 8)] Span<float> output);

            [InstanceNorm(Activation = Activation.Relu)]
            private static partial void In3(int batch, [Shape(32, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 8, 8)] Span<float> output);

            [Conv(k: 3, pad: 1, PaddingMode = PaddingMode.Reflect)]
            private static partial void ResConv(int batch, [Shape(32, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 8, 8)] Span<float> output);

            [InstanceNorm(Activation = Activation.Relu)]
            private static partial void ResIn1(int batch, [Shape(32, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 8, 8)] Span<float> output);

            [InstanceNorm]
            private static partial void ResIn2(int batch, [Shape(32, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 8, 8)] Span<float> output);

            [Add]
            private static partial void ResAdd(int batch, [Shape(32, 8, 8)] ReadOnlySpan<float> input, [Shape(32, 8, 8)] ReadOnlySpan<float> block, [Shape(32, 8, 8)] Span<float> output);

            [Upsample(2)]
            private static partial void Up1(int batch, [Shape(32, 8, 8)] ReadOnlySpan<float> input, [Shape(32, 16, 16)] Span<float> output);

            [Conv(k: 3, pad: 1, PaddingMode = PaddingMode.Reflect)]
            private static partial void UpConv1(int batch, [Shape(32, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 16, 16)] Span<float> output);

            [InstanceNorm(Activation = Activation.Relu)]
            private static partial void In4(int batch, [Shape(16, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 16, 16)] Span<float> output);

            [Upsample(2)]
            private static partial void Up2(int batch, [Shape(16, 16, 16)] ReadOnlySpan<float> input, [Shape(16, 32, 32)] Span<float> output);

            [Conv(k: 3, pad: 1, PaddingMode = PaddingMode.Reflect)]
            private static partial void UpConv2(int batch, [Shape(16, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [InstanceNorm(Activation = Activation.Relu)]
            private static partial void In5(int batch, [Shape(8, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [Conv(k: 9, pad: 4, PaddingMode = PaddingMode.Reflect)]
            private static partial void Conv4(int batch, [Shape(8, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(3, 32, 32)] Span<float> output);

            private readonly Func<string, float[]> _p;

            public TinyTransformerNet(Func<string, float[]> parameter) => _p = parameter;

            public void Run(int batch, float[] input, float[] output)
            {
                float[] a = new float[batch * Conv1Lengths.Output], b = new float[batch * Conv2Lengths.Output], c = new float[batch * Conv3Lengths.Output];
                float[] r = new float[batch * ResConvLengths.Output], u1 = new float[batch * Up1Lengths.Output], d1 = new float[batch * UpConv1Lengths.Output];
                float[] u2 = new float[batch * Up2Lengths.Output], d2 = new float[batch * UpConv2Lengths.Output];
                Conv1(batch, input, _p("conv1.conv2d.weight"), _p("conv1.conv2d.bias"), a);
                In1(batch, a, _p("in1.weight"), _p("in1.bias"), a);                      // in place
                Conv2(batch, a, _p("conv2.conv2d.weight"), _p("conv2.conv2d.bias"), b);
                In2(batch, b, _p("in2.weight"), _p("in2.bias"), b);
                Conv3(batch, b, _p("conv3.conv2d.weight"), _p("conv3.conv2d.bias"), c);
                In3(batch, c, _p("in3.weight"), _p("in3.bias"), c);
                ResConv(batch, c, _p("res1.conv1.conv2d.weight"), _p("res1.conv1.conv2d.bias"), r);
                ResIn1(batch, r, _p("res1.in1.weight"), _p("res1.in1.bias"), r);
                float[] s = new float[r.Length];
                ResConv(batch, r, _p("res1.conv2.conv2d.weight"), _p("res1.conv2.conv2d.bias"), s);
                ResIn2(batch, s, _p("res1.in2.weight"), _p("res1.in2.bias"), s);
                ResAdd(batch, c, s, c);                                                     // x + block(x), into x
                Up1(batch, c, u1);
                UpConv1(batch, u1, _p("deconv1.conv2d.weight"), _p("deconv1.conv2d.bias"), d1);
                In4(batch, d1, _p("in4.weight"), _p("in4.bias"), d1);
                Up2(batch, d1, u2);
                UpConv2(batch, u2, _p("deconv2.conv2d.weight"), _p("deconv2.conv2d.bias"), d2);
                In5(batch, d2, _p("in5.weight"), _p("in5.bias"), d2);
                Conv4(batch, d2, _p("deconv3.conv2d.weight"), _p("deconv3.conv2d.bias"), output);
            }
        }
        """;

    /// <summary>
    /// HiFi-GAN's generator: transposed 1-D convolutions, LeakyReLU(0.1) on its own where its input also feeds the
    /// residual ([Activate]) and fused elsewhere (into the dilated convolutions, the stage's mean, conv_pre), residual
    /// additions in place, the mean of the resblocks as [Add] then [Affine(Scale = 0.5)], tanh fused into conv_post.
    /// </summary>
    private const string HifiGan = """
        using System;
        using KernelGen;

        public sealed partial class TinyGenerator
        {
            // conv_pre, then the LeakyReLU before ups[0]: nothing else reads conv_pre's output.
            [Conv(k: 7, pad: 3, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void ConvPre(int batch, [Shape(8, 10)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 10)] Span<float> output);

            [ConvTranspose(k: 8, stride: 4, pad: 2)]
            private static partial void Up1(int batch, [Shape(16, 10)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 40)] Span<float> output);

            [ConvTranspose(k: 4, stride: 2, pad: 1)]
            private static partial void Up2(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 80)] Span<float> output);

            [Activate(Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void Leak1(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, [Shape(8, 40)] Span<float> output);

            [Activate(Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void Leak2(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, [Shape(4, 80)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void S1K3D1(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 40)] Span<float> output);

            [Conv(k: 3, pad: 3, Dilation = 3, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void S1K3D3(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 40)] Span<float> output);

            [Conv(k: 3, pad: 1)]
            private static partial void S1K3(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 40)] Span<float> output);

            [Conv(k: 5, pad: 2, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void S1K5D1(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 40)] Span<float> output);

            [Conv(k: 5, pad: 6, Dilation = 3, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void S1K5D3(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 40)] Span<float> output);

            [Conv(k: 5, pad: 2)]
            private static partial void S1K5(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 40)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void S2K3D1(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 80)] Span<float> output);

            [Conv(k: 3, pad: 3, Dilation = 3, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void S2K3D3(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 80)] Span<float> output);

            [Conv(k: 3, pad: 1)]
            private static partial void S2K3(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 80)] Span<float> output);

            [Conv(k: 5, pad: 2, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void S2K5D1(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 80)] Span<float> output);

            [Conv(k: 5, pad: 6, Dilation = 3, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void S2K5D3(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 80)] Span<float> output);

            [Conv(k: 5, pad: 2)]
            private static partial void S2K5(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 80)] Span<float> output);

            [Add]
            private static partial void Add1(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, [Shape(8, 40)] ReadOnlySpan<float> other, [Shape(8, 40)] Span<float> output);

            [Add]
            private static partial void Add2(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, [Shape(4, 80)] ReadOnlySpan<float> other, [Shape(4, 80)] Span<float> output);

            // The mean of the stage's two resblocks, then the LeakyReLU before ups[1].
            [Affine(Scale = 0.5, Activation = Activation.LeakyRelu, NegativeSlope = 0.1)]
            private static partial void Mean1(int batch, [Shape(8, 40)] ReadOnlySpan<float> input, [Shape(8, 40)] Span<float> output);

            // The last stage's mean, then F.leaky_relu with PyTorch's default slope before conv_post.
            [Affine(Scale = 0.5, Activation = Activation.LeakyRelu)]
            private static partial void Mean2(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, [Shape(4, 80)] Span<float> output);

            [Conv(k: 7, pad: 3, Activation = Activation.Tanh)]
            private static partial void ConvPost(int batch, [Shape(4, 80)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 80)] Span<float> output);

            private delegate void Layer(int batch, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output);

            private delegate void Pointwise(int batch, ReadOnlySpan<float> input, Span<float> output);

            private delegate void Sum(int batch, ReadOnlySpan<float> input, ReadOnlySpan<float> other, Span<float> output);

            private readonly Func<string, float[]> _p;

            public TinyGenerator(Func<string, float[]> parameter) => _p = parameter;

            /// <summary>ResBlock1 number <paramref name="index"/> on a copy of x: per dilation, x += conv2(leaky(conv1_d(leaky(x)))).</summary>
            private float[] ResBlock(int batch, float[] x, int index, Layer[] convs1, Layer convs2, Pointwise leak, Sum add)
            {
                float[] y = (float[])x.Clone(), t = new float[x.Length], u = new float[x.Length];
                for (int j = 0; j < convs1.Length; j++)
                {
                    string name = $"resblocks.{index}.";
                    leak(batch, y, t);
                    convs1[j](batch, t, _p(name + $"convs1.{j}.weight"), _p(name + $"convs1.{j}.bias"), u);
                    convs2(batch, u, _p(name + $"convs2.{j}.weight"), _p(name + $"convs2.{j}.bias"), t);
                    add(batch, y, t, y);
                }

                return y;
            }

            public void Run(int batch, float[] input, float[] output)
            {
                float[] pre = new float[batch * ConvPreLengths.Output], x1 = new float[batch * Up1Lengths.Output], x2 = new float[batch * Up2Lengths.Output];
                ConvPre(batch, input, _p("conv_pre.weight"), _p("conv_pre.bias"), pre);
                Up1(batch, pre, _p("ups.0.weight"), _p("ups.0.bias"), x1);
                float[] a = ResBlock(batch, x1, 0, [S1K3D1, S1K3D3], S1K3, Leak1, Add1), b = ResBlock(batch, x1, 1, [S1K5D1, S1K5D3], S1K5, Leak1, Add1);
                Add1(batch, a, b, a);
                Mean1(batch, a, a);
                Up2(batch, a, _p("ups.1.weight"), _p("ups.1.bias"), x2);
                float[] c = ResBlock(batch, x2, 2, [S2K3D1, S2K3D3], S2K3, Leak2, Add2), d = ResBlock(batch, x2, 3, [S2K5D1, S2K5D3], S2K5, Leak2, Add2);
                Add2(batch, c, d, c);
                Mean2(batch, c, c);
                ConvPost(batch, c, _p("conv_post.weight"), _p("conv_post.bias"), output);
            }
        }
        """;

    /// <summary>
    /// U-Net: double convolutions with folded batch norms, a max pool, a stride-2 transposed convolution, and the skip
    /// connection's concatenation, which is no kernel in this layout: per sample, the skip's layer writes the first
    /// channels of the concatenated buffer and the upsampling the rest.
    /// </summary>
    private const string UNet = """
        using System;
        using KernelGen;

        public sealed partial class TinyUNet
        {
            [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
            private static partial void Inc1(int batch, [Shape(3, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
            private static partial void Inc2(int batch, [Shape(8, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [MaxPool(2)]
            private static partial void Pool(int batch, [Shape(8, 32, 32)] ReadOnlySpan<float> input, [Shape(8, 16, 16)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
            private static partial void Down1(int batch, [Shape(8, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 16, 16)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
            private static partial void Down2(int batch, [Shape(16, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 16, 16)] Span<float> output);

            [ConvTranspose(k: 2, stride: 2)]
            private static partial void Up(int batch, [Shape(16, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
            private static partial void Conv1(int batch, [Shape(16, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
            private static partial void Conv2(int batch, [Shape(8, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 32, 32)] Span<float> output);

            [Conv1x1]
            private static partial void Out(int batch, [Shape(8, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(2, 32, 32)] Span<float> output);

            private delegate void Fold(Span<float> weight, Span<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, double eps);

            private readonly Func<string, float[]> _p;
            private readonly (float[] W, float[] B) _inc1, _inc2, _down1, _down2, _conv1, _conv2;

            public TinyUNet(Func<string, float[]> parameter)
            {
                _p = parameter;
                _inc1 = Folded("inc.0", "inc.1", 8, Inc1FoldBatchNorm);
                _inc2 = Folded("inc.3", "inc.4", 8, Inc2FoldBatchNorm);
                _down1 = Folded("down.0", "down.1", 16, Down1FoldBatchNorm);
                _down2 = Folded("down.3", "down.4", 16, Down2FoldBatchNorm);
                _conv1 = Folded("conv.0", "conv.1", 8, Conv1FoldBatchNorm);
                _conv2 = Folded("conv.3", "conv.4", 8, Conv2FoldBatchNorm);
            }

            private (float[] W, float[] B) Folded(string conv, string norm, int channels, Fold fold)
            {
                float[] w = _p(conv + ".weight"), b = new float[channels];
                fold(w, b, _p(norm + ".weight"), _p(norm + ".bias"), _p(norm + ".running_mean"), _p(norm + ".running_var"), 1e-5);
                return (w, b);
            }

            public void Run(int batch, float[] input, float[] output)
            {
                float[] a = new float[Inc1Lengths.Output], pooled = new float[PoolLengths.Output], d = new float[Down1Lengths.Output], e = new float[Down2Lengths.Output];
                float[] cat = new float[Conv1Lengths.Input], c = new float[Conv1Lengths.Output], f = new float[Conv2Lengths.Output];
                for (int n = 0; n < batch; n++)
                {
                    Inc1(1, input.AsSpan(n * Inc1Lengths.Input, Inc1Lengths.Input), _inc1.W, _inc1.B, a);
                    // torch.cat([skip, up], 1): the skip into the first 8 channels, the upsampled map into the last 8.
                    Span<float> skip = cat.AsSpan(0, Inc2Lengths.Output), up = cat.AsSpan(Inc2Lengths.Output, UpLengths.Output);
                    Inc2(1, a, _inc2.W, _inc2.B, skip);
                    Pool(1, skip, pooled);
                    Down1(1, pooled, _down1.W, _down1.B, d);
                    Down2(1, d, _down2.W, _down2.B, e);
                    Up(1, e, _p("up.weight"), _p("up.bias"), up);
                    Conv1(1, cat, _conv1.W, _conv1.B, c);
                    Conv2(1, c, _conv2.W, _conv2.B, f);
                    Out(1, f, _p("outc.weight"), _p("outc.bias"), output.AsSpan(n * OutLengths.Output, OutLengths.Output));
                }
            }
        }
        """;

    /// <summary>FSRCNN: PReLU after every convolution (per channel, and one slope for all), a 9x9 stride-2 transposed convolution.</summary>
    private const string Fsrcnn = """
        using System;
        using KernelGen;

        public sealed partial class TinyFsrcnn
        {
            [Conv(k: 5, pad: 2, Activation = Activation.PRelu)]
            private static partial void Feature(int batch, [Shape(1, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> slope, [Shape(12, 16, 16)] Span<float> output);

            [Conv1x1(Activation = Activation.PRelu)]
            private static partial void Shrink(int batch, [Shape(12, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> slope, [Shape(4, 16, 16)] Span<float> output);

            [Conv(k: 3, pad: 1, Activation = Activation.PRelu)]
            private static partial void Map1(int batch, [Shape(4, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> slope, [Shape(4, 16, 16)] Span<float> output);

            // nn.PReLU(): one slope for all channels.
            [Conv(k: 3, pad: 1, Activation = Activation.PRelu)]
            private static partial void Map2(int batch, [Shape(4, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1)] ReadOnlySpan<float> slope, [Shape(4, 16, 16)] Span<float> output);

            [Conv1x1(Activation = Activation.PRelu)]
            private static partial void Expand(int batch, [Shape(4, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> slope, [Shape(12, 16, 16)] Span<float> output);

            [ConvTranspose(k: 9, stride: 2, pad: 4, OutputPadding = 1)]
            private static partial void Deconv(int batch, [Shape(12, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 32, 32)] Span<float> output);

            private readonly Func<string, float[]> _p;

            public TinyFsrcnn(Func<string, float[]> parameter) => _p = parameter;

            public void Run(int batch, float[] input, float[] output)
            {
                float[] f = new float[batch * FeatureLengths.Output], s = new float[batch * ShrinkLengths.Output], m = new float[batch * Map1Lengths.Output];
                float[] n = new float[batch * Map2Lengths.Output], e = new float[batch * ExpandLengths.Output];
                Feature(batch, input, _p("feature.0.weight"), _p("feature.0.bias"), _p("feature.1.weight"), f);
                Shrink(batch, f, _p("shrink.0.weight"), _p("shrink.0.bias"), _p("shrink.1.weight"), s);
                Map1(batch, s, _p("map.0.weight"), _p("map.0.bias"), _p("map.1.weight"), m);
                Map2(batch, m, _p("map.2.weight"), _p("map.2.bias"), _p("map.3.weight"), n);
                Expand(batch, n, _p("expand.0.weight"), _p("expand.0.bias"), _p("expand.1.weight"), e);
                Deconv(batch, e, _p("deconv.weight"), _p("deconv.bias"), output);
            }
        }
        """;

    [Theory]
    [InlineData("resnet.json", "TinyResNet", false)]
    [InlineData("resnet.json", "TinyResNet", true)]
    [InlineData("mobilenet.json", "TinyMobileNetV2", false)]
    [InlineData("mobilenet.json", "TinyMobileNetV2", true)]
    [InlineData("fast_neural_style.json", "TinyTransformerNet", false)]
    [InlineData("fast_neural_style.json", "TinyTransformerNet", true)]
    [InlineData("hifigan.json", "TinyGenerator", false)]
    [InlineData("hifigan.json", "TinyGenerator", true)]
    [InlineData("unet.json", "TinyUNet", false)]
    [InlineData("unet.json", "TinyUNet", true)]
    [InlineData("fsrcnn.json", "TinyFsrcnn", false)]
    [InlineData("fsrcnn.json", "TinyFsrcnn", true)]
    public void A_small_network_matches_PyTorch(string file, string network, bool checkedAccess)
    {
        using JsonDocument golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", file)));
        float[] Values(JsonElement element) => element.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        JsonElement parameters = golden.RootElement.GetProperty("parameters");
        Func<string, float[]> parameter = name => Values(parameters.GetProperty(name));
        float[] input = Values(golden.RootElement.GetProperty("input")), expected = Values(golden.RootElement.GetProperty("output"));

        Type type = GeneratorHarness.CompileAndLoad(out _, checkedAccess, network switch { "TinyResNet" => Model, "TinyMobileNetV2" => MobileNet, "TinyGenerator" => HifiGan, "TinyUNet" => UNet, "TinyFsrcnn" => Fsrcnn, _ => FastNeuralStyle }).GetType(network)!;
        object model = Activator.CreateInstance(type, parameter)!;
        var output = new float[expected.Length];
        type.GetMethod("Run")!.Invoke(model, [2, input, output]);

        // Float throughout, summed in other orders than PyTorch's: within a few float roundings of the outputs' scale.
        double scale = expected.Max(v => Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(output[i] - expected[i]) <= 2e-5 * scale, $"{network}, output {i}: {output[i]:R}, PyTorch {expected[i]:R}");
        }
    }
}
