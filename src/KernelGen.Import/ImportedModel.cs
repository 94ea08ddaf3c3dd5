using System.Collections.Generic;
using System.Linq;

namespace KernelGen.Import
{
    /// <summary>An activation as KernelGen's attribute property gives it, with its constants.</summary>
    public sealed record ImportedActivation(string Kind, double? NegativeSlope = null, double? Alpha = null, double? Min = null, double? Max = null)
    {
        public static readonly ImportedActivation None = new("None");

        public bool IsNone => Kind == "None";
    }

    /// <summary>
    /// One tensor between layers, per sample (the batch is the model's): its shape, and the buffer that holds it. A
    /// reshape (Flatten, Reshape, Identity, Dropout) makes a tensor that is another's buffer under a new shape.
    /// </summary>
    public sealed class ImportedTensor
    {
        public ImportedTensor(string onnxName, int[] shape)
        {
            OnnxName = onnxName;
            Shape = shape;
        }

        public string OnnxName { get; }

        public int[] Shape { get; }

        public int Length => Shape.Aggregate(1, (a, b) => a * b);

        /// <summary>The tensor whose buffer this one is (itself unless it is a reshape of another).</summary>
        public ImportedTensor Root { get; set; } = null!;

        /// <summary>
        /// For a tensor that is one input of a Concat along channels: the Concat's output, in whose buffer its producer
        /// writes it directly (each sample's channels from <see cref="ViewOffset"/> on), so that the Concat copies nothing.
        /// </summary>
        public ImportedTensor? ViewOf { get; set; }

        /// <summary>Where in each sample of <see cref="ViewOf"/> this tensor's elements start.</summary>
        public int ViewOffset { get; set; }

        /// <summary>The tensor whose memory holds this one: the Concat it is part of, or its root.</summary>
        public ImportedTensor Storage => Root.ViewOf ?? Root;

        /// <summary>Where this tensor starts in each sample of <see cref="Storage"/>.</summary>
        public int StorageOffset => Root.ViewOf is null ? 0 : Root.ViewOffset;

        /// <summary>Whether this tensor is one part of each sample of a larger buffer, so that the layers that touch it run sample by sample.</summary>
        public bool IsView => Root.ViewOf is not null;

        public bool IsModelInput { get; set; }

        /// <summary>For a model's input or output, the name of its span in Run.</summary>
        public string Parameter { get; set; } = string.Empty;

        public bool IsModelOutput { get; set; }

        /// <summary>The place in the workspace, in elements per sample, of a tensor that is neither the model's input nor its output.</summary>
        public int Offset { get; set; }

        /// <summary>The layers that read it, counted while importing (a reshape's readers count as the root's).</summary>
        public int Readers { get; set; }
    }

    /// <summary>One kernel of the model: its declaration (attribute and buffers) and what its call passes.</summary>
    public sealed class ImportedLayer
    {
        public ImportedLayer(string kind, OnnxNode node)
        {
            Kind = kind;
            Nodes.Add(node);
        }

        /// <summary>KernelGen's attribute name without brackets: Conv, ConvTranspose, Conv1x1, Linear, MaxPool, ... (an InstanceNorm may become a GroupNorm).</summary>
        public string Kind { get; set; }

        /// <summary>For an InstanceNorm: whether its scale is all ones and its bias all zeros (the normalization alone).</summary>
        public bool PlainAffine { get; set; }

        /// <summary>The ONNX nodes it computes, in the graph's order: its own, a Pad folded into it before, and those fused into it after (a batch norm, an addition, an activation).</summary>
        public List<OnnxNode> Nodes { get; } = new();

        /// <summary>What the layer does beyond its nodes, for its comment (a copy the importer adds: what it copies where).</summary>
        public string? Comment { get; set; }

        /// <summary>The method's name, set when the model is written.</summary>
        public string Method { get; set; } = string.Empty;

        /// <summary>The attribute's arguments before the activation, such as <c>Kernel = new[] { 3, 3 }, Groups = 2</c>.</summary>
        public List<string> Arguments { get; } = new();

        public ImportedActivation Activation { get; set; } = ImportedActivation.None;

        public ImportedTensor Input { get; set; } = null!;

        /// <summary>A second tensor operand ([Add], [Mul] of two tensors).</summary>
        public ImportedTensor? Other { get; set; }

        /// <summary>A second operand that is an initializer ([Add], [Mul] by a constant), with the [Shape] it is declared with.</summary>
        public (string Initializer, int[] Shape)? OtherConstant { get; set; }

        public ImportedTensor Output { get; set; } = null!;

        /// <summary>The weight's initializer; transposed on loading for a Gemm or MatMul that stores it [in, out].</summary>
        public string? Weight { get; set; }

        public bool TransposeWeight { get; set; }

        /// <summary>Whether the kernel takes a bias (zeros when the model has none but a batch norm is folded into it).</summary>
        public bool HasBias { get; set; }

        public string? Bias { get; set; }

        /// <summary>A batch norm folded into the layer on loading: scale, B, mean, var initializers and epsilon.</summary>
        public (string Scale, string B, string Mean, string Var, double Epsilon)? BatchNorm { get; set; }

        public ImportedTensor? Residual { get; set; }

        /// <summary>What Load multiplies a weighted layer's weights and bias by, after folding its batch norm: a scalar Mul or Div after it.</summary>
        public double WeightScale { get; set; } = 1;

        /// <summary>An [Affine] layer's <c>Scale</c> and <c>Offset</c>.</summary>
        public double AffineScale { get; set; } = 1;

        public double AffineOffset { get; set; }

        /// <summary>PReLU's slopes' initializer and count (the output channels, or 1).</summary>
        public (string Initializer, int Count)? Slope { get; set; }

        public bool IsWeighted => Kind is "Conv" or "ConvTranspose" or "Conv1x1" or "Linear";

        public bool TakesActivation => IsWeighted || Kind is "Add" or "Mul" or "InstanceNorm" or "GroupNorm" or "Affine";
    }

    /// <summary>What the importer made of a model: its layers in the order they run, its tensors and its workspace.</summary>
    public sealed class ImportedModel
    {
        public ImportedModel(string file, IReadOnlyList<ImportedTensor> inputs, IReadOnlyList<ImportedTensor> outputs, IReadOnlyList<ImportedLayer> layers, int batch, bool dynamicBatch,
            int workspaceLength, int tensorsLength)
        {
            File = file;
            Inputs = inputs;
            Outputs = outputs;
            Layers = layers;
            Batch = batch;
            DynamicBatch = dynamicBatch;
            WorkspaceLength = workspaceLength;
            TensorsLength = tensorsLength;
        }

        public string File { get; }

        /// <summary>The model's inputs in the graph's order, each with its span's name in Run.</summary>
        public IReadOnlyList<ImportedTensor> Inputs { get; }

        /// <summary>The model's outputs in the graph's order (each a tensor whose root is written into the caller's span).</summary>
        public IReadOnlyList<ImportedTensor> Outputs { get; }

        public IReadOnlyList<ImportedLayer> Layers { get; }

        /// <summary>The exported batch size, when it is fixed (1 otherwise).</summary>
        public int Batch { get; }

        /// <summary>Whether the batch axis is symbolic: Run takes the batch count.</summary>
        public bool DynamicBatch { get; }

        /// <summary>The workspace per sample, in elements, after placing the tensors by their lifetimes.</summary>
        public int WorkspaceLength { get; }

        /// <summary>The sum of the intermediate tensors per sample, for comparison with the workspace.</summary>
        public int TensorsLength { get; }
    }
}
