using System.Text;

namespace KernelGen.Tests.Infrastructure;

/// <summary>
/// Writes small ONNX models in the tests, over onnx.proto's published field numbers, so that each rule of the importer
/// has a model made for it (the zoo's are exported by PyTorch, which the tests never need). Float tensors only; nodes
/// with int, float, string and int-list attributes, and Constant nodes with a tensor value.
/// </summary>
internal sealed class OnnxModelBuilder
{
    private readonly List<byte[]> _nodes = new(), _initializers = new(), _inputs = new(), _outputs = new();
    private readonly int _opset;

    public OnnxModelBuilder(int opset = 13) => _opset = opset;

    /// <summary>A float graph input; a null dimension is symbolic (the batch).</summary>
    public OnnxModelBuilder Input(string name, params long?[] dims)
    {
        _inputs.Add(ValueInfo(name, dims));
        return this;
    }

    public OnnxModelBuilder Output(string name, params long?[] dims)
    {
        _outputs.Add(ValueInfo(name, dims));
        return this;
    }

    public OnnxModelBuilder Initializer(string name, long[] dims, float[] values)
    {
        _initializers.Add(Tensor(name, dims, values));
        return this;
    }

    /// <summary>A node; attributes are (name, value) with an int, long, float, string, int[] or a (dims, values) tensor.</summary>
    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new Message();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        foreach (string output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, outputs.Length > 0 ? "/" + outputs[0] : string.Empty);
        node.String(4, opType);
        foreach ((string name, object value) in attributes)
        {
            var attribute = new Message().String(1, name);
            switch (value)
            {
                case int or long:
                    attribute.Varint(3, Convert.ToInt64(value)).Varint(20, 2);
                    break;
                case float f:
                    attribute.Fixed32(2, BitConverter.SingleToInt32Bits(f)).Varint(20, 1);
                    break;
                case string s:
                    attribute.Bytes(4, Encoding.UTF8.GetBytes(s)).Varint(20, 3);
                    break;
                case int[] list:
                    foreach (int v in list)
                    {
                        attribute.Varint(8, v);
                    }

                    attribute.Varint(20, 7);
                    break;
                case (long[] dims, float[] values):
                    attribute.Bytes(5, Tensor(string.Empty, dims, values)).Varint(20, 4);
                    break;
                default:
                    throw new ArgumentException($"attribute {name}: {value.GetType()}");
            }

            node.Bytes(5, attribute.ToArray());
        }

        _nodes.Add(node.ToArray());
        return this;
    }

    public byte[] ToBytes()
    {
        var graph = new Message();
        _nodes.ForEach(n => graph.Bytes(1, n));
        graph.String(2, "test");
        _initializers.ForEach(t => graph.Bytes(5, t));
        _inputs.ForEach(v => graph.Bytes(11, v));
        _outputs.ForEach(v => graph.Bytes(12, v));
        return new Message()
            .Varint(1, 8)
            .Bytes(8, new Message().String(1, string.Empty).Varint(2, _opset).ToArray())
            .Bytes(7, graph.ToArray())
            .ToArray();
    }

    /// <summary>The model written to a file in a fresh temporary folder (its path).</summary>
    public string Save(string fileName = "model.onnx")
    {
        string folder = Directory.CreateTempSubdirectory("kernelgen-onnx-").FullName;
        string path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    private static byte[] Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new Message();
        foreach (long d in dims)
        {
            tensor.Varint(1, d);
        }

        tensor.Varint(2, 1);
        tensor.String(8, name);
        tensor.Bytes(9, values.SelectMany(BitConverter.GetBytes).ToArray());
        return tensor.ToArray();
    }

    private static byte[] ValueInfo(string name, long?[] dims)
    {
        var shape = new Message();
        foreach (long? d in dims)
        {
            shape.Bytes(1, d is { } value ? new Message().Varint(1, value).ToArray() : new Message().String(2, "batch").ToArray());
        }

        byte[] tensorType = new Message().Varint(1, 1).Bytes(2, shape.ToArray()).ToArray();
        return new Message().String(1, name).Bytes(2, new Message().Bytes(1, tensorType).ToArray()).ToArray();
    }

    /// <summary>One protocol-buffers message being written: fields appended in order.</summary>
    private sealed class Message
    {
        private readonly MemoryStream _bytes = new();

        public Message Varint(int field, long value) => Key(field, 0).Raw((ulong)value);

        public Message Fixed32(int field, int value)
        {
            Key(field, 5);
            _bytes.Write(BitConverter.GetBytes(value));
            return this;
        }

        public Message String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Message Bytes(int field, byte[] value)
        {
            Key(field, 2).Raw((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();

        private Message Key(int field, int wire) => Raw((ulong)((field << 3) | wire));

        private Message Raw(ulong value)
        {
            do
            {
                byte b = (byte)(value & 0x7F);
                value >>= 7;
                _bytes.WriteByte(value == 0 ? b : (byte)(b | 0x80));
            }
            while (value != 0);
            return this;
        }
    }
}
