#if NETSTANDARD2_1_OR_GREATER
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using KernelGen.Weights;

namespace KernelGen
{
    /// <summary>
    /// Reads and checks a safetensors header, every rule of the format, before any tensor is read: a file that passes
    /// holds exactly the tensors its header names, each inside the data section, none overlapping another, no byte
    /// of data unclaimed.
    /// </summary>
    internal static class SafeTensorsHeader
    {
        /// <summary>Bytes per element of each dtype the format defines.</summary>
        private static readonly Dictionary<string, int> ElementBytes = new()
        {
            ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
            ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1,
            ["U64"] = 8, ["U32"] = 4, ["U16"] = 2, ["U8"] = 1, ["BOOL"] = 1,
            ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        };

        /// <summary>Where the data section starts, the tensors by name and the metadata; <see cref="InvalidDataException"/> naming the file otherwise.</summary>
        public static (int DataStart, Dictionary<string, SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) Read(byte[] bytes, string file)
        {
            InvalidDataException Bad(string what) => new($"'{file}' is not a valid safetensors file: {what}.");
            if (bytes.Length < 8)
            {
                throw Bad($"it is {bytes.Length} bytes long, shorter than the 8-byte header length it must start with (truncated?)");
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            if (headerLength > (ulong)(bytes.Length - 8))
            {
                throw Bad($"its header length, {headerLength.ToString(CultureInfo.InvariantCulture)} bytes, runs past the end of the file ({bytes.Length - 8} bytes follow it; truncated?)");
            }

            int dataStart = 8 + (int)headerLength;
            long dataLength = bytes.Length - dataStart;
            string text;
            try
            {
                text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 8, (int)headerLength);
            }
            catch (DecoderFallbackException)
            {
                throw Bad("its header is not UTF-8 text");
            }

            object? root;
            try
            {
                root = HeaderJson.Parse(text);
            }
            catch (HeaderJson.JsonError error)
            {
                throw Bad("its header is " + error.Message);
            }

            if (root is not Dictionary<string, object?> entries)
            {
                throw Bad("its header is not a JSON object of tensor names");
            }

            var tensors = new Dictionary<string, SafeTensorInfo>();
            var metadata = new Dictionary<string, string>();
            foreach (KeyValuePair<string, object?> entry in entries)
            {
                if (entry.Key == "__metadata__")
                {
                    if (entry.Value is not Dictionary<string, object?> pairs || pairs.Any(p => p.Value is not string))
                    {
                        throw Bad("its __metadata__ is not an object of strings");
                    }

                    foreach (KeyValuePair<string, object?> pair in pairs)
                    {
                        metadata[pair.Key] = (string)pair.Value!;
                    }

                    continue;
                }

                tensors[entry.Key] = Tensor(entry.Key, entry.Value, dataLength, Bad);
            }

            CheckTiling(tensors.Values, dataLength, Bad);
            return (dataStart, tensors, metadata);
        }

        private static SafeTensorInfo Tensor(string name, object? value, long dataLength, System.Func<string, InvalidDataException> bad)
        {
            if (value is not Dictionary<string, object?> fields)
            {
                throw bad($"the entry of tensor '{name}' is not an object");
            }

            if (!fields.TryGetValue("dtype", out object? dtypeValue) || dtypeValue is not string dtype)
            {
                throw bad($"tensor '{name}' has no dtype string");
            }

            if (!ElementBytes.TryGetValue(dtype, out int elementBytes))
            {
                throw bad($"tensor '{name}' has dtype '{dtype}', which the format does not define");
            }

            int[] shape = Integers(fields, "shape", name, bad, int.MaxValue).Select(v => (int)v).ToArray();
            long[] offsets = Integers(fields, "data_offsets", name, bad, long.MaxValue);
            if (offsets.Length != 2)
            {
                throw bad($"tensor '{name}' has {offsets.Length} data offsets; it needs two, [begin, end]");
            }

            (long begin, long end) = (offsets[0], offsets[1]);
            if (end < begin || end > dataLength)
            {
                throw bad($"tensor '{name}' has data offsets [{begin}, {end}], outside the data section of {dataLength} bytes");
            }

            decimal elements = shape.Aggregate(1m, (product, dim) => product * dim);
            if (elements * elementBytes != end - begin)
            {
                throw bad($"tensor '{name}' of shape [{string.Join(", ", shape)}] and dtype {dtype} needs {elements * elementBytes} bytes, but its offsets [{begin}, {end}] hold {end - begin}");
            }

            return new SafeTensorInfo(name, dtype, shape, begin, end);
        }

        /// <summary>A field that must be an array of non-negative integers.</summary>
        private static long[] Integers(Dictionary<string, object?> fields, string field, string name, System.Func<string, InvalidDataException> bad, long maximum)
        {
            if (!fields.TryGetValue(field, out object? value) || value is not List<object?> items)
            {
                throw bad($"tensor '{name}' has no {field} array");
            }

            var numbers = new long[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                if (items[i] is not decimal number || number < 0 || number > maximum)
                {
                    throw bad($"tensor '{name}' has {field} [{string.Join(", ", items.Select(v => System.Convert.ToString(v, CultureInfo.InvariantCulture)))}]; each must be a whole number from 0 to {maximum}");
                }

                numbers[i] = (long)number;
            }

            return numbers;
        }

        /// <summary>The tensors' data, in order of their offsets, covers the data section exactly once: no overlap, no hole.</summary>
        private static void CheckTiling(IEnumerable<SafeTensorInfo> tensors, long dataLength, System.Func<string, InvalidDataException> bad)
        {
            long covered = 0;
            SafeTensorInfo? previous = null;
            foreach (SafeTensorInfo tensor in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
            {
                if (tensor.Begin < covered)
                {
                    throw bad($"the data of tensors '{previous!.Name}' [{previous.Begin}, {previous.End}] and '{tensor.Name}' [{tensor.Begin}, {tensor.End}] overlap");
                }

                if (tensor.Begin > covered)
                {
                    throw bad($"bytes {covered} to {tensor.Begin} of the data section belong to no tensor (a hole before '{tensor.Name}')");
                }

                covered = tensor.End;
                previous = tensor;
            }

            if (covered != dataLength)
            {
                throw bad($"the data section has {dataLength} bytes, but the tensors end at byte {covered}");
            }
        }
    }
}
#endif
