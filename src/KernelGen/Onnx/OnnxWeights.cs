#if NETSTANDARD2_1_OR_GREATER || NETCOREAPP
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using KernelGen.Onnx;
using KernelGen.Weights;

namespace KernelGen
{
    /// <summary>
    /// The initializers of an ONNX model (its weights) and the values of its Constant nodes (by their outputs' names), as
    /// the model classes that <c>kernelgen import</c> writes load them:
    /// the file is parsed when it is opened (every initializer's name, type, shape and where its data is: in the file,
    /// as raw bytes or as a list of numbers, or in an external file beside it); then <see cref="Read"/> copies one tensor into a
    /// caller's buffer after checking its type, its shape and that its data is all there. A malformed or truncated file, or a
    /// tensor that is missing or of another type or shape, throws with the file and the tensor named, and writes nothing.
    /// </summary>
    public sealed class OnnxWeights
    {
        private const int FloatType = 1;
        private readonly byte[] _bytes;
        private readonly Dictionary<string, Initializer> _tensors;
        private readonly string? _directory;

        private OnnxWeights(string name, byte[] bytes, Dictionary<string, Initializer> tensors, string? directory)
        {
            Name = name;
            _bytes = bytes;
            _tensors = tensors;
            _directory = directory;
        }

        /// <summary>The file's path, or the name given to <see cref="Load(Stream, string, string?)"/>: what every message names.</summary>
        public string Name { get; }

        /// <summary>The initializers' and Constant nodes' outputs' names, in the file's order.</summary>
        public IReadOnlyList<string> TensorNames => _tensors.Values.OrderBy(t => t.Order).Select(t => t.Name).ToArray();

        /// <summary>Reads and parses the model at <paramref name="path"/>; external data is looked up beside it.</summary>
        public static OnnxWeights Open(string path) => Parse(File.ReadAllBytes(path), path, Path.GetDirectoryName(Path.GetFullPath(path)));

        /// <summary>
        /// Reads and parses a model from <paramref name="stream"/>, called <paramref name="name"/> in messages; external
        /// data, if the model has any, is looked up in <paramref name="directory"/> (none: such a model is refused).
        /// </summary>
        public static OnnxWeights Load(Stream stream, string name, string? directory = null)
        {
            if (stream is null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return Parse(copy.ToArray(), name, directory);
        }

        private static OnnxWeights Parse(byte[] bytes, string name, string? directory)
        {
            var tensors = new Dictionary<string, Initializer>(StringComparer.Ordinal);
            var model = new ProtoReader(bytes, 0, bytes.Length, name);
            bool hasGraph = false;
            while (model.Next(out int field, out int wire))
            {
                if (field != 7)
                {
                    model.Skip(wire);
                    continue;
                }

                // ModelProto.graph, then GraphProto.initializer.
                model.Expect(wire, ProtoReader.LengthDelimited);
                hasGraph = true;
                ProtoReader graph = model.ReadMessage();
                while (graph.Next(out int graphField, out int graphWire))
                {
                    // GraphProto.initializer (5), and GraphProto.node (1) for the values of Constant nodes.
                    Initializer? tensor = graphField switch
                    {
                        5 => Initializer.Read(Message(ref graph, graphWire), tensors.Count),
                        1 => ConstantNodeValue(Message(ref graph, graphWire), tensors.Count),
                        _ => null,
                    };
                    if (tensor is null)
                    {
                        if (graphField is not (1 or 5))
                        {
                            graph.Skip(graphWire);
                        }

                        continue;
                    }

                    if (tensors.ContainsKey(tensor.Name))
                    {
                        throw new InvalidDataException($"{name}: not a valid ONNX file: two initializers or Constant nodes' outputs are called '{tensor.Name}'.");
                    }

                    tensors.Add(tensor.Name, tensor);
                }
            }

            if (!hasGraph)
            {
                throw new InvalidDataException($"{name}: not an ONNX model: it has no graph (field 7 of ModelProto).");
            }

            return new OnnxWeights(name, bytes, tensors, directory);
        }

        private static ProtoReader Message(ref ProtoReader reader, int wire)
        {
            reader.Expect(wire, ProtoReader.LengthDelimited);
            return reader.ReadMessage();
        }

        /// <summary>
        /// A NodeProto's value if it is a Constant node with a tensor (<c>value</c>), under the name of its output, which
        /// is how the graph refers to it; null for every other node. Exporters write small weights this way (PyTorch: an
        /// instance norm's ones and zeros, a scalar scale).
        /// </summary>
        private static Initializer? ConstantNodeValue(ProtoReader node, int order)
        {
            // NodeProto: output (2, the first is the one a Constant has), op_type (4), attribute (5), domain (7).
            // AttributeProto: name (1), t (5).
            string? output = null, opType = null, domain = null;
            ProtoReader? value = null;
            while (node.Next(out int field, out int wire))
            {
                if (field is 2 or 4 or 7 && wire == ProtoReader.LengthDelimited)
                {
                    string text = node.ReadString();
                    if (field == 2)
                    {
                        output ??= text;
                    }
                    else if (field == 4)
                    {
                        opType = text;
                    }
                    else
                    {
                        domain = text;
                    }
                }
                else if (field == 5 && wire == ProtoReader.LengthDelimited)
                {
                    ProtoReader attribute = node.ReadMessage();
                    string? attributeName = null;
                    ProtoReader? tensor = null;
                    while (attribute.Next(out int attributeField, out int attributeWire))
                    {
                        if (attributeField == 1 && attributeWire == ProtoReader.LengthDelimited)
                        {
                            attributeName = attribute.ReadString();
                        }
                        else if (attributeField == 5 && attributeWire == ProtoReader.LengthDelimited)
                        {
                            tensor = attribute.ReadMessage();
                        }
                        else
                        {
                            attribute.Skip(attributeWire);
                        }
                    }

                    if (attributeName == "value")
                    {
                        value = tensor;
                    }
                }
                else
                {
                    node.Skip(wire);
                }
            }

            if (opType != "Constant" || domain is not (null or "" or "ai.onnx") || value is null || string.IsNullOrEmpty(output))
            {
                return null;
            }

            Initializer constant = Initializer.Read(value.Value, order);
            constant.Rename(output!);
            return constant;
        }

        /// <summary>True when the model has an initializer called <paramref name="tensor"/>.</summary>
        public bool Contains(string tensor) => _tensors.ContainsKey(tensor);

        /// <summary>The shape of initializer <paramref name="tensor"/>.</summary>
        public IReadOnlyList<long> ShapeOf(string tensor) => Find(tensor).Dims;

        /// <summary>
        /// Copies initializer <paramref name="tensor"/> into <paramref name="destination"/>, after checking that it holds
        /// floats, that its shape is <paramref name="expectedShape"/> (dimensions of size 1 aside, which do not change the
        /// order of the elements), that the destination holds exactly its elements and that its data is all in the file.
        /// </summary>
        public void Read(string tensor, Span<float> destination, ReadOnlySpan<int> expectedShape)
        {
            Initializer info = Find(tensor);
            string expected = ShapeText(expectedShape.ToArray().Select(d => (long)d));
            if (!WeightShapes.SameElementOrder(info.Dims, expectedShape))
            {
                throw new ArgumentException($"Initializer '{tensor}' in '{Name}' has shape {ShapeText(info.Dims)}, but the kernel expects {expected}.", nameof(expectedShape));
            }

            long count = info.Dims.Aggregate(1L, (a, b) => a * b);
            if (destination.Length != count)
            {
                throw new ArgumentException($"Initializer '{tensor}' in '{Name}' has {count.ToString(CultureInfo.InvariantCulture)} elements (shape {ShapeText(info.Dims)}), but the destination holds {destination.Length.ToString(CultureInfo.InvariantCulture)}.", "destination");
            }

            if (info.DataType != FloatType)
            {
                throw new ArgumentException($"Initializer '{tensor}' in '{Name}' has ONNX data type {info.DataType.ToString(CultureInfo.InvariantCulture)}, not 1 (float), which is what KernelGen reads.", nameof(tensor));
            }

            if (info.Floats is { } floats)
            {
                Require(info, floats.Count * 4L, count * 4);
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = floats[i];
                }

                return;
            }

            ReadOnlySpan<byte> bytes = info.External is { } external ? ReadExternal(info, external, count * 4) : _bytes.AsSpan(info.RawStart, info.RawLength);
            Require(info, bytes.Length, count * 4);
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(4 * i, 4)));
            }
        }

        private void Require(Initializer info, long bytes, long needed)
        {
            if (bytes != needed)
            {
                throw new InvalidDataException($"{Name}: initializer '{info.Name}' of shape {ShapeText(info.Dims)} needs {needed.ToString(CultureInfo.InvariantCulture)} bytes of data, but the file gives {bytes.ToString(CultureInfo.InvariantCulture)} (truncated?).");
            }
        }

        private byte[] ReadExternal(Initializer info, ExternalData external, long needed)
        {
            if (_directory is null)
            {
                throw new InvalidDataException($"{Name}: initializer '{info.Name}' is stored in the external file '{external.Location}', and no directory was given to find it in.");
            }

            // The location is relative to the model's directory and must stay inside it, as ONNX requires.
            string path = Path.GetFullPath(Path.Combine(_directory, external.Location));
            string root = Path.GetFullPath(_directory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (Path.IsPathRooted(external.Location) || !path.StartsWith(root, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{Name}: initializer '{info.Name}' names the external file '{external.Location}', outside the model's directory.");
            }

            long length = external.Length ?? needed;
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read);
            if (external.Offset < 0 || length != needed || external.Offset + length > file.Length)
            {
                throw new InvalidDataException($"{Name}: initializer '{info.Name}' needs {needed.ToString(CultureInfo.InvariantCulture)} bytes at offset {external.Offset.ToString(CultureInfo.InvariantCulture)} of '{external.Location}', which holds {file.Length.ToString(CultureInfo.InvariantCulture)} bytes{(length != needed ? $" (its length says {length.ToString(CultureInfo.InvariantCulture)})" : string.Empty)} (truncated?).");
            }

            var data = new byte[length];
            file.Seek(external.Offset, SeekOrigin.Begin);
            int read = 0;
            while (read < data.Length && file.Read(data, read, data.Length - read) is int n and > 0)
            {
                read += n;
            }

            return data;
        }

        private Initializer Find(string tensor)
        {
            if (tensor is null)
            {
                throw new ArgumentNullException(nameof(tensor));
            }

            if (_tensors.TryGetValue(tensor, out Initializer? info))
            {
                return info;
            }

            string[] names = TensorNames.Take(8).ToArray();
            throw new ArgumentException($"'{Name}' has no initializer '{tensor}'; it has {_tensors.Count.ToString(CultureInfo.InvariantCulture)}{(names.Length == 0 ? string.Empty : ": '" + string.Join("', '", names) + "'" + (_tensors.Count > names.Length ? ", ..." : string.Empty))}.", nameof(tensor));
        }

        internal static string ShapeText(IEnumerable<long> dims) => "[" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

        private sealed class ExternalData
        {
            public ExternalData(string location, long offset, long? length) => (Location, Offset, Length) = (location, offset, length);

            public string Location { get; }

            public long Offset { get; }

            public long? Length { get; }
        }

        /// <summary>One TensorProto: its name, type, dims, and where its data is.</summary>
        private sealed class Initializer
        {
            public string Name { get; private set; } = string.Empty;
            public int Order { get; private set; }
            public int DataType { get; private set; }
            public List<long> Dims { get; } = new();
            public int RawStart { get; private set; }
            public int RawLength { get; private set; }
            public List<float>? Floats { get; private set; }
            public ExternalData? External { get; private set; }

            /// <summary>A Constant node's value goes by the node's output, whatever the tensor calls itself.</summary>
            public void Rename(string name) => Name = name;

            public static Initializer Read(ProtoReader tensor, int order)
            {
                var result = new Initializer { Order = order };
                bool external = false;
                string? location = null;
                long offset = 0;
                long? length = null;
                while (tensor.Next(out int field, out int wire))
                {
                    switch (field)
                    {
                        case 1:
                            tensor.ReadInt64s(wire, result.Dims);
                            break;
                        case 2:
                            tensor.Expect(wire, ProtoReader.Varint);
                            result.DataType = (int)tensor.ReadInt64();
                            break;
                        case 4:
                            result.Floats ??= new List<float>();
                            tensor.ReadFloats(wire, result.Floats);
                            break;
                        case 8:
                            tensor.Expect(wire, ProtoReader.LengthDelimited);
                            result.Name = tensor.ReadString();
                            break;
                        case 9:
                            tensor.Expect(wire, ProtoReader.LengthDelimited);
                            (result.RawStart, result.RawLength) = tensor.ReadBytes();
                            break;
                        case 13:
                            // external_data: key-value entries, location, offset and length.
                            tensor.Expect(wire, ProtoReader.LengthDelimited);
                            ProtoReader entry = tensor.ReadMessage();
                            string? key = null, value = null;
                            while (entry.Next(out int entryField, out int entryWire))
                            {
                                if (entryField is 1 or 2 && entryWire == ProtoReader.LengthDelimited)
                                {
                                    (entryField == 1 ? ref key : ref value) = entry.ReadString();
                                }
                                else
                                {
                                    entry.Skip(entryWire);
                                }
                            }

                            if (key == "location")
                            {
                                location = value;
                            }
                            else if (key == "offset" || key == "length")
                            {
                                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
                                {
                                    throw new InvalidDataException($"{tensor.File}: not a valid ONNX file: external data {key} '{value}' is not a whole number.");
                                }

                                if (key == "offset")
                                {
                                    offset = number;
                                }
                                else
                                {
                                    length = number;
                                }
                            }

                            break;
                        case 14:
                            tensor.Expect(wire, ProtoReader.Varint);
                            external = tensor.ReadInt64() == 1;
                            break;
                        default:
                            tensor.Skip(wire);
                            break;
                    }
                }

                if (result.Dims.Any(d => d < 0) || result.Dims.Aggregate(1.0, (a, b) => a * b) > int.MaxValue)
                {
                    throw new InvalidDataException($"{tensor.File}: initializer '{result.Name}' has shape {ShapeText(result.Dims)}, which no span can hold.");
                }

                if (external)
                {
                    result.External = new ExternalData(location ?? throw new InvalidDataException($"{tensor.File}: initializer '{result.Name}' is external but names no location."), offset, length);
                }

                return result;
            }
        }
    }
}
#endif
