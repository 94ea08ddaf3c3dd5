namespace KernelGen.Demo.Autoencoder;

/// <summary>
/// The layers of the sample's autoencoder (train.py), each a generated kernel with its activation fused and a batch
/// count: 1x28x28 -> 16x14x14 -> 32x7x7 -> 4x7x7 (the code) -> 32x7x7 -> 16x14x14 -> 1x28x28. The batch norms after
/// the first and fifth layers are folded into those layers' weights and biases when the model is loaded.
/// </summary>
public static partial class AutoencoderLayers
{
    [Conv(k: 3, stride: 2, pad: 1, Activation = Activation.Relu)]
    public static partial void Encode1(int batch, [Shape(1, 28, 28)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 14, 14)] Span<float> output);

    [Conv(k: 3, stride: 2, pad: 1, Activation = Activation.Relu)]
    public static partial void Encode2(int batch, [Shape(16, 14, 14)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 7, 7)] Span<float> output);

    [Conv1x1]
    public static partial void Encode3(int batch, [Shape(32, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 7, 7)] Span<float> output);

    [Conv1x1(Activation = Activation.Relu)]
    public static partial void Decode1(int batch, [Shape(4, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(32, 7, 7)] Span<float> output);

    [ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1, Activation = Activation.Relu)]
    public static partial void Decode2(int batch, [Shape(32, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 14, 14)] Span<float> output);

    [ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1, Activation = Activation.Sigmoid)]
    public static partial void Decode3(int batch, [Shape(16, 14, 14)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 28, 28)] Span<float> output);

    /// <summary>For the picture: each 28x28 image enlarged 4 times, every pixel a 4x4 block.</summary>
    [Upsample(scale: 4)]
    public static partial void Enlarge([Shape(1, 28, 28)] ReadOnlySpan<float> input, [Shape(1, 112, 112)] Span<float> output);
}
