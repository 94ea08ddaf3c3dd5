using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KernelGen.Benchmarks.Ort;

/// <summary>
/// The layers of docs/benchmarks.md exported by ../KernelGen.Benchmarks/onnx/export_models.py, run by ONNX Runtime as a
/// .NET program runs it: the whole call, the input and output bound once (OrtValues over pinned arrays, an IoBinding),
/// with one intra-op thread and with ONNX Runtime's default.
/// </summary>
[MemoryDiagnoser]
public class OrtLayers
{
    private InferenceSession? _session;
    private OrtIoBinding? _binding;
    private RunOptions? _run;
    private OrtValue? _input, _output;

    /// <summary>Every model, or those named (comma-separated) in KERNELGEN_ORT_MODELS, to time a few in one sitting.</summary>
    public static IEnumerable<string> Models => Environment.GetEnvironmentVariable("KERNELGEN_ORT_MODELS")?.Split(',') ??
    [
        "ActivateLeaky", "ActivateSilu", "AvgPool2x2", "AvgPool3x3", "ExciteMul", "GroupNormSilu", "InstanceNormRelu", "MaxPool2x2", "MaxPoolStem",
        "ResidualAddRelu", "ShuffleEdsr", "ShuffleEspcn", "LinearHead", "LinearHeadBatch8", "DecoderConv", "DecoderConvResidual", "ResNet56", "ResNet28", "ResNet14", "ResNet7", "Taesd64", "SequenceProjection",
        "SequenceProjectionResidual", "SoftmaxSegmentation", "SoftmaxClassifierBatch8", "Bilinear", "BilinearDown", "zoo/tiny_resnet", "zoo/espcn", "zoo/decoder", "zoo/tiny_unet", "zoo/tiny_style", "zoo/tiny_mobilenet_v2",
        "zoo/tiny_edsr", "zoo/tiny_hifigan", "zoo/tiny_taesd_decoder", "zoo/fsrcnn", "zoo/tiny_cyclegan", "zoo/dcgan_generator", "zoo/srcnn", "zoo/tiny_segnet",
        "zoo/autoencoder_3d", "zoo/tiny_vae_decoder",
    ];

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    /// <summary>1, or 0 for ONNX Runtime's default (every core).</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A layer of the benchmark (with its input's shape beside it), or a model of the importer's zoo ("zoo/NAME", its
        // input's shape in NAME.json, a batch of 2 for those with a dynamic batch axis).
        string tests = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..");
        bool zoo = Model.StartsWith("zoo/", StringComparison.Ordinal);
        string path = Path.GetFullPath(zoo ? Path.Combine(tests, "KernelGen.Tests", "Zoo", Model[4..] + ".onnx") : Path.Combine(tests, "KernelGen.Benchmarks", "onnx", Model + ".onnx"));
        long[] shape = zoo
            ? System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json"))).RootElement.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt64()).ToArray()
            : System.Text.Json.JsonSerializer.Deserialize<long[]>(File.ReadAllText(path + ".shape"))!;
        using var options = new SessionOptions { IntraOpNumThreads = Threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(path, options);
        var rng = new Random(42);
        float[] input = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        _input = OrtValue.CreateTensorValueFromMemory(input, shape);
        // A dynamic batch axis (-1 in the metadata) takes the input's batch.
        long[] outputShape = _session.OutputMetadata.Values.First().Dimensions.Select((d, i) => d < 0 && i == 0 ? shape[0] : (long)d).ToArray();
        _output = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, outputShape);
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_session.InputNames[0], _input);
        _binding.BindOutput(_session.OutputNames[0], _output);
        _run = new RunOptions();
        _session.RunWithBinding(_run, _binding);
    }

    [Benchmark]
    public void OnnxRuntime() => _session!.RunWithBinding(_run!, _binding!);

    [GlobalCleanup]
    public void Cleanup()
    {
        _binding?.Dispose();
        _input?.Dispose();
        _output?.Dispose();
        _run?.Dispose();
        _session?.Dispose();
    }
}
