using BenchmarkDotNet.Attributes;

namespace KernelGen.Benchmarks;

/// <summary>
/// One workload: the generated kernel against the plain loop. The setup runs both once and refuses to time
/// kernels whose outputs differ.
/// </summary>
public abstract class Workload
{
    private float[] _generated = [], _plain = [];

    protected float[] Input { get; private set; } = [];

    protected float[] Weight { get; private set; } = [];

    protected float[] Bias { get; private set; } = [];

    /// <summary>Multiply-adds per call, for GFLOP/s (2 FLOP each); 0 for copies and interpolation.</summary>
    public abstract long MultiplyAdds { get; }

    protected abstract (int Input, int Weight, int Bias, int Output) Lengths { get; }

    protected abstract void Generated(float[] output);

    protected abstract void Plain(float[] output);

    [GlobalSetup]
    public void Setup()
    {
        Prepare();
        Verify();
    }

    /// <summary>Fills the buffers with fixed random values; runs nothing.</summary>
    public void Prepare()
    {
        var rng = new Random(42);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        (int input, int weight, int bias, int output) = Lengths;
        Input = Values(input);
        Weight = Values(weight);
        Bias = Values(bias);
        _generated = new float[output];
        _plain = new float[output];
    }

    /// <summary>Runs both implementations and throws when they disagree beyond float rounding.</summary>
    public void Verify()
    {
        Generated(_generated);
        Plain(_plain);
        double scale = Math.Max(1, _plain.Max(Math.Abs));
        for (int i = 0; i < _plain.Length; i++)
        {
            if (Math.Abs(_generated[i] - _plain[i]) > 1e-4 * scale)
            {
                throw new InvalidOperationException($"{GetType().Name}: output[{i}] is {_generated[i]} generated, {_plain[i]} by the plain loop");
            }
        }
    }

    /// <summary>One call of the generated kernel, for measuring the first call (JIT included) against the next.</summary>
    public void RunGenerated() => Generated(_generated);

    [Benchmark(Baseline = true)]
    public void PlainLoop() => Plain(_plain);

    [Benchmark]
    public void KernelGen() => Generated(_generated);
}

public class SeedConvTranspose : Workload
{
    public override long MultiplyAdds => 36;
    protected override (int, int, int, int) Lengths => (4, 9, 0, 25);
    protected override void Generated(float[] output) => Layers.Seed(Input, Weight, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose2d(Input, Weight, default, output, 1, 1, 2, 2, 3, 2, 0, 0, 1);
}

public class SeedUpsample : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (4, 0, 0, 16);
    protected override void Generated(float[] output) => Layers.SeedUp(Input, output);
    protected override void Plain(float[] output) => PlainLoops.UpsampleNearest2d(Input, output, 1, 2, 2, 2);
}

public class Dcgan : Workload
{
    public override long MultiplyAdds => 128L * 64 * 16 * 16 * 16;
    protected override (int, int, int, int) Lengths => (128 * 16 * 16, 128 * 64 * 16, 64, 64 * 32 * 32);
    protected override void Generated(float[] output) => Layers.Dcgan(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose2d(Input, Weight, Bias, output, 128, 64, 16, 16, 4, 2, 1, 0, 1);
}

public class Vocoder8x : Workload
{
    public override long MultiplyAdds => 512L * 256 * 32 * 16;
    protected override (int, int, int, int) Lengths => (512 * 32, 512 * 256 * 16, 256, 256 * 256);
    protected override void Generated(float[] output) => Layers.Vocoder8x(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose1d(Input, Weight, Bias, output, 512, 256, 32, 16, 8, 4);
}

public class Vocoder2x : Workload
{
    public override long MultiplyAdds => 128L * 64 * 2048 * 4;
    protected override (int, int, int, int) Lengths => (128 * 2048, 128 * 64 * 4, 64, 64 * 4096);
    protected override void Generated(float[] output) => Layers.Vocoder2x(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose1d(Input, Weight, Bias, output, 128, 64, 2048, 4, 2, 1);
}

public class SequenceProjection : Workload
{
    public override long MultiplyAdds => 256L * 256 * 200;
    protected override (int, int, int, int) Lengths => (256 * 200, 256 * 256, 256, 256 * 200);
    protected override void Generated(float[] output) => Layers.SequenceProjection(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv1x1(Input, Weight, Bias, output, 256, 256, 200);
}

/// <summary>SequenceProjection with the input added back (a residual without an activation): the pass's cost beside it.</summary>
public class SequenceProjectionResidual : Workload
{
    public override long MultiplyAdds => 256L * 256 * 200;
    protected override (int, int, int, int) Lengths => (256 * 200, 256 * 256, 256, 256 * 200);
    protected override void Generated(float[] output) => Layers.SequenceProjectionResidual(Input, Weight, Bias, Input, output);
    protected override void Plain(float[] output)
    {
        PlainLoops.Conv1x1(Input, Weight, Bias, output, 256, 256, 200);
        for (int i = 0; i < output.Length; i++)
        {
            output[i] += Input[i];
        }
    }
}

public class Dilated : Workload
{
    public override long MultiplyAdds => 64L * 32 * 9 * 32 * 32;
    protected override (int, int, int, int) Lengths => (64 * 32 * 32, 64 * 32 * 9, 32, 32 * 64 * 64);
    protected override void Generated(float[] output) => Layers.Dilated(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose2d(Input, Weight, Bias, output, 64, 32, 32, 32, 3, 2, 2, 1, 1, dilation: 2);
}

public class UNet3d : Workload
{
    public override long MultiplyAdds => 64L * 32 * 4096 * 8;
    protected override (int, int, int, int) Lengths => (64 * 4096, 64 * 32 * 8, 32, 32 * 32768);
    protected override void Generated(float[] output) => Layers.UNet3d(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose3d(Input, Weight, Bias, output, 64, 32, 16, 2, 2, 0);
}

public class Gan3d : Workload
{
    public override long MultiplyAdds => 64L * 32 * 512 * 64;
    protected override (int, int, int, int) Lengths => (64 * 512, 64 * 32 * 64, 32, 32 * 4096);
    protected override void Generated(float[] output) => Layers.Gan3d(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose3d(Input, Weight, Bias, output, 64, 32, 8, 4, 2, 1);
}

public class UNet : Workload
{
    public override long MultiplyAdds => 64L * 32 * 32 * 32 * 4;
    protected override (int, int, int, int) Lengths => (64 * 32 * 32, 64 * 32 * 4, 32, 32 * 64 * 64);
    protected override void Generated(float[] output) => Layers.UNet(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose2d(Input, Weight, Bias, output, 64, 32, 32, 32, 2, 2, 0, 0, 1);
}

public class Autoencoder1 : Workload
{
    public override long MultiplyAdds => 32L * 16 * 14 * 14 * 9 / 4;
    protected override (int, int, int, int) Lengths => (32 * 49, 32 * 16 * 9, 16, 16 * 196);
    protected override void Generated(float[] output) => Layers.Autoencoder1(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose2d(Input, Weight, Bias, output, 32, 16, 7, 7, 3, 2, 1, 1, 1);
}

public class Autoencoder2 : Workload
{
    public override long MultiplyAdds => 16L * 1 * 28 * 28 * 9 / 4;
    protected override (int, int, int, int) Lengths => (16 * 196, 16 * 9, 1, 784);
    protected override void Generated(float[] output) => Layers.Autoencoder2(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose2d(Input, Weight, Bias, output, 16, 1, 14, 14, 3, 2, 1, 1, 1);
}

public class Depthwise : Workload
{
    public override long MultiplyAdds => 64L * 64 * 64 * 4;
    protected override (int, int, int, int) Lengths => (64 * 1024, 64 * 16, 0, 64 * 4096);
    protected override void Generated(float[] output) => Layers.Depthwise(Input, Weight, output);
    protected override void Plain(float[] output) => PlainLoops.ConvTranspose2d(Input, Weight, default, output, 64, 64, 32, 32, 4, 2, 1, 0, 64);
}

public class Projection : Workload
{
    public override long MultiplyAdds => 256L * 64 * 784;
    protected override (int, int, int, int) Lengths => (256 * 784, 64 * 256, 64, 64 * 784);
    protected override void Generated(float[] output) => Layers.Projection(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv1x1(Input, Weight, Bias, output, 256, 64, 784);
}

public class SmallProjection : Workload
{
    public override long MultiplyAdds => 32L * 16 * 256;
    protected override (int, int, int, int) Lengths => (32 * 256, 16 * 32, 0, 16 * 256);
    protected override void Generated(float[] output) => Layers.SmallProjection(Input, Weight, output);
    protected override void Plain(float[] output) => PlainLoops.Conv1x1(Input, Weight, default, output, 32, 16, 256);
}

public class Nearest : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 1024, 0, 0, 64 * 4096);
    protected override void Generated(float[] output) => Layers.Nearest(Input, output);
    protected override void Plain(float[] output) => PlainLoops.UpsampleNearest2d(Input, output, 64, 32, 32, 2);
}

public class Bilinear : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 1024, 0, 0, 64 * 4096);
    protected override void Generated(float[] output) => Layers.Bilinear(Input, output);
    protected override void Plain(float[] output) => PlainLoops.UpsampleBilinear2d(Input, output, 64, 32, 32, 2);
}

public class BilinearDown : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 128 * 128, 0, 0, 64 * 64 * 64);
    protected override void Generated(float[] output) => Layers.BilinearDown(Input, output);
    protected override void Plain(float[] output) => PlainLoops.ResizeBilinear2d(Input, output, 64, 128, 128, 64, 64);
}

public class Encoder1 : Workload
{
    public override long MultiplyAdds => 16L * 1 * 9 * 14 * 14;
    protected override (int, int, int, int) Lengths => (784, 16 * 9, 16, 16 * 196);
    protected override void Generated(float[] output) => Layers.Encoder1(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv3d(Input, Weight, Bias, output, 1, 16, (1, 28, 28), (1, 3, 3), 2, 1);
}

public class Encoder2 : Workload
{
    public override long MultiplyAdds => 32L * 16 * 9 * 7 * 7;
    protected override (int, int, int, int) Lengths => (16 * 196, 32 * 16 * 9, 32, 32 * 49);
    protected override void Generated(float[] output) => Layers.Encoder2(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv3d(Input, Weight, Bias, output, 16, 32, (1, 14, 14), (1, 3, 3), 2, 1);
}

public class DecoderConv : Workload
{
    public override long MultiplyAdds => 64L * 64 * 9 * 32 * 32;
    protected override (int, int, int, int) Lengths => (64 * 1024, 64 * 64 * 9, 64, 64 * 1024);
    protected override void Generated(float[] output) => Layers.DecoderConv(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv3d(Input, Weight, Bias, output, 64, 64, (1, 32, 32), (1, 3, 3), 1, 1);
}

public class LinearHead : Workload
{
    public override long MultiplyAdds => 512L * 1000;
    protected override (int, int, int, int) Lengths => (512, 1000 * 512, 1000, 1000);
    protected override void Generated(float[] output) => Layers.LinearHead(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv1x1(Input, Weight, Bias, output, 512, 1000, 1);
}

/// <summary>A batch of 8 rows: the input [8, 512], the output [8, 1000].</summary>
public class LinearHeadBatch8 : Workload
{
    public override long MultiplyAdds => 8L * 512 * 1000;
    protected override (int, int, int, int) Lengths => (8 * 512, 1000 * 512, 1000, 8 * 1000);
    protected override void Generated(float[] output) => Layers.LinearHeadBatch(8, Input, Weight, Bias, output);
    protected override void Plain(float[] output)
    {
        for (int r = 0; r < 8; r++)
        {
            PlainLoops.Conv1x1(Input.AsSpan(r * 512, 512), Weight, Bias, output.AsSpan(r * 1000, 1000), 512, 1000, 1);
        }
    }
}

/// <summary>DecoderConv with the input added back before a ReLU (a residual): the fused pass's cost beside DecoderConv.</summary>
public class DecoderConvResidual : Workload
{
    public override long MultiplyAdds => 64L * 64 * 9 * 32 * 32;
    protected override (int, int, int, int) Lengths => (64 * 1024, 64 * 64 * 9, 64, 64 * 1024);
    protected override void Generated(float[] output) => Layers.DecoderConvResidual(Input, Weight, Bias, Input, output);
    protected override void Plain(float[] output)
    {
        PlainLoops.Conv3d(Input, Weight, Bias, output, 64, 64, (1, 32, 32), (1, 3, 3), 1, 1);
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = Math.Max(output[i] + Input[i], 0f);
        }
    }
}

/// <summary>A stride-1 3x3 layer, pad 1, C -> C at S x S: Winograd's layers and their direct twins.</summary>
public abstract class Square3x3 : Workload
{
    protected abstract int Channels { get; }

    protected abstract int Size { get; }

    public override long MultiplyAdds => (long)Channels * Channels * 9 * Size * Size;
    protected override (int, int, int, int) Lengths => (Channels * Size * Size, Channels * Channels * 9, Channels, Channels * Size * Size);
    protected override void Plain(float[] output) => PlainLoops.Conv3d(Input, Weight, Bias, output, Channels, Channels, (1, Size, Size), (1, 3, 3), 1, 1);
}

public class ResNet56 : Square3x3
{
    protected override int Channels => 64;
    protected override int Size => 56;
    protected override void Generated(float[] output) => Layers.ResNet56(Input, Weight, Bias, output);
}

public class ResNet56Direct : ResNet56
{
    protected override void Generated(float[] output) => Layers.ResNet56Direct(Input, Weight, Bias, output);
}

public class ResNet28 : Square3x3
{
    protected override int Channels => 128;
    protected override int Size => 28;
    protected override void Generated(float[] output) => Layers.ResNet28(Input, Weight, Bias, output);
}

public class ResNet28Direct : ResNet28
{
    protected override void Generated(float[] output) => Layers.ResNet28Direct(Input, Weight, Bias, output);
}

public class ResNet14 : Square3x3
{
    protected override int Channels => 256;
    protected override int Size => 14;
    protected override void Generated(float[] output) => Layers.ResNet14(Input, Weight, Bias, output);
}

public class ResNet14Direct : ResNet14
{
    protected override void Generated(float[] output) => Layers.ResNet14Direct(Input, Weight, Bias, output);
}

public class ResNet7 : Square3x3
{
    protected override int Channels => 512;
    protected override int Size => 7;
    protected override void Generated(float[] output) => Layers.ResNet7(Input, Weight, Bias, output);
}

public class ResNet7Direct : ResNet7
{
    protected override void Generated(float[] output) => Layers.ResNet7Direct(Input, Weight, Bias, output);
}

public class Taesd64 : Square3x3
{
    protected override int Channels => 64;
    protected override int Size => 64;
    protected override void Generated(float[] output) => Layers.Taesd64(Input, Weight, Bias, output);
}

public class Taesd64Direct : Taesd64
{
    protected override void Generated(float[] output) => Layers.Taesd64Direct(Input, Weight, Bias, output);
}

public class DecoderConvDirect : DecoderConv
{
    protected override void Generated(float[] output) => Layers.DecoderConvDirect(Input, Weight, Bias, output);
}

public class Downsample : Workload
{
    public override long MultiplyAdds => 128L * 64 * 9 * 32 * 32;
    protected override (int, int, int, int) Lengths => (64 * 4096, 128 * 64 * 9, 128, 128 * 1024);
    protected override void Generated(float[] output) => Layers.Downsample(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv3d(Input, Weight, Bias, output, 64, 128, (1, 64, 64), (1, 3, 3), 2, 1);
}

public class DepthwiseConv : Workload
{
    public override long MultiplyAdds => 64L * 9 * 56 * 56;
    protected override (int, int, int, int) Lengths => (64 * 3136, 64 * 9, 64, 64 * 3136);
    protected override void Generated(float[] output) => Layers.DepthwiseConv(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv3d(Input, Weight, Bias, output, 64, 64, (1, 56, 56), (1, 3, 3), 1, 1, groups: 64);
}

public class ResBlock1d : Workload
{
    public override long MultiplyAdds => 128L * 128 * 3 * 1024;
    protected override (int, int, int, int) Lengths => (128 * 1024, 128 * 128 * 3, 128, 128 * 1024);
    protected override void Generated(float[] output) => Layers.ResBlock1d(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv3d(Input, Weight, Bias, output, 128, 128, (1, 1, 1024), (1, 1, 3), 1, 3, dilation: 3);
}

public class Volume3d : Workload
{
    public override long MultiplyAdds => 32L * 16 * 27 * 512;
    protected override (int, int, int, int) Lengths => (16 * 4096, 32 * 16 * 27, 32, 32 * 512);
    protected override void Generated(float[] output) => Layers.Volume3d(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.Conv3d(Input, Weight, Bias, output, 16, 32, (16, 16, 16), (3, 3, 3), 2, 1);
}

public class Trilinear : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (32 * 4096, 0, 0, 32 * 32768);
    protected override void Generated(float[] output) => Layers.Trilinear(Input, output);
    protected override void Plain(float[] output) => PlainLoops.UpsampleLinear3d(Input, output, 32, (16, 16, 16), (2, 2, 2));
}

public class Linear1d : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 4096, 0, 0, 64 * 8192);
    protected override void Generated(float[] output) => Layers.Linear1d(Input, output);
    protected override void Plain(float[] output) => PlainLoops.UpsampleLinear3d(Input, output, 64, (1, 1, 4096), (1, 1, 2));
}

public class Bicubic : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 1024, 0, 0, 64 * 4096);
    protected override void Generated(float[] output) => Layers.Bicubic(Input, output);
    protected override void Plain(float[] output) => PlainLoops.UpsampleBicubic2d(Input, output, 64, 32, 32, 2);
}

public class NearestExact : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 1024, 0, 0, 64 * 48 * 48);
    protected override void Generated(float[] output) => Layers.NearestExact(Input, output);
    protected override void Plain(float[] output) => PlainLoops.UpsampleNearestExact2d(Input, output, 64, 32, 32, 1.5);
}

public class MaxPoolStem : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 112 * 112, 0, 0, 64 * 56 * 56);
    protected override void Generated(float[] output) => Layers.MaxPoolStem(Input, output);
    protected override void Plain(float[] output) => PlainLoops.Pool2d(Input, output, 64, 112, 112, 3, 2, 1, max: true);
}

public class MaxPool2x2 : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 64 * 64, 0, 0, 64 * 32 * 32);
    protected override void Generated(float[] output) => Layers.MaxPool2x2(Input, output);
    protected override void Plain(float[] output) => PlainLoops.Pool2d(Input, output, 64, 64, 64, 2, 2, 0, max: true);
}

public class AvgPool2x2 : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 64 * 64, 0, 0, 64 * 32 * 32);
    protected override void Generated(float[] output) => Layers.AvgPool2x2(Input, output);
    protected override void Plain(float[] output) => PlainLoops.Pool2d(Input, output, 64, 64, 64, 2, 2, 0, max: false);
}

public class AvgPool3x3 : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 32 * 32, 0, 0, 64 * 32 * 32);
    protected override void Generated(float[] output) => Layers.AvgPool3x3(Input, output);
    protected override void Plain(float[] output) => PlainLoops.Pool2d(Input, output, 64, 32, 32, 3, 1, 1, max: false);
}

public class ActivateLeaky : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (256 * 8192, 0, 0, 256 * 8192);
    protected override void Generated(float[] output) => Layers.ActivateLeaky(Input, output);
    protected override void Plain(float[] output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = Input[i] > 0 ? Input[i] : Input[i] * 0.1f;
        }
    }
}

public class ActivateSilu : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (128 * 64 * 64, 0, 0, 128 * 64 * 64);
    protected override void Generated(float[] output) => Layers.ActivateSilu(Input, output);
    protected override void Plain(float[] output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = Input[i] / (1 + MathF.Exp(-Input[i]));
        }
    }
}

/// <summary>The second operand is the workload's weight buffer.</summary>
public class ResidualAddRelu : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (64 * 56 * 56, 64 * 56 * 56, 0, 64 * 56 * 56);
    protected override void Generated(float[] output) => Layers.ResidualAddRelu(Input, Weight, output);
    protected override void Plain(float[] output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = Math.Max(Input[i] + Weight[i], 0f);
        }
    }
}

/// <summary>The per-channel scale is the workload's weight buffer.</summary>
public class ExciteMul : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (96 * 28 * 28, 96, 0, 96 * 28 * 28);
    protected override void Generated(float[] output) => Layers.ExciteMul(Input, Weight, output);
    protected override void Plain(float[] output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = Input[i] * Weight[i / (28 * 28)];
        }
    }
}

public class ShuffleEspcn : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (9 * 128 * 128, 0, 0, 384 * 384);
    protected override void Generated(float[] output) => Layers.ShuffleEspcn(Input, output);
    protected override void Plain(float[] output) => PlainLoops.PixelShuffle(Input, output, 1, 128, 128, 3);
}

public class ShuffleEdsr : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (256 * 48 * 48, 0, 0, 64 * 96 * 96);
    protected override void Generated(float[] output) => Layers.ShuffleEdsr(Input, output);
    protected override void Plain(float[] output) => PlainLoops.PixelShuffle(Input, output, 64, 48, 48, 2);
}

/// <summary>The weight and bias are the workload's, one per channel.</summary>
public class GroupNormSilu : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (128 * 64 * 64, 128, 128, 128 * 64 * 64);
    protected override void Generated(float[] output) => Layers.GroupNormSilu(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.GroupNorm(Input, Weight, Bias, output, 128, 64 * 64, 32, v => v / (1 + MathF.Exp(-v)));
}

public class InstanceNormRelu : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (128 * 64 * 64, 128, 128, 128 * 64 * 64);
    protected override void Generated(float[] output) => Layers.InstanceNormRelu(Input, Weight, Bias, output);
    protected override void Plain(float[] output) => PlainLoops.GroupNorm(Input, Weight, Bias, output, 128, 64 * 64, 128, v => Math.Max(v, 0f));
}

public class SoftmaxSegmentation : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (21 * 128 * 128, 0, 0, 21 * 128 * 128);
    protected override void Generated(float[] output) => Layers.SoftmaxSegmentation(Input, output);
    protected override void Plain(float[] output) => PlainLoops.Softmax(Input, output, 21, 128 * 128);
}

public class SoftmaxClassifierBatch8 : Workload
{
    public override long MultiplyAdds => 0;
    protected override (int, int, int, int) Lengths => (8 * 1000, 0, 0, 8 * 1000);
    protected override void Generated(float[] output) => Layers.SoftmaxClassifier(8, Input, output);
    protected override void Plain(float[] output) => PlainLoops.Softmax(Input, output, 1000, 1);
}
