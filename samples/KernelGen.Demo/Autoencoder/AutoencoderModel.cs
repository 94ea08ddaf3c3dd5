using System.Reflection;
using static KernelGen.Demo.Autoencoder.AutoencoderLayers;

namespace KernelGen.Demo.Autoencoder;

/// <summary>
/// The trained autoencoder: its weights, read from a safetensors file with every shape checked against the kernel
/// that uses it, and the batch norms folded in. <see cref="Reconstruct"/> runs the six kernels one after another
/// through a caller's <see cref="AutoencoderBuffers"/>: no allocation per call.
/// </summary>
public sealed class AutoencoderModel
{
    /// <summary>The weights the sample ships, trained by train.py.</summary>
    public const string WeightsResource = "KernelGen.Demo.Autoencoder.autoencoder.safetensors";

    /// <summary>Eight held-out images and PyTorch's reconstructions of them, for the comparison.</summary>
    public const string ReferenceResource = "KernelGen.Demo.Autoencoder.reference.safetensors";

    private readonly float[] _w1 = new float[Encode1Lengths.Weight], _b1 = new float[Encode1Lengths.Bias];
    private readonly float[] _w2 = new float[Encode2Lengths.Weight], _b2 = new float[Encode2Lengths.Bias];
    private readonly float[] _w3 = new float[Encode3Lengths.Weight], _b3 = new float[Encode3Lengths.Bias];
    private readonly float[] _w4 = new float[Decode1Lengths.Weight], _b4 = new float[Decode1Lengths.Bias];
    private readonly float[] _w5 = new float[Decode2Lengths.Weight], _b5 = new float[Decode2Lengths.Bias];
    private readonly float[] _w6 = new float[Decode3Lengths.Weight], _b6 = new float[Decode3Lengths.Bias];

    private AutoencoderModel(SafeTensorsFile file)
    {
        file.Read("e1.weight", _w1, Encode1Lengths.WeightShape);
        file.Read("e1.bias", _b1, Encode1Lengths.BiasShape);
        file.Read("e2.weight", _w2, Encode2Lengths.WeightShape);
        file.Read("e2.bias", _b2, Encode2Lengths.BiasShape);
        file.Read("e3.weight", _w3, Encode3Lengths.WeightShape); // [4, 32, 1, 1] in the file: the same elements
        file.Read("e3.bias", _b3, Encode3Lengths.BiasShape);
        file.Read("d1.weight", _w4, Decode1Lengths.WeightShape);
        file.Read("d1.bias", _b4, Decode1Lengths.BiasShape);
        file.Read("d2.weight", _w5, Decode2Lengths.WeightShape);
        file.Read("d2.bias", _b5, Decode2Lengths.BiasShape);
        file.Read("d3.weight", _w6, Decode3Lengths.WeightShape);
        file.Read("d3.bias", _b6, Decode3Lengths.BiasShape);
        FoldBatchNorm(file, "bn1", _w1, _b1, Encode1FoldBatchNorm);
        FoldBatchNorm(file, "bn2", _w5, _b5, Decode2FoldBatchNorm);
    }

    private delegate void Fold(Span<float> weight, Span<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, double eps);

    /// <summary>Reads PyTorch's BatchNorm2d(16) state (eps 1e-5, its default) and folds it into the layer before it.</summary>
    private static void FoldBatchNorm(SafeTensorsFile file, string name, float[] weight, float[] bias, Fold fold)
    {
        int[] shape = [bias.Length];
        float[] Read(string part)
        {
            var values = new float[bias.Length];
            file.Read($"{name}.{part}", values, shape);
            return values;
        }

        fold(weight, bias, Read("weight"), Read("bias"), Read("running_mean"), Read("running_var"), 1e-5);
    }

    /// <summary>The model from a safetensors file of train.py's state dict.</summary>
    public static AutoencoderModel Load(SafeTensorsFile file) => new(file);

    /// <summary>The model the sample ships.</summary>
    public static AutoencoderModel LoadShipped() => Load(Resource(WeightsResource));

    public static SafeTensorsFile Resource(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The sample has no resource {name}.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return SafeTensorsFile.Parse(bytes.ToArray(), name);
    }

    /// <summary>
    /// Encodes and decodes <paramref name="batch"/> images of 1x28x28, back to back in <paramref name="images"/>, into
    /// <paramref name="reconstructions"/>, through the intermediate buffers of <paramref name="buffers"/>.
    /// </summary>
    public void Reconstruct(int batch, ReadOnlySpan<float> images, Span<float> reconstructions, AutoencoderBuffers buffers)
    {
        if (batch > buffers.Batch)
        {
            throw new ArgumentException($"The buffers hold {buffers.Batch} samples, not {batch}.", nameof(buffers));
        }

        Span<float> h1 = buffers.H1.AsSpan(0, batch * Encode1Lengths.Output), h2 = buffers.H2.AsSpan(0, batch * Encode2Lengths.Output);
        Span<float> code = buffers.Code.AsSpan(0, batch * Encode3Lengths.Output), h4 = buffers.H4.AsSpan(0, batch * Decode1Lengths.Output);
        Span<float> h5 = buffers.H5.AsSpan(0, batch * Decode2Lengths.Output);
        Encode1(batch, images, _w1, _b1, h1);
        Encode2(batch, h1, _w2, _b2, h2);
        Encode3(batch, h2, _w3, _b3, code);
        Decode1(batch, code, _w4, _b4, h4);
        Decode2(batch, h4, _w5, _b5, h5);
        Decode3(batch, h5, _w6, _b6, reconstructions);
    }
}

/// <summary>The intermediate feature maps of up to <see cref="Batch"/> samples, each sized by its kernel's generated lengths.</summary>
public sealed class AutoencoderBuffers(int batch)
{
    public int Batch { get; } = batch;

    public float[] H1 { get; } = new float[batch * Encode1Lengths.Output];

    public float[] H2 { get; } = new float[batch * Encode2Lengths.Output];

    public float[] Code { get; } = new float[batch * Encode3Lengths.Output];

    public float[] H4 { get; } = new float[batch * Decode1Lengths.Output];

    public float[] H5 { get; } = new float[batch * Decode2Lengths.Output];
}
