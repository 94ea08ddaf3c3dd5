using System.Reflection;
using System.Text.Json;
using KernelGen.Import;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// The ONNX importer on the zoo (Zoo/make_zoo.py: small variants of the architectures users bring, exported by PyTorch
/// 1.13's torch.onnx.export, with one input and PyTorch's output for it): each model is imported, its source compared
/// with the approved snapshot, compiled with the generator, loaded from the same ONNX file, and run against PyTorch's
/// output; a second run allocates nothing.
/// </summary>
public sealed class ImportTests
{
    public static TheoryData<string, string> Zoo() => new()
    {
        { "tiny_resnet", "TinyResNet" },  // folded batch norms, max pool, two residuals (one with a strided 1x1 projection), global pool, flatten, Gemm; dynamic batch
        { "espcn", "Espcn" },             // tanh convolutions, DepthToSpace (CRD), a sigmoid after the shuffle; opset 11
        { "decoder", "Decoder" },         // transposed convolutions with batch norms to fold, LeakyReLU, Resize (bilinear), depthwise, ReLU then Clip; opset 17
        { "tiny_style", "TinyStyle" },    // fast-neural-style: reflection padding exported as a constant subgraph into Pad, folded into each convolution; instance norms; a residual [Add]; nearest upsampling
        { "tiny_unet", "TinyUNet" },      // the skip concatenated along channels (written in place by both producers, sample by sample), max pool, transposed convolution; batch 2 of a dynamic axis
        { "tiny_mobilenet_v2", "TinyMobileNetV2" },  // inverted residuals: 1x1 expansions, depthwise strided convolutions, ReLU6 (Clip), linear projections with the input added; global pool, Gemm; dynamic batch
        { "tiny_edsr", "TinyEdsr" },                  // residual blocks scaled by 0.1 (a Constant node's scalar, folded into the weights), a long skip, fixed mean-shift convolutions, DepthToSpace
        { "tiny_hifigan", "TinyHifiGan" },            // 1-D: transposed convolutions up, leaky ReLU before dilated convolutions (inputs read twice), the average of two branches (Add, then Div by 2)
        { "tiny_taesd_decoder", "TinyTaesdDecoder" },// tanh(x / 3) * 3 on the input ([Affine] layers), residual blocks with ReLU, nearest upsampling, convolutions without bias; opset 17
        { "fsrcnn", "Fsrcnn" },                       // per-channel PReLU whose slopes the exporter passes through Identity, a 9x9 stride-2 transposed convolution with output padding; opset 11
        { "tiny_cyclegan", "TinyCycleGan" },          // reflection padding, instance norms whose ones and zeros are Constant nodes, residual blocks, output padding, tanh
        { "dcgan_generator", "DcganGenerator" },      // a 1x1 latent up by transposed convolutions of 4 with batch norms, tanh; dynamic batch
        { "srcnn", "Srcnn" },                         // 9-5-5 convolutions with ReLU; opset 11
        { "tiny_segnet", "TinySegNet" },              // max pool, avg_pool2d's padding exported as a Pad (folded into the pool), a dilated convolution, a bilinear Resize to the input's size from Shape
        { "autoencoder_3d", "Autoencoder3d" },        // 3-D convolutions and transposed convolutions
        { "tiny_vae_decoder", "TinyVaeDecoder" },    // group norms as PyTorch exports them before opset 18 (Reshape, InstanceNormalization, Reshape, Mul, Add), SiLU as x * sigmoid(x); opset 17
        { "conv_softmax", "ConvSoftmax" },            // a softmax over the channels at every pixel (a segmentation head's probabilities)
    };

    private static string ZooPath(string file) => Path.Combine(AppContext.BaseDirectory, "Zoo", file);

    [Theory]
    [MemberData(nameof(Zoo))]
    public void Imported_models_match_PyTorch_and_allocate_nothing_per_run(string name, string className)
    {
        string onnx = ZooPath(name + ".onnx");
        ImportedModel model = ModelImporter.Import(OnnxGraphReader.Read(onnx));
        string source = ModelSourceWriter.Write(model, className, "Zoo");
        Snapshot.Match("Import_" + name, source);

        using JsonDocument data = JsonDocument.Parse(File.ReadAllText(ZooPath(name + ".json")));
        float[] input = data.RootElement.GetProperty("input").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        double[] expected = data.RootElement.GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        int batch = data.RootElement.GetProperty("input_shape")[0].GetInt32();

        // Spans cannot go through reflection: a small runner in the same compilation calls Load and Run as a user would.
        string load = model.DynamicBatch ? "Load(path, batch)" : "Load(path)";
        string run = model.DynamicBatch ? "Run(batch, input, output" : "Run(input, output";
        string runOwn = run.Replace(", output", ", own", StringComparison.Ordinal);
        string runner = $$"""
            public static class Runner
            {
                public static (float[] Output, long Allocated, float[] OwnWorkspace, string Short) Run(string path, float[] input, int batch)
                {
                    var model = Zoo.{{className}}.{{load}};
                    var output = new float[batch * Zoo.{{className}}.OutputLength];
                    model.{{run}});
                    long before = System.GC.GetAllocatedBytesForCurrentThread();
                    model.{{run}});
                    long allocated = System.GC.GetAllocatedBytesForCurrentThread() - before;
                    // The caller's workspace instead of the model's: the same output; one element short, refused.
                    var own = new float[batch * Zoo.{{className}}.OutputLength];
                    var workspace = new float[batch * Zoo.{{className}}.WorkspaceLength];
                    model.{{runOwn}}, workspace);
                    string refused = "";
                    try { model.{{runOwn}}, System.MemoryExtensions.AsSpan(workspace, 1)); } catch (System.ArgumentException e) { refused = e.ParamName + ": " + e.Message; }
                    return (output, allocated, own, refused);
                }
            }
            """;
        Assembly assembly = GeneratorHarness.CompileAndLoad(source, runner);
        var (output, allocated, ownWorkspace, refused) = ((float[], long, float[], string))assembly.GetType("Runner")!.GetMethod("Run")!.Invoke(null, [onnx, input, batch])!;
        Assert.Equal(output, ownWorkspace);
        Assert.StartsWith($"workspace: {className}: expected a workspace of at least {batch * (long)model.WorkspaceLength} elements", refused);

        Assert.Equal(expected.Length, output.Length);
        double scale = Math.Max(1, expected.Max(Math.Abs)), worst = 0;
        for (int i = 0; i < output.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(output[i] - expected[i]));
        }

        Assert.True(worst <= 2e-5 * scale, $"{name}: largest difference from PyTorch {worst:G3} (scale {scale:G3})");
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// Two inputs and two outputs (guided_heads: an image and a guide map in, a reconstruction and a mask out, a dynamic
    /// batch): Run takes the spans in the graph's order, named after the ONNX names, each with its length constant and
    /// its check; both outputs match PyTorch's, and a wrong length names its span.
    /// </summary>
    [Fact]
    public void A_model_of_several_inputs_and_outputs_takes_a_span_for_each()
    {
        string onnx = ZooPath("guided_heads.onnx");
        ImportedModel model = ModelImporter.Import(OnnxGraphReader.Read(onnx));
        string source = ModelSourceWriter.Write(model, "GuidedHeads", "Zoo");
        Snapshot.Match("Import_guided_heads", source);
        Assert.Equal(["inputImage", "inputGuide"], model.Inputs.Select(t => t.Parameter));
        Assert.Equal(["outputReconstruction", "outputMask"], model.Outputs.Select(t => t.Parameter));

        using JsonDocument data = JsonDocument.Parse(File.ReadAllText(ZooPath("guided_heads.json")));
        float[][] Values(string list) => data.RootElement.GetProperty(list).EnumerateArray()
            .Select(t => t.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        float[][] inputs = Values("inputs"), expected = Values("outputs");
        const string runner = """
            public static class Runner
            {
                public static (float[], float[], string) Run(string path, float[] image, float[] guide)
                {
                    var model = Zoo.GuidedHeads.Load(path, maxBatch: 2);
                    var reconstruction = new float[2 * Zoo.GuidedHeads.OutputReconstructionLength];
                    var mask = new float[2 * Zoo.GuidedHeads.OutputMaskLength];
                    model.Run(2, image, guide, reconstruction, mask);
                    string error = "";
                    try { model.Run(2, image, guide, reconstruction, new float[3]); }
                    catch (System.ArgumentException e) { error = e.Message; }
                    return (reconstruction, mask, error);
                }
            }
            """;
        Assembly assembly = GeneratorHarness.CompileAndLoad(source, runner);
        var (reconstruction, mask, error) = ((float[], float[], string))assembly.GetType("Runner")!.GetMethod("Run")!.Invoke(null, [onnx, inputs[0], inputs[1]])!;
        foreach ((float[] actual, float[] reference) in new[] { (reconstruction, expected[0]), (mask, expected[1]) })
        {
            Assert.Equal(reference.Length, actual.Length);
            Assert.All(actual.Zip(reference), p => Assert.True(Math.Abs(p.First - p.Second) <= 2e-5 * Math.Max(1, Math.Abs(p.Second)), $"{p.First} against PyTorch's {p.Second}"));
        }

        Assert.StartsWith("GuidedHeads: expected 128 outputMask elements (2 of [1, 8, 8]), but the span has 3.", error);
        Assert.Contains("outputMask", error);
    }

    /// <summary>
    /// Weights in an external data file (ONNX's layout past 2 GB): ESPCN saved that way imports to the same source and,
    /// loaded from it, gives ESPCN's output; a data file cut short is an error naming the initializer, before anything is
    /// written.
    /// </summary>
    [Fact]
    public void Weights_in_an_external_file_load_as_the_same_model()
    {
        string external = ZooPath("espcn_external.onnx");
        // The same source but for the file's name (and where the longer name breaks a comment's lines).
        static string Words(string source) => System.Text.RegularExpressions.Regex.Replace(source, @"\s+(///\s*)?", " ");
        Assert.Equal(Words(ModelSourceWriter.Write(ModelImporter.Import(OnnxGraphReader.Read(ZooPath("espcn.onnx"))), "Espcn", "Zoo")),
            Words(ModelSourceWriter.Write(ModelImporter.Import(OnnxGraphReader.Read(external)), "Espcn", "Zoo").Replace("espcn_external.onnx", "espcn.onnx")));
        OnnxWeights inside = OnnxWeights.Open(ZooPath("espcn.onnx")), outside = OnnxWeights.Open(external);
        Assert.Equal(inside.TensorNames, outside.TensorNames);
        foreach (string name in inside.TensorNames)
        {
            int[] shape = inside.ShapeOf(name).Select(d => (int)d).ToArray();
            float[] a = new float[shape.Aggregate(1, (x, y) => x * y)], b = new float[a.Length];
            inside.Read(name, a, shape);
            outside.Read(name, b, shape);
            Assert.Equal(a, b);
        }

        // The data file cut short: the reader names the initializer and the file, and leaves the destination alone.
        string folder = Directory.CreateTempSubdirectory("kernelgen-external-").FullName;
        try
        {
            File.Copy(external, Path.Combine(folder, "espcn_external.onnx"));
            byte[] data = File.ReadAllBytes(ZooPath("espcn_external.weights"));
            File.WriteAllBytes(Path.Combine(folder, "espcn_external.weights"), data[..(data.Length / 2)]);
            OnnxWeights cut = OnnxWeights.Open(Path.Combine(folder, "espcn_external.onnx"));
            string last = cut.TensorNames[^1];
            int[] lastShape = cut.ShapeOf(last).Select(d => (int)d).ToArray();
            float[] untouched = Enumerable.Repeat(7f, lastShape.Aggregate(1, (x, y) => x * y)).ToArray();
            var error = Assert.Throws<InvalidDataException>(() => cut.Read(last, untouched, lastShape));
            Assert.Contains($"initializer '{last}'", error.Message);
            Assert.Contains("espcn_external.weights", error.Message);
            Assert.All(untouched, v => Assert.Equal(7f, v));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>An operator KernelGen has no kernel for: one error naming the file, the node's index, name and operator, and what is supported.</summary>
    [Fact]
    public void An_unsupported_operator_is_one_error_naming_the_node()
    {
        string path = new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 2, 4, 4)
            .Initializer("w", [2, 1, 1, 1], [1f, -1f])
            .Node("Conv", ["x", "w"], ["c"])
            .Node("Abs", ["c"], ["y"])
            .Save();
        var error = Assert.Throws<ImportException>(() => ModelImporter.Import(OnnxGraphReader.Read(path)));
        Assert.StartsWith(path + ": node 1 ('/y', Abs): KernelGen has no kernel for this operator; supported: Conv, ConvTranspose,", error.Message);
    }

    [Fact]
    public void The_tool_writes_the_same_source_into_the_folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "kernelgen-import-" + Guid.NewGuid().ToString("N"));
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = ImportCommand.Run(["import", ZooPath("espcn.onnx"), "--class", "Espcn", "--namespace", "Zoo", "--out", folder], output, error);
            Assert.True(code == 0, error.ToString());
            string written = File.ReadAllText(Path.Combine(folder, "Espcn.g.cs"));
            Assert.Equal(ModelSourceWriter.Write(ModelImporter.Import(OnnxGraphReader.Read(ZooPath("espcn.onnx"))), "Espcn", "Zoo"), written);

            // A model the importer cannot write: one line on the error stream naming the node, and exit code 1.
            var bad = new StringWriter();
            Assert.Equal(1, ImportCommand.Run(["import", ZooPath("missing.onnx"), "--class", "M", "--out", folder], new StringWriter(), bad));
            Assert.Contains("missing.onnx", bad.ToString());
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
