#if NETSTANDARD2_1_OR_GREATER
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Globalization;
using System.Linq;
using KernelGen.Weights;

namespace KernelGen
{
    /// <summary>
    /// A safetensors file, the format PyTorch users save state dicts in: an 8-byte little-endian header length, a JSON
    /// header of tensor name to dtype, shape and data offsets, then the raw little-endian data. The whole file is read
    /// and checked when it is opened (header length, JSON, every entry, and that the entries' data exactly tile the data
    /// section, without overlaps or holes); then <see cref="Read(string, Span{float}, ReadOnlySpan{int})"/> copies one
    /// tensor into a caller's buffer after checking its dtype and its shape. A bad file or a bad request throws with the
    /// file, the tensor and what is wrong, and writes nothing.
    /// </summary>
    /// <example><code>
    /// var weights = SafeTensorsFile.Open("autoencoder.safetensors");
    /// var w = new float[Model.Encode1Lengths.Weight];
    /// weights.Read("encoder.0.weight", w, Model.Encode1Lengths.WeightShape);
    /// </code></example>
    public sealed class SafeTensorsFile
    {
        private readonly byte[] _data;
        private readonly int _dataStart;
        private readonly Dictionary<string, SafeTensorInfo> _tensors;

        private SafeTensorsFile(string name, byte[] data, int dataStart, Dictionary<string, SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
        {
            Name = name;
            _data = data;
            _dataStart = dataStart;
            _tensors = tensors;
            Metadata = metadata;
        }

        /// <summary>The file's path, or the name given to <see cref="Parse"/>: what every message names.</summary>
        public string Name { get; }

        /// <summary>The tensors' names, in the order of their data.</summary>
        public IReadOnlyList<string> TensorNames => _tensors.Values.OrderBy(t => t.Begin).Select(t => t.Name).ToArray();

        /// <summary>The header's optional <c>__metadata__</c>: string to string.</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }

        /// <summary>Reads and checks the file at <paramref name="path"/>; <see cref="InvalidDataException"/> when it is not a valid safetensors file.</summary>
        public static SafeTensorsFile Open(string path) => Parse(File.ReadAllBytes(path), path);

        /// <summary>Checks <paramref name="bytes"/> as a safetensors file called <paramref name="name"/> in messages; keeps the array, does not copy it.</summary>
        public static SafeTensorsFile Parse(byte[] bytes, string name)
        {
            if (bytes is null)
            {
                throw new ArgumentNullException(nameof(bytes));
            }

            (int dataStart, Dictionary<string, SafeTensorInfo> tensors, Dictionary<string, string> metadata) = SafeTensorsHeader.Read(bytes, name);
            return new SafeTensorsFile(name, bytes, dataStart, tensors, metadata);
        }

        /// <summary>The dtype, shape and place of the tensor called <paramref name="tensor"/>; <see cref="ArgumentException"/> when there is none.</summary>
        public SafeTensorInfo this[string tensor] => Find(tensor);

        /// <summary>True when the file holds a tensor called <paramref name="tensor"/>.</summary>
        public bool Contains(string tensor) => _tensors.ContainsKey(tensor);

        /// <summary>
        /// Copies tensor <paramref name="tensor"/> into <paramref name="destination"/>, after checking that its shape is
        /// <paramref name="expectedShape"/> (such as a generated <c>Lengths.WeightShape</c>; dimensions of size 1 aside,
        /// which do not change the order of the elements) and the destination holds exactly its elements. F32 copies as is; F16 and BF16 widen exactly; F64 would lose precision and is refused.
        /// </summary>
        public void Read(string tensor, Span<float> destination, ReadOnlySpan<int> expectedShape)
        {
            SafeTensorInfo info = Check(tensor, destination.Length, expectedShape, "float");
            ReadOnlySpan<byte> bytes = Bytes(info);
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = SingleAt(info.DType, bytes, i);
            }
        }

        /// <summary>As <see cref="Read(string, Span{float}, ReadOnlySpan{int})"/> into doubles: F64 as is, F32, F16 and BF16 widened exactly.</summary>
        public void Read(string tensor, Span<double> destination, ReadOnlySpan<int> expectedShape)
        {
            SafeTensorInfo info = Check(tensor, destination.Length, expectedShape, "double");
            ReadOnlySpan<byte> bytes = Bytes(info);
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = info.DType == "F64" ? BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * 8))) : SingleAt(info.DType, bytes, i);
            }
        }

        /// <summary>Element <paramref name="i"/> of an F32, F16 or BF16 tensor, exactly.</summary>
        private static float SingleAt(string dtype, ReadOnlySpan<byte> bytes, int i) => dtype switch
        {
            "F32" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4))),
            "F16" => HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2))),
            _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2)) << 16),
        };

        private ReadOnlySpan<byte> Bytes(SafeTensorInfo info) => _data.AsSpan(_dataStart + (int)info.Begin, (int)(info.End - info.Begin));

        private SafeTensorInfo Find(string tensor)
        {
            if (tensor is null)
            {
                throw new ArgumentNullException(nameof(tensor));
            }

            if (_tensors.TryGetValue(tensor, out SafeTensorInfo? info))
            {
                return info;
            }

            throw new ArgumentException($"'{Name}' has no tensor '{HeaderJson.Shorten(tensor)}'; it holds {Held()}.", nameof(tensor));
        }

        /// <summary>What the file holds, for a message: every name when there are few, else the first few in data order and the count.</summary>
        private string Held()
        {
            const int listed = 8;
            IReadOnlyList<string> names = TensorNames;
            string Quoted(IEnumerable<string> some) => string.Join(", ", some.Select(HeaderJson.Shorten));
            return names.Count switch
            {
                0 => "no tensors",
                <= listed => "these tensors: " + Quoted(names),
                _ => $"{names.Count.ToString(CultureInfo.InvariantCulture)} tensors, the first {listed} in the order of their data: {Quoted(names.Take(listed))}, ...",
            };
        }

        private SafeTensorInfo Check(string tensor, int destinationLength, ReadOnlySpan<int> expectedShape, string element)
        {
            SafeTensorInfo info = Find(tensor);
            string expected = SafeTensorsHeader.ShapeText(expectedShape.ToArray());
            if (!WeightShapes.SameElementOrder(info.Shape.Select(d => (long)d), expectedShape))
            {
                throw new ArgumentException($"Tensor '{HeaderJson.Shorten(tensor)}' in '{Name}' has shape {info.ShapeText}, but the kernel expects {expected}.", nameof(expectedShape));
            }

            if (destinationLength != info.ElementCount)
            {
                throw new ArgumentException($"Tensor '{HeaderJson.Shorten(tensor)}' in '{Name}' has {info.ElementCount.ToString(CultureInfo.InvariantCulture)} elements (shape {info.ShapeText}), but the destination holds {destinationLength}.", "destination");
            }

            bool readable = element == "float" ? info.DType is "F32" or "F16" or "BF16" : info.DType is "F64" or "F32" or "F16" or "BF16";
            if (!readable)
            {
                string why = info.DType == "F64" ? "; reading it into float would round every value, read it into a double buffer" : string.Empty;
                throw new ArgumentException($"Tensor '{HeaderJson.Shorten(tensor)}' in '{Name}' has dtype {info.DType}, which KernelGen does not read into {element}{why} (it reads F32, F16, BF16{(element == "double" ? " and F64" : string.Empty)}).", nameof(tensor));
            }

            return info;
        }

        /// <summary>IEEE half to single, exactly: subnormal halves become normal singles.</summary>
        private static float HalfToSingle(ushort half)
        {
            int sign = (half & 0x8000) << 16, exponent = (half >> 10) & 0x1F, mantissa = half & 0x3FF;
            if (exponent == 0x1F)
            {
                return BitConverter.Int32BitsToSingle(sign | 0x7F800000 | (mantissa << 13));
            }

            if (exponent == 0)
            {
                float magnitude = mantissa * (1f / 16777216f); // mantissa * 2^-24
                return sign == 0 ? magnitude : -magnitude;
            }

            return BitConverter.Int32BitsToSingle(sign | ((exponent + 112) << 23) | (mantissa << 13));
        }
    }

    /// <summary>One tensor's entry in a safetensors header.</summary>
    public sealed class SafeTensorInfo
    {
        internal SafeTensorInfo(string name, string dtype, int[] shape, long elementCount, long begin, long end)
        {
            Name = name;
            DType = dtype;
            Shape = shape;
            ElementCount = elementCount;
            Begin = begin;
            End = end;
        }

        /// <summary>The tensor's name, such as <c>encoder.0.weight</c>.</summary>
        public string Name { get; }

        /// <summary>The dtype as the file writes it: <c>F32</c>, <c>F64</c>, <c>F16</c>, <c>BF16</c>, or another the reader only lists.</summary>
        public string DType { get; }

        /// <summary>The tensor's dimensions, outermost first.</summary>
        public IReadOnlyList<int> Shape { get; }

        /// <summary>The data's first byte, from the start of the data section.</summary>
        public long Begin { get; }

        /// <summary>The byte after the data, from the start of the data section.</summary>
        public long End { get; }

        /// <summary>The product of the dimensions.</summary>
        public long ElementCount { get; }

        internal string ShapeText => SafeTensorsHeader.ShapeText(Shape);
    }
}
#endif
