using BenchmarkDotNet.Attributes;

namespace KernelGen.Benchmarks;

/// <summary>
/// The importer's zoo (tests/KernelGen.Tests/Zoo) as <c>&lt;KernelGenModel&gt;</c> items build it: each model loaded from
/// its ONNX file, then one whole <c>Run</c> per call on the input the zoo gives it (a batch of 2 for the two with a
/// dynamic batch axis). Beside them in docs/benchmarks.md: ONNX Runtime from C# on the same files and PyTorch.
/// </summary>
[MemoryDiagnoser]
public class ImportedModels
{
    private readonly Zoo.TinyResNet _resnet = Zoo.TinyResNet.Load(Path.Combine(AppContext.BaseDirectory, "tiny_resnet.onnx"), maxBatch: 2);
    private readonly Zoo.Espcn _espcn = Zoo.Espcn.Load(Path.Combine(AppContext.BaseDirectory, "espcn.onnx"));
    private readonly Zoo.Decoder _decoder = Zoo.Decoder.Load(Path.Combine(AppContext.BaseDirectory, "decoder.onnx"));
    private readonly Zoo.TinyUNet _unet = Zoo.TinyUNet.Load(Path.Combine(AppContext.BaseDirectory, "tiny_unet.onnx"), maxBatch: 2);
    private readonly float[] _resnetIn = Values(2 * Zoo.TinyResNet.InputLength), _resnetOut = new float[2 * Zoo.TinyResNet.OutputLength];
    private readonly float[] _espcnIn = Values(Zoo.Espcn.InputLength), _espcnOut = new float[Zoo.Espcn.OutputLength];
    private readonly float[] _decoderIn = Values(Zoo.Decoder.InputLength), _decoderOut = new float[Zoo.Decoder.OutputLength];
    private readonly float[] _unetIn = Values(2 * Zoo.TinyUNet.InputLength), _unetOut = new float[2 * Zoo.TinyUNet.OutputLength];

    /// <summary>Loads the zoo model <paramref name="name"/> (its file beside the program) and returns one whole run of it.</summary>
    public static Action Loader(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, name + ".onnx");
        switch (name)
        {
            case "tiny_resnet":
                var resnet = Zoo.TinyResNet.Load(path, maxBatch: 2);
                float[] resnetIn = Values(2 * Zoo.TinyResNet.InputLength), resnetOut = new float[2 * Zoo.TinyResNet.OutputLength];
                return () => resnet.Run(2, resnetIn, resnetOut);
            case "espcn":
                var espcn = Zoo.Espcn.Load(path);
                float[] espcnIn = Values(Zoo.Espcn.InputLength), espcnOut = new float[Zoo.Espcn.OutputLength];
                return () => espcn.Run(espcnIn, espcnOut);
            case "decoder":
                var decoder = Zoo.Decoder.Load(path);
                float[] decoderIn = Values(Zoo.Decoder.InputLength), decoderOut = new float[Zoo.Decoder.OutputLength];
                return () => decoder.Run(decoderIn, decoderOut);
            case "tiny_unet":
                var unet = Zoo.TinyUNet.Load(path, maxBatch: 2);
                float[] unetIn = Values(2 * Zoo.TinyUNet.InputLength), unetOut = new float[2 * Zoo.TinyUNet.OutputLength];
                return () => unet.Run(2, unetIn, unetOut);
            default:
                throw new ArgumentException($"No zoo model '{name}': tiny_resnet, espcn, decoder or tiny_unet.", nameof(name));
        }
    }

    private static float[] Values(int count)
    {
        var rng = new Random(42);
        return Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
    }

    [Benchmark]
    public void TinyResNetBatch2() => _resnet.Run(2, _resnetIn, _resnetOut);

    [Benchmark]
    public void Espcn() => _espcn.Run(_espcnIn, _espcnOut);

    [Benchmark]
    public void Decoder() => _decoder.Run(_decoderIn, _decoderOut);

    [Benchmark]
    public void TinyUNetBatch2() => _unet.Run(2, _unetIn, _unetOut);
}
