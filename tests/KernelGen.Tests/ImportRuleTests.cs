using System.Reflection;
using KernelGen.Import;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// The importer's rules one at a time, on models written by the test (<see cref="OnnxModelBuilder"/>): where weights
/// may come from, how scalar arithmetic folds, how a Pad meets a pool, and the errors for what KernelGen cannot compute.
/// The zoo (<see cref="ImportTests"/>) checks the same rules against PyTorch on whole models.
/// </summary>
public sealed class ImportRuleTests
{
    private static readonly float[] Ramp = Enumerable.Range(0, 16).Select(i => (i * 0.25f) - 1.5f).ToArray();

    private static ImportedModel Import(OnnxModelBuilder builder, out string path)
    {
        path = builder.Save();
        return ModelImporter.Import(OnnxGraphReader.Read(path));
    }

    private static ImportException Refused(OnnxModelBuilder builder)
    {
        string path = builder.Save();
        var error = Assert.Throws<ImportException>(() => ModelImporter.Import(OnnxGraphReader.Read(path)));
        Assert.StartsWith(path + ": node ", error.Message);
        return error;
    }

    /// <summary>Compiles the model's source and runs it once on <paramref name="input"/> (batch 1), as a user would.</summary>
    private static float[] Run(ImportedModel model, string path, float[] input)
    {
        string source = ModelSourceWriter.Write(model, "M", "Rules");
        const string runner = """
            public static class Runner
            {
                public static float[] Run(string path, float[] input)
                {
                    var output = new float[Rules.M.OutputLength];
                    Rules.M.Load(path).Run(input, output);
                    return output;
                }
            }
            """;
        Assembly assembly = GeneratorHarness.CompileAndLoad(source, runner);
        return (float[])assembly.GetType("Runner")!.GetMethod("Run")!.Invoke(null, [path, input])!;
    }

    /// <summary>
    /// A weight held by a Constant node, and a bias passed through Unsqueeze and Identity, are read from the file
    /// by the names the graph gives them: the source names the Constant's output and the bias's initializer, and the
    /// run matches a 1x1 convolution computed here.
    /// </summary>
    [Fact]
    public void Weights_from_Constant_nodes_and_renamed_initializers_are_read_from_the_file()
    {
        float[] weight = [0.5f, -2f], bias = [0.25f, 1f];
        var builder = new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 2, 4, 4)
            .Initializer("b", [1, 2], bias)
            .Initializer("axes", [1], [0])
            .Node("Constant", [], ["w"], ("value", (new long[] { 2, 1, 1, 1 }, weight)))
            .Node("Squeeze", ["b"], ["b_squeezed"], ("axes", new[] { 0 }))
            .Node("Identity", ["b_squeezed"], ["b_named"])
            .Node("Conv", ["x", "w", "b_named"], ["y"]);
        ImportedModel model = Import(builder, out string path);
        string source = ModelSourceWriter.Write(model, "M", "Rules");
        Assert.Contains("Read(weights, \"w\",", source);
        Assert.Contains("Read(weights, \"b\",", source);

        float[] output = Run(model, path, Ramp);
        for (int c = 0; c < 2; c++)
        {
            for (int i = 0; i < 16; i++)
            {
                Assert.Equal((Ramp[i] * weight[c]) + bias[c], output[(c * 16) + i]);
            }
        }
    }

    /// <summary>The run-time reader finds a Constant node's value by its output's name, checked like an initializer.</summary>
    [Fact]
    public void The_weight_reader_reads_Constant_nodes_by_their_outputs()
    {
        string path = new OnnxModelBuilder()
            .Input("x", 1, 2).Output("y", 1, 2)
            .Node("Constant", [], ["scale"], ("value", (new long[] { 2 }, new[] { 3f, -4f })))
            .Node("Mul", ["x", "scale"], ["y"])
            .Save();
        OnnxWeights weights = OnnxWeights.Open(path);
        Assert.Contains("scale", weights.TensorNames);
        float[] values = new float[2];
        weights.Read("scale", values, [2]);
        Assert.Equal([3f, -4f], values);
        Assert.Throws<ArgumentException>(() => weights.Read("scale", new float[3], [3]));
    }

    /// <summary>A weight the graph computes from other constants is not in the file: the error says so, naming the node.</summary>
    [Fact]
    public void A_weight_computed_from_constants_is_refused_with_the_reason()
    {
        var error = Refused(new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 2, 4, 4)
            .Initializer("w", [2, 1, 1, 1], [1f, 2f])
            .Initializer("two", [], [2f])
            .Node("Mul", ["w", "two"], ["w2"])
            .Node("Conv", ["x", "w2"], ["y"]));
        Assert.Contains("('/y', Conv): its weight ('w2') is computed from other constants", error.Message);
    }

    /// <summary>
    /// Scalar arithmetic: a Mul after a convolution folds into its weights and bias (Load scales them); after an
    /// activation it is an [Affine] of its own; c - x and x / c are [Affine]s with the scale and offset they mean; the
    /// run matches the arithmetic computed here.
    /// </summary>
    [Fact]
    public void Scalar_arithmetic_folds_into_weights_or_becomes_an_affine_layer()
    {
        var builder = new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 1, 4, 4)
            .Initializer("w", [1, 1, 1, 1], [2f])
            .Initializer("b", [1], [0.5f])
            .Initializer("quarter", [], [0.25f])
            .Initializer("three", [1], [3f])
            .Initializer("four", [], [4f])
            .Node("Conv", ["x", "w", "b"], ["c"])
            .Node("Mul", ["c", "quarter"], ["scaled"])
            .Node("Relu", ["scaled"], ["r"])
            .Node("Sub", ["three", "r"], ["s"])
            .Node("Div", ["s", "four"], ["y"]);
        ImportedModel model = Import(builder, out string path);
        Assert.Equal(["Conv1x1", "Affine"], model.Layers.Select(l => l.Kind));
        string source = ModelSourceWriter.Write(model, "M", "Rules");
        Assert.Contains("Scale(_l0Conv1x1Weight, (float)0.25);", source);
        Assert.Contains("Scale(_l0Conv1x1Bias, (float)0.25);", source);
        Assert.Contains("[global::KernelGen.Affine(Scale = -0.25, Offset = 0.75)]", source);

        float[] output = Run(model, path, Ramp);
        for (int i = 0; i < 16; i++)
        {
            float relu = Math.Max(0, ((Ramp[i] * 2f) + 0.5f) * 0.25f);
            Assert.Equal((3 - relu) / 4, output[i], 6);
        }
    }

    [Fact]
    public void Arithmetic_no_kernel_computes_is_refused_naming_the_node()
    {
        Assert.Contains("('/y', Div): KernelGen computes Div with a scalar constant", Refused(new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 1, 4, 4)
            .Node("Relu", ["x"], ["r"])
            .Node("Div", ["x", "r"], ["y"])).Message);
        Assert.Contains("('/y', Div): it divides a constant by a tensor", Refused(new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 1, 4, 4)
            .Initializer("one", [], [1f])
            .Node("Div", ["one", "x"], ["y"])).Message);
    }

    /// <summary>
    /// Zeros padded before an average pool (how PyTorch exports avg_pool2d's padding) become the pool's padding,
    /// counted in the divisor: the run matches the padded average computed here.
    /// </summary>
    [Fact]
    public void Zero_padding_before_an_average_pool_becomes_its_padding()
    {
        var builder = new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 1, 2, 2)
            .Initializer("pads", [8], [0, 0, 1, 1, 0, 0, 1, 1])
            .Node("Pad", ["x", "pads"], ["p"])
            .Node("AveragePool", ["p"], ["y"], ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }));
        ImportedModel model = Import(builder, out string path);
        Assert.Equal(["AvgPool"], model.Layers.Select(l => l.Kind));
        float[] output = Run(model, path, Ramp);
        for (int oy = 0; oy < 2; oy++)
        {
            for (int ox = 0; ox < 2; ox++)
            {
                float sum = 0;
                for (int ky = 0; ky < 3; ky++)
                {
                    for (int kx = 0; kx < 3; kx++)
                    {
                        int y = (oy * 2) + ky - 1, x = (ox * 2) + kx - 1;
                        sum += y is >= 0 and < 4 && x is >= 0 and < 4 ? Ramp[(y * 4) + x] : 0;
                    }
                }

                Assert.Equal(sum / 9, output[(oy * 2) + ox], 6);
            }
        }
    }

    /// <summary>
    /// ReduceMean over the spatial axes with keepdims = 0 (<c>x.mean([2, 3])</c>) is a global average pool whose output
    /// a Gemm reads as features; its axes given otherwise are refused. The run matches the mean computed here.
    /// </summary>
    [Fact]
    public void ReduceMean_over_space_is_a_global_pool()
    {
        var builder = new OnnxModelBuilder()
            .Input("x", 1, 2, 2, 4).Output("y", 1, 1)
            .Initializer("w", [1, 2], [1f, -3f])
            .Node("ReduceMean", ["x"], ["m"], ("axes", new[] { -1, 2 }), ("keepdims", 0))
            .Node("Gemm", ["m", "w"], ["y"], ("transB", 1));
        ImportedModel model = Import(builder, out string path);
        Assert.Equal(["AdaptiveAvgPool", "Linear"], model.Layers.Select(l => l.Kind));
        float[] output = Run(model, path, Ramp);
        Assert.Equal((Ramp[..8].Average() * 1f) + (Ramp[8..].Average() * -3f), output[0], 5);

        Assert.Contains("('/y', ReduceMean): it reduces axes [1, 2, 3] of a tensor of 4 dimensions; KernelGen reduces every spatial axis ([2, 3]: a global pool)", Refused(new OnnxModelBuilder()
            .Input("x", 1, 2, 2, 4).Output("y", 1, 1, 1, 1)
            .Node("ReduceMean", ["x"], ["y"], ("axes", new[] { 1, 2, 3 }))).Message);
    }

    /// <summary>
    /// Softmax over the channels imports as [Softmax] (axis 1, or -1 of [N, C]), LogSoftmax with Log = true; another axis,
    /// or an opset-11 Softmax that would span the spatial axes too, is refused naming the axis.
    /// </summary>
    [Fact]
    public void Softmax_over_the_channels_is_a_layer_and_other_axes_are_refused()
    {
        ImportedModel model = Import(new OnnxModelBuilder()
            .Input("x", 1, 10).Output("y", 1, 10)
            .Node("LogSoftmax", ["x"], ["y"], ("axis", -1)), out string path);
        Assert.Equal(["Softmax"], model.Layers.Select(l => l.Kind));
        Assert.Contains("[global::KernelGen.Softmax(Log = true)]", ModelSourceWriter.Write(model, "M", "Rules"));
        float[] output = Run(model, path, Ramp[..10]);
        double sum = Ramp[..10].Sum(v => Math.Exp(v));
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(Ramp[i] - Math.Log(sum), output[i], 5));

        Assert.Contains("('/y', Softmax): its axis (-1) is not the channels", Refused(new OnnxModelBuilder()
            .Input("x", 1, 2, 4).Output("y", 1, 2, 4)
            .Node("Softmax", ["x"], ["y"])).Message);
        Assert.Contains("('/y', Softmax): its axis (1) spans every axis from it on before opset 13", Refused(new OnnxModelBuilder(opset: 11)
            .Input("x", 1, 2, 4).Output("y", 1, 2, 4)
            .Node("Softmax", ["x"], ["y"])).Message);
    }

    /// <summary>
    /// x * sigmoid(x), as exporters write SiLU: folded into the convolution that computes x as its activation; where x
    /// is read elsewhere too (here by an Add), the sigmoid's layer becomes SiLU. The run matches x / (1 + e^-x).
    /// </summary>
    [Fact]
    public void X_times_sigmoid_of_x_is_SiLU()
    {
        var folded = new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 1, 4, 4)
            .Initializer("w", [1, 1, 1, 1], [2f])
            .Node("Conv", ["x", "w"], ["c"])
            .Node("Sigmoid", ["c"], ["s"])
            .Node("Mul", ["c", "s"], ["y"]);
        ImportedModel model = Import(folded, out string path);
        Assert.Equal(["Conv1x1"], model.Layers.Select(l => l.Kind));
        Assert.Equal("Silu", model.Layers[0].Activation.Kind);
        float[] output = Run(model, path, Ramp);
        Assert.All(Enumerable.Range(0, 16), i => Assert.InRange(output[i] - (2 * Ramp[i] / (1 + Math.Exp(-2 * Ramp[i]))), -1e-6, 1e-6));

        var shared = new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 1, 4, 4)
            .Node("Relu", ["x"], ["r"])
            .Node("Sigmoid", ["r"], ["s"])
            .Node("Mul", ["s", "r"], ["m"])
            .Node("Add", ["m", "r"], ["y"]);
        model = Import(shared, out path);
        Assert.Equal(["Activate", "Activate", "Add"], model.Layers.Select(l => l.Kind));
        Assert.Equal("Silu", model.Layers[1].Activation.Kind);
        output = Run(model, path, Ramp);
        Assert.All(Enumerable.Range(0, 16), i =>
        {
            double r = Math.Max(0, Ramp[i]);
            Assert.InRange(output[i] - ((r / (1 + Math.Exp(-r))) + r), -1e-6, 1e-6);
        });
    }

    /// <summary>Range and Expand on constants are computed at import, as the other shape arithmetic: here they build a Reshape's target.</summary>
    [Fact]
    public void Range_and_Expand_on_constants_are_computed_at_import()
    {
        var builder = new OnnxModelBuilder()
            .Input("x", 1, 8).Output("y", 1, 2, 4)
            .Initializer("start", [], [1f]).Initializer("limit", [], [3f]).Initializer("delta", [], [1f])
            .Initializer("four", [], [4f]).Initializer("one", [1], [1f])
            .Node("Range", ["start", "limit", "delta"], ["leading"])
            .Node("Expand", ["four", "one"], ["last"])
            .Node("Concat", ["leading", "last"], ["shape"], ("axis", 0))
            .Node("Reshape", ["x", "shape"], ["r"])
            .Node("Relu", ["r"], ["y"]);
        ImportedModel model = Import(builder, out _);
        Assert.Equal([2, 4], model.Outputs[0].Shape);
    }

    /// <summary>Several inputs run one batch: inputs whose batch dimensions differ are refused, naming each. An output that is an input is copied.</summary>
    [Fact]
    public void Inputs_of_different_batches_are_refused_and_an_input_as_output_is_copied()
    {
        string path = new OnnxModelBuilder()
            .Input("a", 1, 2, 4).Input("b", null, 2, 4).Output("y", 1, 2, 4)
            .Node("Add", ["a", "b"], ["y"])
            .Save();
        var error = Assert.Throws<ImportException>(() => ModelImporter.Import(OnnxGraphReader.Read(path)));
        Assert.Equal($"{path}: the inputs' batch dimensions differ ('a' 1, 'b' symbolic); KernelGen runs one batch through every input.", error.Message);

        // An output that is the input passed through is copied into its span.
        ImportedModel model = Import(new OnnxModelBuilder()
            .Input("a", 1, 2, 4).Output("y", 1, 2, 4).Output("a", 1, 2, 4)
            .Node("Relu", ["a"], ["y"]), out _);
        Assert.Equal(["Activate", "Activate"], model.Layers.Select(l => l.Kind));
        Assert.Contains("[global::KernelGen.Activate(global::KernelGen.Activation.None)]", ModelSourceWriter.Write(model, "M", null));
        Assert.Contains("copies 'a' into the output span", ModelSourceWriter.Write(model, "M", null));
    }

    /// <summary>
    /// Channels as views, nothing copied: torch.chunk's Split and x[:, a:b]'s Slice of a computed tensor are read in
    /// place by the layers after them; a Concat of the model's input (which no layer writes) copies it into its part;
    /// an output that is a slice is copied into its span. The run matches the arithmetic computed here.
    /// </summary>
    [Fact]
    public void Channel_slices_are_views_and_what_no_layer_writes_is_copied()
    {
        // c = 2x (a 1x1 convolution), a, b = chunk(c, 2); y = concat(x, a * b, c[:, 1:3]).
        var builder = new OnnxModelBuilder()
            .Input("x", 1, 4, 2, 2).Output("y", 1, 10, 2, 2)
            .Initializer("w", [4, 4, 1, 1], [.. Enumerable.Range(0, 16).Select(i => i % 5 == 0 ? 2f : 0f)])
            .Initializer("halves", [2], [2f, 2f])
            .Initializer("start", [1], [1f]).Initializer("end", [1], [3f]).Initializer("axis", [1], [1f])
            .Node("Conv", ["x", "w"], ["c"])
            .Node("Split", ["c", "halves"], ["a", "b"], ("axis", 1))
            .Node("Mul", ["a", "b"], ["ab"])
            .Node("Slice", ["c", "start", "end", "axis"], ["middle"])
            .Node("Concat", ["x", "ab", "middle"], ["y"], ("axis", 1));
        ImportedModel model = Import(builder, out string path);
        Assert.Equal(["Conv1x1", "Mul", "Activate", "Activate"], model.Layers.Select(l => l.Kind));
        float[] output = Run(model, path, Ramp);
        float[] c = [.. Ramp.Select(v => 2 * v)];
        float[] expected = [.. Ramp, .. Enumerable.Range(0, 8).Select(i => c[i] * c[8 + i]), .. c[4..12]];
        Assert.Equal(expected, output);

        // The last axis is no run of memory per sample: refused, naming it.
        Assert.Contains("('/y', Slice): it slices axis 3; KernelGen slices a computed tensor along the channels", Refused(new OnnxModelBuilder()
            .Input("x", 1, 4, 2, 2).Output("y", 1, 4, 2, 1)
            .Initializer("start", [1], [0f]).Initializer("end", [1], [1f]).Initializer("axis", [1], [3f])
            .Node("Relu", ["x"], ["r"])
            .Node("Slice", ["r", "start", "end", "axis"], ["y"])).Message);
    }

    /// <summary>Padding no pool of KernelGen's can take: zeros before a max pool, and pads over half the window.</summary>
    [Fact]
    public void Padding_a_pool_cannot_take_is_refused_naming_the_node()
    {
        Assert.Contains("('/y', MaxPool): its input is padded by a Pad of mode 'constant'", Refused(new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 1, 2, 2)
            .Initializer("pads", [8], [0, 0, 1, 1, 0, 0, 1, 1])
            .Node("Pad", ["x", "pads"], ["p"])
            .Node("MaxPool", ["p"], ["y"], ("kernel_shape", new[] { 3, 3 }), ("strides", new[] { 2, 2 }))).Message);
        Assert.Contains("('/y', AveragePool): its pads on spatial axis 2 (0 before, 2 after) exceed half its window of 3", Refused(new OnnxModelBuilder()
            .Input("x", 1, 1, 4, 4).Output("y", 1, 1, 2, 2)
            .Node("AveragePool", ["x"], ["y"], ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 0, 0, 0, 2 }))).Message);
    }
}
