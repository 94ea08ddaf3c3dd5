using BenchmarkDotNet.Attributes;
using KernelGen.Demo.Autoencoder;

namespace KernelGen.Benchmarks;

/// <summary>
/// The sample's trained autoencoder end to end (six kernels, batch norms folded), per call of one image and of a
/// batch of 32, with caller-owned buffers: what docs/benchmarks.md compares with PyTorch's module forward and ONNX Runtime.
/// </summary>
[MemoryDiagnoser]
public class WholeModel
{
    private readonly AutoencoderModel _model = AutoencoderModel.LoadShipped();
    private float[] _images = [], _reconstructions = [];
    private AutoencoderBuffers _buffers = new(1);

    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _images = Enumerable.Range(0, Batch * 784).Select(_ => (float)rng.NextDouble()).ToArray();
        _reconstructions = new float[_images.Length];
        _buffers = new AutoencoderBuffers(Batch);
    }

    [Benchmark]
    public void Autoencoder() => _model.Reconstruct(Batch, _images, _reconstructions, _buffers);
}
