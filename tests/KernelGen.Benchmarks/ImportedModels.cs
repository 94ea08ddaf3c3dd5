using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace KernelGen.Benchmarks;

/// <summary>
/// The importer's zoo (tests/KernelGen.Tests/Zoo) as <c>&lt;KernelGenModel&gt;</c> items build it (the project file
/// lists them): each model loaded from its ONNX file, then one whole <c>Run</c> per call on an input of the zoo's
/// shape (a batch of 2 for those with a dynamic batch axis). Beside them in docs/benchmarks.md: ONNX Runtime from C#
/// on the same files and PyTorch.
/// </summary>
[MemoryDiagnoser]
public class ImportedModels
{
    private delegate void SampleRun(ReadOnlySpan<float> input, Span<float> output);

    private delegate void BatchRun(int batch, ReadOnlySpan<float> input, Span<float> output);

    /// <summary>The zoo's models of one input and one output: the ONNX file's name, the class the item writes, the batch timed.</summary>
    public static readonly (string File, string Class, int Batch)[] Zoo =
    [
        ("tiny_resnet", "TinyResNet", 2), ("espcn", "Espcn", 1), ("decoder", "Decoder", 1), ("tiny_unet", "TinyUNet", 2),
        ("tiny_style", "TinyStyle", 1), ("tiny_mobilenet_v2", "TinyMobileNetV2", 2), ("tiny_edsr", "TinyEdsr", 1),
        ("tiny_hifigan", "TinyHifiGan", 1), ("tiny_taesd_decoder", "TinyTaesdDecoder", 1), ("fsrcnn", "Fsrcnn", 1),
        ("tiny_cyclegan", "TinyCycleGan", 1), ("dcgan_generator", "DcganGenerator", 2), ("srcnn", "Srcnn", 1),
        ("tiny_segnet", "TinySegNet", 1), ("autoencoder_3d", "Autoencoder3d", 1), ("tiny_vae_decoder", "TinyVaeDecoder", 1),
    ];

    /// <summary>Every zoo model, or those named (comma-separated) in KERNELGEN_ZOO_MODELS.</summary>
    public static IEnumerable<string> Models => Environment.GetEnvironmentVariable("KERNELGEN_ZOO_MODELS")?.Split(',') ?? Zoo.Select(m => m.File);

    private Action _run = () => { };

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _run = Loader(Model);

    [Benchmark]
    public void Run() => _run();

    /// <summary>
    /// Loads the zoo model <paramref name="name"/> (its file beside the program) and returns one whole run of it. The
    /// class is found by its name and its Run bound to a delegate once, so a call costs one delegate call more than
    /// calling Run in the program's own code.
    /// </summary>
    public static Action Loader(string name)
    {
        (string file, string className, int batch) = Zoo.FirstOrDefault(m => m.File == name);
        if (file is null)
        {
            throw new ArgumentException($"No zoo model '{name}': {string.Join(", ", Zoo.Select(m => m.File))}.", nameof(name));
        }

        Type type = typeof(ImportedModels).Assembly.GetType("Zoo." + className)!;
        string path = Path.Combine(AppContext.BaseDirectory, file + ".onnx");
        // The Run that uses the model's own workspace (the other overload takes the caller's as its last parameter).
        MethodInfo run = type.GetMethods().Single(m => m.Name == "Run" && m.GetParameters()[^1].Name != "workspace");
        bool dynamicBatch = run.GetParameters().Length == 3;
        object model = dynamicBatch
            ? type.GetMethod("Load", [typeof(string), typeof(int)])!.Invoke(null, [path, batch])!
            : type.GetMethod("Load", [typeof(string)])!.Invoke(null, [path])!;
        float[] input = Values(batch * (int)type.GetField("InputLength")!.GetValue(null)!);
        float[] output = new float[batch * (int)type.GetField("OutputLength")!.GetValue(null)!];
        if (dynamicBatch)
        {
            var batchRun = run.CreateDelegate<BatchRun>(model);
            return () => batchRun(batch, input, output);
        }

        var sampleRun = run.CreateDelegate<SampleRun>(model);
        return () => sampleRun(input, output);
    }

    private static float[] Values(int count)
    {
        var rng = new Random(42);
        return Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
    }
}
