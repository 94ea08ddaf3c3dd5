using KernelGen;

// Runs kernels of each attribute from the installed package and checks them against PyTorch's outputs, and a padded
// stride-2 layer against its definition. The package test also publishes it with NativeAOT and runs that binary.
int failures = 0;

var upsampled = new float[Layers.UpLengths.Output];
Layers.Up([11, 12, 13, 14], upsampled);
Check("Upsample nearest x2", upsampled, [11, 11, 12, 12, 11, 11, 12, 12, 13, 13, 14, 14, 13, 13, 14, 14]);

var deconvolved = new float[Layers.DeconvLengths.Output];
Layers.Deconv([1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9], deconvolved);
Check("ConvTranspose k3 s2", deconvolved, [1, 2, 5, 4, 6, 4, 5, 14, 10, 12, 10, 14, 36, 24, 30, 12, 15, 34, 20, 24, 21, 24, 55, 32, 36]);

var mixed = new float[Layers.MixLengths.Output];
Layers.Mix([1, 2, 3, 4, 10, 20, 30, 40], [1, 1, 2, -1], [0.5f, 0], mixed);
Check("Conv1x1 2 -> 2", mixed, [11.5f, 22.5f, 33.5f, 44.5f, -8, -16, -24, -32]);

// A padded stride-2 layer (the vector path with stride phases and a negative offset in its code): with a weight that
// is 1 at the centre tap from input channel c to output channel c, output[c, 2i, 2j] = input[c, i, j], zeros elsewhere.
var x = Enumerable.Range(0, Layers.UpscaleLengths.Input).Select(i => (float)(i % 97) - 40).ToArray();
var w = new float[Layers.UpscaleLengths.Weight];
for (int c = 0; c < 16; c++)
{
    w[(((c * 16) + c) * 9) + 4] = 1;
}

var upscaled = new float[Layers.UpscaleLengths.Output];
Layers.Upscale(x, w, upscaled);
var upscaledStandard = new float[StandardLayers.UpscaleLengths.Output];
StandardLayers.Upscale(x, w, upscaledStandard);
var expected = new float[upscaled.Length];
for (int c = 0; c < 16; c++)
{
    for (int i = 0; i < 7; i++)
    {
        for (int j = 0; j < 7; j++)
        {
            expected[(c * 196) + (2 * i * 14) + (2 * j)] = x[(c * 49) + (i * 7) + j];
        }
    }
}

Check("ConvTranspose k3 s2 p1 op1, 32 -> 16", upscaled, expected);
Check("The same, built for netstandard2.1 (span form)", upscaledStandard, expected);

// Layers large enough for the vector forms, against PyTorch's outputs (TorchReference.cs, from
// make_reference.py). Integer inputs and weights keep every sum exact, so the outputs must be equal whichever vector
// width the machine (or the NativeAOT instruction set) gives.
var deconv = new float[Layers.Deconv16Lengths.Output];
Layers.Deconv16(Integers(Layers.Deconv16Lengths.Input, 7, 11, 5), Integers(Layers.Deconv16Lengths.Weight, 5, 7, 3), Biases(Layers.Deconv16Lengths.Bias), deconv);
Check("ConvTranspose 8 -> 4, 8x8, k4 s2 p1 (PyTorch)", deconv, TorchReference.Deconv);

var pointwise = new float[Layers.PointwiseLengths.Output];
Layers.Pointwise(Integers(Layers.PointwiseLengths.Input, 7, 11, 5), Integers(Layers.PointwiseLengths.Weight, 5, 7, 3), Biases(Layers.PointwiseLengths.Bias), pointwise);
Check("Conv1x1 16 -> 8 over 6x10 (PyTorch)", pointwise, TorchReference.Pointwise);

// A convolution with a fused activation, its weight read with SafeTensorsFile (from the package's netstandard2.1
// library) out of a file built here by the format's rules, and checked against the kernel's weight shape.
var encodeWeight = new float[Layers.EncodeLengths.Weight];
SafeTensorsFile.Parse(SafeTensors("encode.weight", Integers(Layers.EncodeLengths.Weight, 5, 7, 3), [6, 4, 3, 3]), "in memory")
    .Read("encode.weight", encodeWeight, Layers.EncodeLengths.WeightShape);
var encoded = new float[Layers.EncodeLengths.Output];
Layers.Encode(Integers(Layers.EncodeLengths.Input, 7, 11, 5), encodeWeight, Biases(Layers.EncodeLengths.Bias), encoded);
Check("Conv 4 -> 6, 9x9, k3 s2 p1, LeakyRelu 0.25, weight from safetensors (PyTorch)", encoded, TorchReference.Encode);

var smooth = new float[Layers.SmoothLengths.Output];
Layers.Smooth(Integers(Layers.SmoothLengths.Input, 7, 11, 5), smooth);
Check("Upsample bilinear x2, 2x12x12 (PyTorch)", smooth, TorchReference.Smooth);

// The importer's zoo through the package's <KernelGenModel> items (the project file lists them): each imported into
// obj/ at build time, its weights read from the same file (copied beside the program) at run time, against PyTorch's
// output for the input it was exported with (NAME.json beside it). A batch of 2 where the batch axis is dynamic.
var espcn = Zoo.Espcn.Load(ZooPath("espcn"));
failures += CheckModel("espcn", (i, o) => espcn.Run(i, o));
var resnet = Zoo.TinyResNet.Load(ZooPath("tiny_resnet"), maxBatch: 2);
failures += CheckModel("tiny_resnet", (i, o) => resnet.Run(2, i, o));
var decoder = Zoo.Decoder.Load(ZooPath("decoder"));
failures += CheckModel("decoder", (i, o) => decoder.Run(i, o));
var unet = Zoo.TinyUNet.Load(ZooPath("tiny_unet"), maxBatch: 2);
failures += CheckModel("tiny_unet", (i, o) => unet.Run(2, i, o));
var style = Zoo.TinyStyle.Load(ZooPath("tiny_style"));
failures += CheckModel("tiny_style", (i, o) => style.Run(i, o));
var mobilenet = Zoo.TinyMobileNetV2.Load(ZooPath("tiny_mobilenet_v2"), maxBatch: 2);
failures += CheckModel("tiny_mobilenet_v2", (i, o) => mobilenet.Run(2, i, o));
var edsr = Zoo.TinyEdsr.Load(ZooPath("tiny_edsr"));
failures += CheckModel("tiny_edsr", (i, o) => edsr.Run(i, o));
var hifigan = Zoo.TinyHifiGan.Load(ZooPath("tiny_hifigan"));
failures += CheckModel("tiny_hifigan", (i, o) => hifigan.Run(i, o));
var taesd = Zoo.TinyTaesdDecoder.Load(ZooPath("tiny_taesd_decoder"));
failures += CheckModel("tiny_taesd_decoder", (i, o) => taesd.Run(i, o));
var fsrcnn = Zoo.Fsrcnn.Load(ZooPath("fsrcnn"));
failures += CheckModel("fsrcnn", (i, o) => fsrcnn.Run(i, o));
var cyclegan = Zoo.TinyCycleGan.Load(ZooPath("tiny_cyclegan"));
failures += CheckModel("tiny_cyclegan", (i, o) => cyclegan.Run(i, o));
var dcgan = Zoo.DcganGenerator.Load(ZooPath("dcgan_generator"), maxBatch: 2);
failures += CheckModel("dcgan_generator", (i, o) => dcgan.Run(2, i, o));
var srcnn = Zoo.Srcnn.Load(ZooPath("srcnn"));
failures += CheckModel("srcnn", (i, o) => srcnn.Run(i, o));
var segnet = Zoo.TinySegNet.Load(ZooPath("tiny_segnet"));
failures += CheckModel("tiny_segnet", (i, o) => segnet.Run(i, o));
var volume = Zoo.Autoencoder3d.Load(ZooPath("autoencoder_3d"));
failures += CheckModel("autoencoder_3d", (i, o) => volume.Run(i, o));
var vae = Zoo.TinyVaeDecoder.Load(ZooPath("tiny_vae_decoder"));
failures += CheckModel("tiny_vae_decoder", (i, o) => vae.Run(i, o));
var softmax = Zoo.ConvSoftmax.Load(ZooPath("conv_softmax"));
failures += CheckModel("conv_softmax", (i, o) => softmax.Run(i, o));

// Two inputs and two outputs: the spans in the graph's order, each output checked.
var guided = Zoo.GuidedHeads.Load(ZooPath("guided_heads"), maxBatch: 2);
using (var data = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "guided_heads.json"))))
{
    float[][] Values(string list) => [.. data.RootElement.GetProperty(list).EnumerateArray().Select(t => t.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray())];
    float[][] inputs = Values("inputs"), references = Values("outputs");
    float[] reconstruction = new float[references[0].Length], mask = new float[references[1].Length];
    guided.Run(2, inputs[0], inputs[1], reconstruction, mask);
    double worst = Math.Max(Worst(reconstruction, references[0]), Worst(mask, references[1]));
    failures += worst <= 2e-5 ? 0 : 1;
    Console.WriteLine($"ONNX model guided_heads.onnx through <KernelGenModel> (PyTorch): {(worst <= 2e-5 ? "ok" : $"DIFFERS by up to {worst}")}");
}

Console.WriteLine($"Runtime {Environment.Version}, built for {AppContext.TargetFrameworkName}");
Console.WriteLine($"Hardware-accelerated vectors: Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, "
    + $"Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, Vector128 {System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}");

Console.WriteLine(TorchFormat.Format(deconvolved, 1, 1, 5, 5));
Console.WriteLine(failures == 0 ? "All kernels match their reference." : $"{failures} kernel(s) differ from their reference.");
return failures == 0 ? 0 : 1;

static string ZooPath(string name) => Path.Combine(AppContext.BaseDirectory, name + ".onnx");

static double Worst(float[] actual, float[] expected) => expected.Select((e, i) => (double)Math.Abs(e - actual[i])).DefaultIfEmpty(0).Max();

// One model of the zoo on the input NAME.json gives, against PyTorch's output there: 0 when they agree, 1 otherwise.
static int CheckModel(string name, RunModel run)
{
    using var data = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, name + ".json")));
    float[] input = [.. data.RootElement.GetProperty("input").EnumerateArray().Select(v => (float)v.GetDouble())];
    float[] expected = [.. data.RootElement.GetProperty("output").EnumerateArray().Select(v => (float)v.GetDouble())];
    var output = new float[expected.Length];
    run(input, output);
    double worst = Worst(output, expected), scale = Math.Max(1, expected.Max(Math.Abs));
    Console.WriteLine($"ONNX model {name}.onnx through <KernelGenModel> (PyTorch): {(worst <= 2e-5 * scale ? "ok" : $"DIFFERS by up to {worst}")}");
    return worst <= 2e-5 * scale ? 0 : 1;
}

// (i * multiplier) mod modulus - offset: small integers, the same formula as make_reference.py's.
static float[] Integers(int count, int multiplier, int modulus, int offset) =>
    Enumerable.Range(0, count).Select(i => (float)((i * multiplier % modulus) - offset)).ToArray();

static float[] Biases(int count) => Enumerable.Range(0, count).Select(i => (float)(i - 2)).ToArray();

// One F32 tensor as a safetensors file: the header's byte length (8 bytes, little-endian), its JSON, the data.
static byte[] SafeTensors(string name, float[] values, int[] shape)
{
    byte[] header = System.Text.Encoding.UTF8.GetBytes(
        $"{{\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[0,{values.Length * 4}]}}}}");
    var file = new byte[8 + header.Length + (values.Length * 4)];
    System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
    header.CopyTo(file, 8);
    for (int i = 0; i < values.Length; i++)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(8 + header.Length + (i * 4)), values[i]);
    }

    return file;
}

void Check(string name, float[] actual, float[] expected)
{
    bool same = actual.AsSpan().SequenceEqual(expected);
    failures += same ? 0 : 1;
    Console.WriteLine($"{name}: {(same ? "ok" : "DIFFERS: " + string.Join(", ", actual))}");
}

static partial class Layers
{
    [Upsample(scale: 2)]
    public static partial void Up([Shape(1, 2, 2)] ReadOnlySpan<float> input, [Shape(1, 4, 4)] Span<float> output);

    [ConvTranspose(k: 3, stride: 2, pad: 0)]
    public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);

    [ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1)]
    public static partial void Upscale([Shape(32, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(16, 14, 14)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    public static partial void Deconv16([Shape(8, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 16, 16)] Span<float> output);

    [Conv1x1]
    public static partial void Pointwise([Shape(16, 6, 10)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 6, 10)] Span<float> output);

    [Conv(k: 3, stride: 2, pad: 1, Activation = Activation.LeakyRelu, NegativeSlope = 0.25)]
    public static partial void Encode([Shape(4, 9, 9)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(6, 5, 5)] Span<float> output);

    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    public static partial void Smooth([Shape(2, 12, 12)] ReadOnlySpan<float> input, [Shape(2, 24, 24)] Span<float> output);

    [Conv1x1]
    public static partial void Mix([Shape(2, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(2, 2, 2)] Span<float> output);
}

/// <summary>One whole run of an imported model on its input, into its output.</summary>
internal delegate void RunModel(ReadOnlySpan<float> input, Span<float> output);
