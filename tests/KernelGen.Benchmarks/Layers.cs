using KernelGen;

namespace KernelGen.Benchmarks;

/// <summary>The benchmark's workloads as generated kernels (docs/benchmarks.md lists them).</summary>
public static partial class Layers
{
    [ConvTranspose(k: 3, stride: 2, pad: 0)]
    public static partial void Seed([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);

    [Upsample(scale: 2)]
    public static partial void SeedUp([Shape(1, 2, 2)] ReadOnlySpan<float> input, [Shape(1, 4, 4)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    public static partial void Dcgan([Shape(128, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 32, 32)] Span<float> output);

    // MelGAN's and HiFi-GAN V1's first upsampling layer (x8), and a later x2 stage of HiFi-GAN's shape: 1-D.
    [ConvTranspose(k: 16, stride: 8, pad: 4)]
    public static partial void Vocoder8x([Shape(512, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(256, 256)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    public static partial void Vocoder2x([Shape(128, 2048)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 4096)] Span<float> output);

    // A pointwise convolution over a sequence whose length is not a whole number of vectors (200 = 12.5 x 16).
    [Conv1x1]
    public static partial void SequenceProjection([Shape(256, 200)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(256, 200)] Span<float> output);

    // A dilated decoder layer: stride 2, dilation 2 (taps 2 apart, so half the stride phases get all of them).
    [ConvTranspose(k: 3, stride: 2, pad: 2, OutputPadding = 1, Dilation = 2)]
    public static partial void Dilated([Shape(64, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 64, 64)] Span<float> output);

    // 3-D decoders: 3-D U-Net's (and V-Net's) 2x2x2 up-convolution, and the 4x4x4 stride-2 layer of volumetric GANs
    // (3D-GAN, Wu et al. 2016), one stage each.
    [ConvTranspose(k: 2, stride: 2)]
    public static partial void UNet3d([Shape(64, 16, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 32, 32, 32)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    public static partial void Gan3d([Shape(64, 8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 16, 16, 16)] Span<float> output);

    [ConvTranspose(k: 2, stride: 2)]
    public static partial void UNet([Shape(64, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 64, 64)] Span<float> output);

    [ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1)]
    public static partial void Autoencoder1([Shape(32, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 14, 14)] Span<float> output);

    [ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1)]
    public static partial void Autoencoder2([Shape(16, 14, 14)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 28, 28)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1, Groups = 64)]
    public static partial void Depthwise([Shape(64, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(64, 64, 64)] Span<float> output);

    [Conv1x1]
    public static partial void Projection([Shape(256, 28, 28)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 28, 28)] Span<float> output);

    [Conv1x1]
    public static partial void SmallProjection([Shape(32, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(16, 16, 16)] Span<float> output);

    // Convolutions of real encoders: the autoencoder's two strided layers, the 3x3 convolution after a nearest x2
    // upsampling (VAE decoders), a ResNet/U-Net downsampling layer, MobileNet's depthwise 3x3, HiFi-GAN's dilated
    // residual convolution, and a 3-D U-Net encoder's downsampling layer.
    [Conv(k: 3, stride: 2, pad: 1)]
    public static partial void Encoder1([Shape(1, 28, 28)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 14, 14)] Span<float> output);

    /// <summary>ResNet-18's classifier, nn.Linear(512, 1000), on one sample and as the rows of one product over a batch of 8.</summary>
    [Linear]
    public static partial void LinearHead([Shape(512)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1000)] Span<float> output);

    [Linear]
    public static partial void LinearHeadBatch(int batch, [Shape(512)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1000)] Span<float> output);

    /// <summary>The decoder convolution as a ResNet block's end: relu(conv(x) + bias + x), the residual the input itself.</summary>
    [Conv(k: 3, pad: 1, Activation = Activation.Relu)]
    public static partial void DecoderConvResidual([Shape(64, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Residual] ReadOnlySpan<float> residual, [Shape(64, 32, 32)] Span<float> output);

    /// <summary>SequenceProjection with MobileNetV2's residual (x + conv(x), no activation), the residual the input itself.</summary>
    [Conv1x1]
    public static partial void SequenceProjectionResidual([Shape(256, 200)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Residual] ReadOnlySpan<float> residual, [Shape(256, 200)] Span<float> output);

    [Conv(k: 3, stride: 2, pad: 1)]
    public static partial void Encoder2([Shape(16, 14, 14)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 7, 7)] Span<float> output);

    [Conv(k: 3, pad: 1)]
    public static partial void DecoderConv([Shape(64, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 32, 32)] Span<float> output);

    // Stride-1 3x3 layers where Winograd's form pays (the planner's choice), each with a twin forced to direct
    // convolution: ResNet's 3x3 layers at its four resolutions, TAESD's 64->64 at 64x64, and the decoder convolution.
    [Conv(k: 3, pad: 1)]
    public static partial void ResNet56([Shape(64, 56, 56)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 56, 56)] Span<float> output);

    [Conv(k: 3, pad: 1, Algorithm = ConvAlgorithm.Direct)]
    public static partial void ResNet56Direct([Shape(64, 56, 56)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 56, 56)] Span<float> output);

    [Conv(k: 3, pad: 1)]
    public static partial void ResNet28([Shape(128, 28, 28)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(128, 28, 28)] Span<float> output);

    [Conv(k: 3, pad: 1, Algorithm = ConvAlgorithm.Direct)]
    public static partial void ResNet28Direct([Shape(128, 28, 28)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(128, 28, 28)] Span<float> output);

    [Conv(k: 3, pad: 1)]
    public static partial void ResNet14([Shape(256, 14, 14)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(256, 14, 14)] Span<float> output);

    [Conv(k: 3, pad: 1, Algorithm = ConvAlgorithm.Direct)]
    public static partial void ResNet14Direct([Shape(256, 14, 14)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(256, 14, 14)] Span<float> output);

    [Conv(k: 3, pad: 1)]
    public static partial void ResNet7([Shape(512, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(512, 7, 7)] Span<float> output);

    [Conv(k: 3, pad: 1, Algorithm = ConvAlgorithm.Direct)]
    public static partial void ResNet7Direct([Shape(512, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(512, 7, 7)] Span<float> output);

    [Conv(k: 3, pad: 1)]
    public static partial void Taesd64([Shape(64, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 64, 64)] Span<float> output);

    [Conv(k: 3, pad: 1, Algorithm = ConvAlgorithm.Direct)]
    public static partial void Taesd64Direct([Shape(64, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 64, 64)] Span<float> output);

    [Conv(k: 3, pad: 1, Algorithm = ConvAlgorithm.Direct)]
    public static partial void DecoderConvDirect([Shape(64, 32, 32)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 32, 32)] Span<float> output);

    [Conv(k: 3, stride: 2, pad: 1)]
    public static partial void Downsample([Shape(64, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(128, 32, 32)] Span<float> output);

    [Conv(k: 3, pad: 1, Groups = 64)]
    public static partial void DepthwiseConv([Shape(64, 56, 56)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(64, 56, 56)] Span<float> output);

    [Conv(k: 3, pad: 3, Dilation = 3)]
    public static partial void ResBlock1d([Shape(128, 1024)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(128, 1024)] Span<float> output);

    [Conv(k: 3, stride: 2, pad: 1)]
    public static partial void Volume3d([Shape(16, 16, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 8, 8, 8)] Span<float> output);

    [Upsample(scale: 2)]
    public static partial void Nearest([Shape(64, 32, 32)] ReadOnlySpan<float> input, [Shape(64, 64, 64)] Span<float> output);

    // Trilinear x2 as 3-D U-Net variants use in place of the up-convolution, and linear x2 over a 1-D sequence (the
    // upsampling of audio encoder-decoders such as Wave-U-Net).
    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    public static partial void Trilinear([Shape(32, 16, 16, 16)] ReadOnlySpan<float> input, [Shape(32, 32, 32, 32)] Span<float> output);

    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    public static partial void Linear1d([Shape(64, 4096)] ReadOnlySpan<float> input, [Shape(64, 8192)] Span<float> output);

    // Bicubic x2 (super-resolution front ends), and nearest-exact by a fractional factor (resizing between scales).
    [Upsample(scale: 2, Mode = UpsampleMode.Cubic)]
    public static partial void Bicubic([Shape(64, 32, 32)] ReadOnlySpan<float> input, [Shape(64, 64, 64)] Span<float> output);

    [Upsample(scale: 1.5, Mode = UpsampleMode.NearestExact)]
    public static partial void NearestExact([Shape(64, 32, 32)] ReadOnlySpan<float> input, [Shape(64, 48, 48)] Span<float> output);

    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    public static partial void Bilinear([Shape(64, 32, 32)] ReadOnlySpan<float> input, [Shape(64, 64, 64)] Span<float> output);

    /// <summary>Bilinear resizing to half the size (F.interpolate(x, size=(64, 64))): an image pyramid's step, a factor of 1/2.</summary>
    [Upsample(Mode = UpsampleMode.Linear)]
    public static partial void BilinearDown([Shape(64, 128, 128)] ReadOnlySpan<float> input, [Shape(64, 64, 64)] Span<float> output);

    // Pools: ResNet's stem max pool, the 2x2 pools of VGG and U-Net encoders, and a 3x3 stride-1 average (Inception).
    [MaxPool(k: 3, stride: 2, pad: 1)]
    public static partial void MaxPoolStem([Shape(64, 112, 112)] ReadOnlySpan<float> input, [Shape(64, 56, 56)] Span<float> output);

    [MaxPool(2)]
    public static partial void MaxPool2x2([Shape(64, 64, 64)] ReadOnlySpan<float> input, [Shape(64, 32, 32)] Span<float> output);

    [AvgPool(2)]
    public static partial void AvgPool2x2([Shape(64, 64, 64)] ReadOnlySpan<float> input, [Shape(64, 32, 32)] Span<float> output);

    [AvgPool(k: 3, stride: 1, pad: 1)]
    public static partial void AvgPool3x3([Shape(64, 32, 32)] ReadOnlySpan<float> input, [Shape(64, 32, 32)] Span<float> output);

    // Activations on their own: HiFi-GAN's LeakyReLU(0.1) before a convolution, and SiLU over a diffusion VAE decoder's map.
    [Activate(Activation.LeakyRelu, NegativeSlope = 0.1)]
    public static partial void ActivateLeaky([Shape(256, 8192)] ReadOnlySpan<float> input, [Shape(256, 8192)] Span<float> output);

    [Activate(Activation.Silu)]
    public static partial void ActivateSilu([Shape(128, 64, 64)] ReadOnlySpan<float> input, [Shape(128, 64, 64)] Span<float> output);

    // A ResNet-18 block's end at layer1 (out += identity; relu), and MobileNetV3's squeeze-and-excitation scale at 28x28.
    [Add(Activation = Activation.Relu)]
    public static partial void ResidualAddRelu([Shape(64, 56, 56)] ReadOnlySpan<float> input, [Shape(64, 56, 56)] ReadOnlySpan<float> identity, [Shape(64, 56, 56)] Span<float> output);

    // ESPCN's x3 tail and EDSR's x2 upsampler.
    [PixelShuffle(3)]
    public static partial void ShuffleEspcn([Shape(9, 128, 128)] ReadOnlySpan<float> input, [Shape(1, 384, 384)] Span<float> output);

    [PixelShuffle(2)]
    public static partial void ShuffleEdsr([Shape(256, 48, 48)] ReadOnlySpan<float> input, [Shape(64, 96, 96)] Span<float> output);

    [Mul]
    public static partial void ExciteMul([Shape(96, 28, 28)] ReadOnlySpan<float> input, [Shape(96, 1, 1)] ReadOnlySpan<float> scale, [Shape(96, 28, 28)] Span<float> output);

    // A diffusion VAE decoder's GroupNorm(32) + SiLU, and fast-neural-style's InstanceNorm + ReLU, at 128 channels of 64x64.
    [GroupNorm(32, Activation = Activation.Silu)]
    public static partial void GroupNormSilu([Shape(128, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(128, 64, 64)] Span<float> output);

    // A segmentation head's per-pixel class probabilities (21 classes, PASCAL VOC's, at 128x128) and a classifier's over
    // 1000 classes for a batch of 8.
    [Softmax]
    public static partial void SoftmaxSegmentation([Shape(21, 128, 128)] ReadOnlySpan<float> input, [Shape(21, 128, 128)] Span<float> output);

    [Softmax]
    public static partial void SoftmaxClassifier(int batch, [Shape(1000)] ReadOnlySpan<float> input, [Shape(1000)] Span<float> output);

    [InstanceNorm(Activation = Activation.Relu)]
    public static partial void InstanceNormRelu([Shape(128, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(128, 64, 64)] Span<float> output);
}
