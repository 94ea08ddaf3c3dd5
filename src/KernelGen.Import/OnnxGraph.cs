using System.Collections.Generic;

namespace KernelGen.Import
{
    /// <summary>An ONNX model's graph as the importer reads it: what the nodes compute, not how the file stores it.</summary>
    public sealed class OnnxGraph
    {
        public OnnxGraph(string file, long opset, IReadOnlyList<OnnxValue> inputs, IReadOnlyList<OnnxValue> outputs, IReadOnlyList<OnnxNode> nodes,
            IReadOnlyDictionary<string, OnnxTensor> initializers)
        {
            File = file;
            Opset = opset;
            Inputs = inputs;
            Outputs = outputs;
            Nodes = nodes;
            Initializers = initializers;
        }

        /// <summary>The model file, as messages name it.</summary>
        public string File { get; }

        /// <summary>The default domain's operator set version.</summary>
        public long Opset { get; }

        /// <summary>The graph's inputs that are not initializers, in order.</summary>
        public IReadOnlyList<OnnxValue> Inputs { get; }

        public IReadOnlyList<OnnxValue> Outputs { get; }

        /// <summary>The nodes in the file's order, which ONNX requires to be topological.</summary>
        public IReadOnlyList<OnnxNode> Nodes { get; }

        public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }
    }

    /// <summary>A graph input or output: its name, element type and dimensions (a symbolic one as null, with its name).</summary>
    public sealed class OnnxValue
    {
        public OnnxValue(string name, int elementType, IReadOnlyList<long?> dims, IReadOnlyList<string?> symbols)
        {
            Name = name;
            ElementType = elementType;
            Dims = dims;
            Symbols = symbols;
        }

        public string Name { get; }

        /// <summary>ONNX's TensorProto.DataType: 1 is float.</summary>
        public int ElementType { get; }

        public IReadOnlyList<long?> Dims { get; }

        public IReadOnlyList<string?> Symbols { get; }
    }

    /// <summary>One node: its operator, inputs and outputs by name (an empty name is an omitted optional input), attributes.</summary>
    public sealed class OnnxNode
    {
        public OnnxNode(int index, string name, string opType, string domain, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
            IReadOnlyDictionary<string, OnnxAttribute> attributes)
        {
            Index = index;
            Name = name;
            OpType = opType;
            Domain = domain;
            Inputs = inputs;
            Outputs = outputs;
            Attributes = attributes;
        }

        public int Index { get; }

        public string Name { get; }

        public string OpType { get; }

        public string Domain { get; }

        public IReadOnlyList<string> Inputs { get; }

        public IReadOnlyList<string> Outputs { get; }

        public IReadOnlyDictionary<string, OnnxAttribute> Attributes { get; }

        /// <summary>"node 3 ('/layer1/conv1/Conv', Conv)": how every message names it.</summary>
        public override string ToString() => $"node {Index} ('{Name}', {OpType})";
    }

    /// <summary>An attribute's value: an integer, a float, a string, lists of them, or a tensor.</summary>
    public sealed class OnnxAttribute
    {
        public long? Int { get; init; }

        public float? Float { get; init; }

        public string? String { get; init; }

        public IReadOnlyList<long>? Ints { get; init; }

        public IReadOnlyList<float>? Floats { get; init; }

        public OnnxTensor? Tensor { get; init; }

        /// <summary>True for a graph or any other kind the importer does not read.</summary>
        public bool IsOther { get; init; }

        public override string ToString() =>
            Int is { } i ? i.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : Float is { } f ? f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
            : String is { } s ? $"\"{s}\""
            : Ints is { } ints ? "[" + string.Join(", ", System.Linq.Enumerable.Select(ints, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]"
            : Floats is { } floats ? "[" + string.Join(", ", System.Linq.Enumerable.Select(floats, v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]"
            : Tensor is not null ? "a tensor" : "a value of another kind";
    }

    /// <summary>
    /// A tensor of the graph (an initializer, or a constant): its name, type and dims; its values when they are small
    /// integers or floats the importer computes with (shapes, scales, bounds), not the weights, which the model reads at run time.
    /// </summary>
    public sealed class OnnxTensor
    {
        public OnnxTensor(string name, int dataType, IReadOnlyList<long> dims, IReadOnlyList<double>? values)
        {
            Name = name;
            DataType = dataType;
            Dims = dims;
            Values = values;
        }

        public string Name { get; }

        public int DataType { get; }

        public IReadOnlyList<long> Dims { get; }

        /// <summary>The values, for tensors of at most <see cref="OnnxGraphReader.SmallTensor"/> elements; null for larger ones.</summary>
        public IReadOnlyList<double>? Values { get; }
    }
}
