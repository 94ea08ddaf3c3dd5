using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using KernelGen.Onnx;

namespace KernelGen.Import
{
    /// <summary>
    /// Reads the graph of an ONNX model over the published field numbers of onnx.proto (ModelProto, GraphProto, NodeProto,
    /// AttributeProto, TensorProto, ValueInfoProto), with the run-time library's protocol-buffers reader; fields it does
    /// not use are skipped. A truncated or malformed file throws <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static class OnnxGraphReader
    {
        /// <summary>The most elements of a tensor whose values the importer keeps (shapes, scales, bounds; not weights).</summary>
        public const int SmallTensor = 64;

        public static OnnxGraph Read(string path) => Read(File.ReadAllBytes(path), path);

        public static OnnxGraph Read(byte[] bytes, string file)
        {
            var model = new ProtoReader(bytes, 0, bytes.Length, file);
            ProtoReader? graph = null;
            long opset = 0;
            while (model.Next(out int field, out int wire))
            {
                if (field == 7)
                {
                    model.Expect(wire, ProtoReader.LengthDelimited);
                    graph = model.ReadMessage();
                }
                else if (field == 8)
                {
                    // OperatorSetIdProto: domain 1, version 2; the default domain is "" (or "ai.onnx").
                    model.Expect(wire, ProtoReader.LengthDelimited);
                    ProtoReader set = model.ReadMessage();
                    string domain = string.Empty;
                    long version = 0;
                    while (set.Next(out int f, out int w))
                    {
                        if (f == 1 && w == ProtoReader.LengthDelimited)
                        {
                            domain = set.ReadString();
                        }
                        else if (f == 2 && w == ProtoReader.Varint)
                        {
                            version = set.ReadInt64();
                        }
                        else
                        {
                            set.Skip(w);
                        }
                    }

                    if (domain is "" or "ai.onnx")
                    {
                        opset = version;
                    }
                }
                else
                {
                    model.Skip(wire);
                }
            }

            if (graph is not { } g)
            {
                throw new InvalidDataException($"{file}: not an ONNX model: it has no graph (field 7 of ModelProto).");
            }

            return ReadGraph(g, bytes, file, opset);
        }

        private static OnnxGraph ReadGraph(ProtoReader graph, byte[] bytes, string file, long opset)
        {
            var nodes = new List<OnnxNode>();
            var inputs = new List<OnnxValue>();
            var outputs = new List<OnnxValue>();
            var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
            while (graph.Next(out int field, out int wire))
            {
                switch (field)
                {
                    case 1:
                        graph.Expect(wire, ProtoReader.LengthDelimited);
                        nodes.Add(ReadNode(graph.ReadMessage(), bytes, nodes.Count));
                        break;
                    case 5:
                        graph.Expect(wire, ProtoReader.LengthDelimited);
                        OnnxTensor tensor = ReadTensor(graph.ReadMessage(), bytes);
                        initializers[tensor.Name] = tensor;
                        break;
                    case 11:
                    case 12:
                        graph.Expect(wire, ProtoReader.LengthDelimited);
                        (field == 11 ? inputs : outputs).Add(ReadValue(graph.ReadMessage()));
                        break;
                    default:
                        graph.Skip(wire);
                        break;
                }
            }

            // Before IR version 4 the initializers are listed among the inputs too: those are not the model's inputs.
            return new OnnxGraph(file, opset, inputs.Where(i => !initializers.ContainsKey(i.Name)).ToArray(), outputs, nodes, initializers);
        }

        private static OnnxNode ReadNode(ProtoReader node, byte[] bytes, int index)
        {
            var inputs = new List<string>();
            var outputs = new List<string>();
            var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
            string name = string.Empty, op = string.Empty, domain = string.Empty;
            while (node.Next(out int field, out int wire))
            {
                switch (field)
                {
                    case 1:
                        node.Expect(wire, ProtoReader.LengthDelimited);
                        inputs.Add(node.ReadString());
                        break;
                    case 2:
                        node.Expect(wire, ProtoReader.LengthDelimited);
                        outputs.Add(node.ReadString());
                        break;
                    case 3:
                        node.Expect(wire, ProtoReader.LengthDelimited);
                        name = node.ReadString();
                        break;
                    case 4:
                        node.Expect(wire, ProtoReader.LengthDelimited);
                        op = node.ReadString();
                        break;
                    case 5:
                        node.Expect(wire, ProtoReader.LengthDelimited);
                        (string attributeName, OnnxAttribute value) = ReadAttribute(node.ReadMessage(), bytes);
                        attributes[attributeName] = value;
                        break;
                    case 7:
                        node.Expect(wire, ProtoReader.LengthDelimited);
                        domain = node.ReadString();
                        break;
                    default:
                        node.Skip(wire);
                        break;
                }
            }

            return new OnnxNode(index, name, op, domain, inputs, outputs, attributes);
        }

        private static (string Name, OnnxAttribute Value) ReadAttribute(ProtoReader attribute, byte[] bytes)
        {
            string name = string.Empty;
            long? i = null;
            float? f = null;
            string? s = null;
            OnnxTensor? t = null;
            var ints = new List<long>();
            var floats = new List<float>();
            bool other = false, hasInts = false, hasFloats = false;
            while (attribute.Next(out int field, out int wire))
            {
                switch (field)
                {
                    case 1:
                        name = attribute.ReadString();
                        break;
                    case 2:
                        attribute.Expect(wire, ProtoReader.Fixed32);
                        f = attribute.ReadFloat();
                        break;
                    case 3:
                        attribute.Expect(wire, ProtoReader.Varint);
                        i = attribute.ReadInt64();
                        break;
                    case 4:
                        attribute.Expect(wire, ProtoReader.LengthDelimited);
                        s = attribute.ReadString();
                        break;
                    case 5:
                        attribute.Expect(wire, ProtoReader.LengthDelimited);
                        t = ReadTensor(attribute.ReadMessage(), bytes);
                        break;
                    case 7:
                        hasFloats = true;
                        attribute.ReadFloats(wire, floats);
                        break;
                    case 8:
                        hasInts = true;
                        attribute.ReadInt64s(wire, ints);
                        break;
                    case 6 or 9 or 10 or 11 or 22 or 23 or 14 or 15:
                        other = true;
                        attribute.Skip(wire);
                        break;
                    default:
                        attribute.Skip(wire);
                        break;
                }
            }

            return (name, new OnnxAttribute
            {
                Int = i,
                Float = f,
                String = s,
                Tensor = t,
                Ints = hasInts ? ints : null,
                Floats = hasFloats ? floats : null,
                IsOther = other && i is null && f is null && s is null && t is null && !hasInts && !hasFloats,
            });
        }

        private static OnnxValue ReadValue(ProtoReader value)
        {
            string name = string.Empty;
            int elementType = 0;
            var dims = new List<long?>();
            var symbols = new List<string?>();
            while (value.Next(out int field, out int wire))
            {
                if (field == 1 && wire == ProtoReader.LengthDelimited)
                {
                    name = value.ReadString();
                }
                else if (field == 2 && wire == ProtoReader.LengthDelimited)
                {
                    // TypeProto.tensor_type (1): elem_type (1), shape (2) of dims (1): dim_value (1) or dim_param (2).
                    ProtoReader type = value.ReadMessage();
                    while (type.Next(out int tf, out int tw))
                    {
                        if (tf != 1 || tw != ProtoReader.LengthDelimited)
                        {
                            type.Skip(tw);
                            continue;
                        }

                        ProtoReader tensor = type.ReadMessage();
                        while (tensor.Next(out int f, out int w))
                        {
                            if (f == 1 && w == ProtoReader.Varint)
                            {
                                elementType = (int)tensor.ReadInt64();
                            }
                            else if (f == 2 && w == ProtoReader.LengthDelimited)
                            {
                                ProtoReader shape = tensor.ReadMessage();
                                while (shape.Next(out int sf, out int sw))
                                {
                                    if (sf != 1 || sw != ProtoReader.LengthDelimited)
                                    {
                                        shape.Skip(sw);
                                        continue;
                                    }

                                    ProtoReader dim = shape.ReadMessage();
                                    long? size = null;
                                    string? symbol = null;
                                    while (dim.Next(out int df, out int dw))
                                    {
                                        if (df == 1 && dw == ProtoReader.Varint)
                                        {
                                            size = dim.ReadInt64();
                                        }
                                        else if (df == 2 && dw == ProtoReader.LengthDelimited)
                                        {
                                            symbol = dim.ReadString();
                                        }
                                        else
                                        {
                                            dim.Skip(dw);
                                        }
                                    }

                                    dims.Add(size);
                                    symbols.Add(symbol);
                                }
                            }
                            else
                            {
                                tensor.Skip(w);
                            }
                        }
                    }
                }
                else
                {
                    value.Skip(wire);
                }
            }

            return new OnnxValue(name, elementType, dims, symbols);
        }

        /// <summary>A TensorProto's name, type, dims, and its values when it is small (<see cref="SmallTensor"/>).</summary>
        internal static OnnxTensor ReadTensor(ProtoReader tensor, byte[] bytes)
        {
            string name = string.Empty;
            int dataType = 0;
            var dims = new List<long>();
            var floats = new List<float>();
            var longs = new List<long>();
            (int Start, int Length)? raw = null;
            var doubles = new List<double>();
            while (tensor.Next(out int field, out int wire))
            {
                switch (field)
                {
                    case 1:
                        tensor.ReadInt64s(wire, dims);
                        break;
                    case 2:
                        tensor.Expect(wire, ProtoReader.Varint);
                        dataType = (int)tensor.ReadInt64();
                        break;
                    case 4:
                        tensor.ReadFloats(wire, floats);
                        break;
                    case 5 or 7:
                        tensor.ReadInt64s(wire, longs);
                        break;
                    case 8:
                        name = tensor.ReadString();
                        break;
                    case 9:
                        tensor.Expect(wire, ProtoReader.LengthDelimited);
                        raw = tensor.ReadBytes();
                        break;
                    case 10:
                        if (wire == ProtoReader.LengthDelimited)
                        {
                            ProtoReader packed = tensor.ReadMessage();
                            while (!packed.AtEnd)
                            {
                                doubles.Add(packed.ReadDouble());
                            }
                        }
                        else
                        {
                            tensor.Expect(wire, ProtoReader.Fixed64);
                            doubles.Add(tensor.ReadDouble());
                        }

                        break;
                    default:
                        tensor.Skip(wire);
                        break;
                }
            }

            double count = dims.Aggregate(1.0, (a, b) => a * b);
            List<double>? values = null;
            if (count <= SmallTensor && dims.All(d => d >= 0))
            {
                int n = (int)count;
                values = new List<double>();
                if (raw is { } r)
                {
                    int size = dataType switch { 1 or 6 => 4, 7 or 11 => 8, 9 or 2 or 3 => 1, _ => 0 };
                    if (size > 0 && r.Length == n * size)
                    {
                        var span = bytes.AsSpan(r.Start, r.Length);
                        for (int i = 0; i < n; i++)
                        {
                            values.Add(dataType switch
                            {
                                1 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(span.Slice(4 * i))),
                                6 => BinaryPrimitives.ReadInt32LittleEndian(span.Slice(4 * i)),
                                7 => BinaryPrimitives.ReadInt64LittleEndian(span.Slice(8 * i)),
                                11 => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(span.Slice(8 * i))),
                                3 => (sbyte)span[i],
                                _ => span[i],
                            });
                        }
                    }
                    else
                    {
                        values = null;
                    }
                }
                else
                {
                    values.AddRange(floats.Select(v => (double)v).Concat(longs.Select(v => (double)v)).Concat(doubles));
                    if (values.Count != n)
                    {
                        values = null;
                    }
                }
            }

            return new OnnxTensor(name, dataType, dims, values);
        }
    }
}
