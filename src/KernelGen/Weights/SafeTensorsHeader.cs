#if NETSTANDARD2_1_OR_GREATER
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
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

        /// <summary>
        /// The most bytes a header may have: the limit of the format's reference reader (huggingface/safetensors), which
        /// bounds what a file can make the reader do before a single tensor is read.
        /// </summary>
        public const long MaxHeaderBytes = 100_000_000;

        private static readonly string[] DTypes = ElementBytes.Keys.ToArray();

        private static readonly string[] Fields = { "dtype", "shape", "data_offsets" };

        /// <summary>Where the data section starts, the tensors by name and the metadata; <see cref="InvalidDataException"/> naming the file otherwise.</summary>
        public static (int DataStart, Dictionary<string, SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) Read(byte[] bytes, string file)
        {
            InvalidDataException Bad(string what) => new($"'{file}' is not a valid safetensors file: {what}.");
            if (bytes.Length < 8)
            {
                throw Bad($"it is {Number(bytes.Length)} bytes long, shorter than the 8-byte header length it must start with (truncated?)");
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            if (headerLength > (ulong)(bytes.Length - 8))
            {
                // Only a file that cannot be safetensors is named as something else: a valid header length can begin
                // with the same bytes as a pickle stream.
                if (PyTorchCheckpoint(bytes) is { } checkpoint)
                {
                    throw Bad($"it is a PyTorch checkpoint ({checkpoint}), not safetensors; save the weights with "
                        + "safetensors.torch.save_file(model.state_dict(), \"model.safetensors\") and read that file");
                }

                throw Bad($"its header length, {headerLength.ToString(CultureInfo.InvariantCulture)} bytes, runs past the end of the file ({Number(bytes.Length - 8)} bytes follow it; truncated?)");
            }

            if (headerLength > MaxHeaderBytes)
            {
                throw Bad($"its header length, {headerLength.ToString(CultureInfo.InvariantCulture)} bytes, is more than the {Number(MaxHeaderBytes)} bytes a safetensors header may have");
            }

            int dataStart = 8 + (int)headerLength;
            long dataLength = bytes.Length - dataStart;
            if (!HeaderJson.IsUtf8(bytes, 8, (int)headerLength))
            {
                throw Bad("its header is not UTF-8 text");
            }

            var json = new HeaderJson(bytes, 8, (int)headerLength);
            var tensors = new Dictionary<string, SafeTensorInfo>(System.StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(System.StringComparer.Ordinal);
            try
            {
                if (json.PeekValue() != '{')
                {
                    json.SkipValue(depth: 0);
                    json.End();
                    throw Bad("its header is not a JSON object of tensor names");
                }

                json.OpenObject();
                bool first = true, hasMetadata = false;
                while (json.NextMember(ref first, out int nameAt) is { } name)
                {
                    if (tensors.ContainsKey(name) || (hasMetadata && name == MetadataName))
                    {
                        throw json.ErrorAt(nameAt, $"no second member named \"{HeaderJson.Shorten(name)}\"");
                    }

                    if (name == MetadataName)
                    {
                        hasMetadata = true;
                        ReadMetadata(json, metadata, Bad);
                    }
                    else
                    {
                        tensors.Add(name, Tensor(json, name, dataLength, Bad));
                    }
                }

                json.End();
            }
            catch (HeaderJson.JsonError error)
            {
                throw Bad("its header is " + error.Message);
            }

            CheckTiling(tensors.Values, dataLength, Bad);
            return (dataStart, tensors, metadata);
        }

        private const string MetadataName = "__metadata__";

        /// <summary>
        /// What kind of PyTorch checkpoint the file is, from its first bytes, or null: <c>torch.save</c> writes a zip
        /// archive (since PyTorch 1.6) or, before, a pickle stream. Read as safetensors, their first 8 bytes make a
        /// header length of exabytes, which says nothing useful.
        /// </summary>
        private static string? PyTorchCheckpoint(byte[] bytes)
        {
            if (bytes[0] == (byte)'P' && bytes[1] == (byte)'K' && bytes[2] == 3 && bytes[3] == 4)
            {
                return "a zip archive, as torch.save writes";
            }

            return bytes[0] == 0x80 && bytes[1] >= 2 && bytes[1] <= 5 ? "a pickle stream, as older torch.save writes" : null;
        }

        private static void ReadMetadata(HeaderJson json, Dictionary<string, string> metadata, System.Func<string, InvalidDataException> bad)
        {
            int at = json.Position;
            if (json.PeekValue() != '{')
            {
                json.SkipValue(depth: 1);
                throw bad($"its __metadata__ is {json.Quote(at)}, not an object of strings");
            }

            json.OpenObject();
            bool first = true;
            while (json.NextMember(ref first, out int nameAt) is { } key)
            {
                if (metadata.ContainsKey(key))
                {
                    throw json.ErrorAt(nameAt, $"no second member named \"{HeaderJson.Shorten(key)}\"");
                }

                int valueAt = json.Position;
                if (json.PeekValue() != '"')
                {
                    json.SkipValue(depth: 2);
                    throw bad($"its __metadata__ is not an object of strings: \"{HeaderJson.Shorten(key)}\" is {json.Quote(valueAt)}");
                }

                metadata.Add(key, json.ReadString());
            }
        }

        /// <summary>One tensor's entry: its dtype, shape and data offsets, each checked, and their agreement.</summary>
        private static SafeTensorInfo Tensor(HeaderJson json, string name, long dataLength, System.Func<string, InvalidDataException> bad)
        {
            string shown = HeaderJson.Shorten(name);
            int entryAt = json.Position;
            if (json.PeekValue() != '{')
            {
                json.SkipValue(depth: 1);
                throw bad($"the entry of tensor '{shown}' is {json.Quote(entryAt)}, not an object");
            }

            json.OpenObject();
            string? dtype = null;
            int[]? shape = null;
            (long Begin, long End)? offsets = null;
            HashSet<string>? others = null;
            bool first = true;
            while (json.NextMember(ref first, out int fieldAt, Fields) is { } field)
            {
                bool seen = field switch
                {
                    "dtype" => dtype is not null,
                    "shape" => shape is not null,
                    "data_offsets" => offsets is not null,
                    _ => !(others ??= new HashSet<string>(System.StringComparer.Ordinal)).Add(field),
                };
                if (seen)
                {
                    throw json.ErrorAt(fieldAt, $"no second member named \"{HeaderJson.Shorten(field)}\"");
                }

                int at = json.Position;
                switch (field)
                {
                    case "dtype":
                        if (json.PeekValue() != '"')
                        {
                            json.SkipValue(depth: 2);
                            throw bad($"tensor '{shown}' has dtype {json.Quote(at)}; it must be a string such as \"F32\"");
                        }

                        dtype = json.ReadString(DTypes);
                        if (!ElementBytes.ContainsKey(dtype))
                        {
                            throw bad($"tensor '{shown}' has dtype '{HeaderJson.Shorten(dtype)}', which the format does not define");
                        }

                        break;
                    case "shape":
                        shape = json.ReadWholeNumbers(int.MaxValue, static value => (int)value)
                            ?? throw bad($"tensor '{shown}' has shape {json.Quote(at)}; it must be an array of whole numbers from 0 to {Number(int.MaxValue)}");
                        break;
                    case "data_offsets":
                        long[]? pair = json.ReadWholeNumbers(long.MaxValue, static value => (long)value);
                        if (pair is not { Length: 2 })
                        {
                            string count = pair is { Length: > 2 } ? $" ({Number(pair.Length)} numbers)" : string.Empty;
                            throw bad($"tensor '{shown}' has data_offsets {json.Quote(at)}{count}; it must be two whole numbers, [begin, end]");
                        }

                        offsets = (pair[0], pair[1]);
                        break;
                    default:
                        json.SkipValue(depth: 2);
                        break;
                }
            }

            if (dtype is null || shape is null || offsets is null)
            {
                string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
                throw bad($"tensor '{shown}' has no {missing}: its entry is {json.Quote(entryAt)}");
            }

            (long begin, long end) = offsets.Value;
            if (end < begin || end > dataLength)
            {
                string truncated = end > dataLength && begin <= end ? " (truncated?)" : string.Empty;
                throw bad($"tensor '{shown}' has data offsets [{Number(begin)}, {Number(end)}], outside the data section of {Number(dataLength)} bytes{truncated}");
            }

            // A product past long is a bad file, not an OverflowException: four dimensions of int.MaxValue claim 2^124 elements.
            long elements = ElementCount(shape);
            int elementBytes = ElementBytes[dtype];
            if (elements < 0 || elements > (end - begin) / elementBytes || elements * elementBytes != end - begin)
            {
                BigInteger needed = shape.Aggregate(BigInteger.One, (product, dim) => product * dim) * elementBytes;
                throw bad($"tensor '{shown}' of shape {HeaderJson.Shorten(ShapeText(shape))} and dtype {dtype} needs {needed.ToString(CultureInfo.InvariantCulture)} bytes, but its offsets [{Number(begin)}, {Number(end)}] hold {Number(end - begin)}");
            }

            return new SafeTensorInfo(name, dtype, shape, elements, begin, end);
        }

        /// <summary>The product of the dimensions; -1 when it passes <see cref="long.MaxValue"/> (0 whenever a dimension is 0).</summary>
        private static long ElementCount(int[] shape)
        {
            if (System.Array.IndexOf(shape, 0) >= 0)
            {
                return 0;
            }

            long product = 1;
            foreach (int dim in shape)
            {
                if (product > long.MaxValue / dim)
                {
                    return -1;
                }

                product *= dim;
            }

            return product;
        }

        internal static string ShapeText(IReadOnlyList<int> shape)
        {
            var text = new StringBuilder("[");
            for (int i = 0; i < shape.Count; i++)
            {
                text.Append(i == 0 ? string.Empty : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
                if (text.Length > 200)
                {
                    text.Append(", ... (" + Number(shape.Count) + " dimensions)");
                    break;
                }
            }

            return text.Append(']').ToString();
        }

        private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>The tensors' data, in order of their offsets, covers the data section exactly once: no overlap, no hole.</summary>
        private static void CheckTiling(IEnumerable<SafeTensorInfo> tensors, long dataLength, System.Func<string, InvalidDataException> bad)
        {
            long covered = 0;
            SafeTensorInfo? previous = null;
            foreach (SafeTensorInfo tensor in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
            {
                if (tensor.Begin < covered)
                {
                    throw bad($"the data of tensors '{HeaderJson.Shorten(previous!.Name)}' [{Number(previous.Begin)}, {Number(previous.End)}] and '{HeaderJson.Shorten(tensor.Name)}' [{Number(tensor.Begin)}, {Number(tensor.End)}] overlap");
                }

                if (tensor.Begin > covered)
                {
                    throw bad($"bytes {Number(covered)} to {Number(tensor.Begin)} of the data section belong to no tensor (a hole before '{HeaderJson.Shorten(tensor.Name)}')");
                }

                covered = tensor.End;
                previous = tensor;
            }

            if (covered != dataLength)
            {
                throw bad($"the data section has {Number(dataLength)} bytes, but the tensors end at byte {Number(covered)}");
            }
        }
    }
}
#endif
