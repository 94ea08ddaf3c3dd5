using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KernelGen.Tests.Fuzz;

/// <summary>
/// Seeded mutations of valid safetensors files, each read by <see cref="SafeTensorsFile.Parse"/> and judged by an
/// independent reading of the format's rules (System.Text.Json for the JSON, the checks written out below for the rest):
/// the reader must accept exactly the files those rules accept, read every tensor of an accepted file exactly as the
/// header places it, and refuse every other file with an <see cref="InvalidDataException"/> naming the file, in a
/// message of bounded length. Anything else it throws is a failure. Reproduce a run with its seed and count.
/// </summary>
public static class SafeTensorsMutations
{
    public sealed record Outcomes(int Accepted, List<string> Failures, HashSet<string> Reasons);

    private static readonly Dictionary<string, int> ElementBytes = new()
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1,
        ["U64"] = 8, ["U32"] = 4, ["U16"] = 2, ["U8"] = 1, ["BOOL"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
    };

    private static readonly string[] Numbers =
    [
        "0", "1", "2", "3", "4", "8", "-1", "-0", "1.0", "1e2", "0.5", "00", "1E400", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "9223372036854775808", "18446744073709551616", "-9223372036854775808", "65536",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "false", "[]", "{}", "[1]", "[[1]]", "\"x\"", "[null,null]", "[0,4,4]", "[0]", "[4,0]",
        "[2147483647,2147483647,2147483647,2147483647]", "[" + string.Join(",", Enumerable.Repeat("16", 28)) + "]",
        "[65536,65536,65536,65536,65536,65536,65536,0]", "{\"a\":1,\"a\":2}", "[1,]", "{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[0,1]}",
    ];

    private static readonly string[] Strings =
    [
        "\"\\uD800\"", "\"\\uDC00\"", "\"\\uD83D\\uDE00\"", "\"\\uD800\\u0041\"", "\"\\u0000\"", "\"a\\\"b\"", "\"\\x\"", "\"F32\"", "\"F64\"",
        "\"F16\"", "\"U8\"", "\"BOOL\"", "\"__metadata__\"", "\"\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"\u00e9\u4e2d\"",
    ];

    /// <summary>Valid files the mutations start from: every dtype, empty tensors, metadata, escaped and non-ASCII names, padding, extra fields.</summary>
    private static List<byte[]> Seeds()
    {
        return
        [
            Build("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"F64","shape":[2],"data_offsets":[24,40]}}""", 40),
            Build("""{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"bf":{"dtype":"BF16","shape":[2,1],"data_offsets":[8,12]},"z":{"dtype":"F32","shape":[0,3],"data_offsets":[12,12]}}""", 12),
            Build("""{"n\u00e9\\u00e9\\n\\"":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"i":{"dtype":"I64","shape":[1],"data_offsets":[3,11]}}   """, 11),
            Build("""{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"extra":{"dtype":"BOOL","shape":[2],"data_offsets":[4,6],"note":{"a":[1,{"b":null}],"c":"d"}}}""", 6),
            Build("{}", 0),
            Build("""{"a":{"dtype":"F32","shape":[1,1,2],"data_offsets":[8,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 16),
        ];

        static byte[] Build(string header, int dataLength)
        {
            var data = new byte[dataLength];
            for (int i = 0; i < dataLength; i++)
            {
                data[i] = (byte)((i * 37) + 11);
            }

            return SafeTensorsTests.File(header, data);
        }
    }

    public static Outcomes Run(int seed, int count)
    {
        var rng = new Random(seed);
        List<byte[]> seeds = Seeds();
        var failures = new List<string>();
        var reasons = new HashSet<string>();
        int accepted = 0;
        for (int i = 0; i < count; i++)
        {
            byte[] file = seeds[rng.Next(seeds.Count)];
            int steps = 1 + (rng.Next(4) == 0 ? rng.Next(3) : 0);
            for (int s = 0; s < steps; s++)
            {
                file = Mutate(rng, file);
            }

            string? failure = Judge(file, reasons, ref accepted);
            if (failure is not null)
            {
                failures.Add($"mutation {i} (seed {seed}): {failure}\n  header: {Header(file)}");
            }
        }

        return new Outcomes(accepted, failures, reasons);
    }

    private static string Header(byte[] file)
    {
        if (file.Length < 8)
        {
            return Convert.ToHexString(file);
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        int shown = (int)Math.Min(Math.Min(length, (ulong)(file.Length - 8)), 300);
        return $"length {length}, " + Encoding.UTF8.GetString(file, 8, shown);
    }

    private static byte[] Mutate(Random rng, byte[] file)
    {
        (string header, byte[] data)? parts = Split(file);
        int kind = rng.Next(parts is null ? 4 : 11);
        switch (kind)
        {
            case 0: // one byte set anywhere
            {
                if (file.Length == 0)
                {
                    return file;
                }

                byte[] copy = (byte[])file.Clone();
                copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
                return copy;
            }

            case 1: // cut short
                return file[..rng.Next(file.Length + 1)];
            case 2: // the header length rewritten: near its value or anything
            {
                byte[] copy = (byte[])file.Clone();
                if (copy.Length >= 8)
                {
                    ulong old = BinaryPrimitives.ReadUInt64LittleEndian(copy);
                    ulong length = rng.Next(3) switch { 0 => old + (ulong)rng.Next(-3, 4), 1 => (ulong)rng.NextInt64(), _ => ulong.MaxValue - (ulong)rng.Next(4) };
                    BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
                }

                return copy;
            }

            case 3: // data bytes added or removed at the end
                return rng.Next(2) == 0 ? [.. file, .. new byte[rng.Next(1, 9)]] : file[..Math.Max(0, file.Length - rng.Next(1, 9))];
        }

        (string text, byte[] body) = parts!.Value;
        string mutated = kind switch
        {
            4 => ReplaceMatch(rng, text, @"-?\d+(\.\d+)?([eE][+-]?\d+)?", Numbers),
            5 => ReplaceMatch(rng, text, "\"(?:[^\"\\\\]|\\\\.)*\"", Strings),
            6 => ReplaceMatch(rng, text, @"\[[^\[\]]*\]|\{[^{}]*\}|-?\d+|""[^""]*""", Values),
            7 => text.Remove(rng.Next(text.Length), 1),
            8 => text.Insert(rng.Next(text.Length + 1), JsonCharacters[rng.Next(JsonCharacters.Length)].ToString()),
            9 => DuplicateEntry(rng, text),
            _ => Respace(rng, text),
        };
        return SafeTensorsTests.File(mutated, body);
    }

    private const string JsonCharacters = "{}[],:\" 0-1.e\\u";

    /// <summary>The spaces taken out, and JSON's four white-space characters or a no-break space (not JSON's) put in somewhere.</summary>
    private static string Respace(Random rng, string text)
    {
        string tight = text.Replace(" ", "", StringComparison.Ordinal);
        return tight.Insert(rng.Next(tight.Length + 1), rng.Next(2) == 0 ? " \t\r\n" : "\u00a0");
    }

    private static string ReplaceMatch(Random rng, string text, string pattern, string[] replacements)
    {
        MatchCollection matches = Regex.Matches(text, pattern);
        if (matches.Count == 0)
        {
            return text;
        }

        Match match = matches[rng.Next(matches.Count)];
        return text[..match.Index] + replacements[rng.Next(replacements.Length)] + text[(match.Index + match.Length)..];
    }

    /// <summary>A copy of one tensor's entry added after the first member, under the same name or a new one.</summary>
    private static string DuplicateEntry(Random rng, string text)
    {
        Match entry = Regex.Match(text, "\"[^\"]*\":\\{\"dtype\"[^{}]*\\}");
        if (!entry.Success)
        {
            return text;
        }

        string copy = rng.Next(2) == 0 ? entry.Value : "\"copy" + entry.Value[1..];
        return text[..(entry.Index + entry.Length)] + "," + copy + text[(entry.Index + entry.Length)..];
    }

    private static (string Header, byte[] Data)? Split(byte[] file)
    {
        if (file.Length < 8)
        {
            return null;
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length > (ulong)(file.Length - 8))
        {
            return null;
        }

        try
        {
            string header = new UTF8Encoding(false, true).GetString(file, 8, (int)length);
            return header.Length == 0 ? null : (header, file[(8 + (int)length)..]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The reader against the rules; null when it behaved, else what went wrong.</summary>
    private static string? Judge(byte[] file, HashSet<string> reasons, ref int accepted)
    {
        string? rulesSay = Rules(file, out List<(string Name, string DType, int[] Shape, long Begin, long End)> expected);
        SafeTensorsFile read;
        try
        {
            read = SafeTensorsFile.Parse(file, "fuzz.safetensors");
        }
        catch (InvalidDataException error)
        {
            const string prefix = "'fuzz.safetensors' is not a valid safetensors file: ";
            if (!error.Message.StartsWith(prefix, StringComparison.Ordinal) || error.Message.Length > 600)
            {
                return "a message without the file's name or too long: " + error.Message[..Math.Min(error.Message.Length, 700)];
            }

            reasons.Add(Regex.Replace(error.Message[prefix.Length..], @"'[^']*'|\d+|\[[^\]]*\]|""[^""]*""|\{.*\}", "_"));
            return rulesSay is null ? "refused a file the rules accept: " + error.Message : null;
        }
        catch (Exception error)
        {
            return $"threw {error.GetType().Name}: {error.Message}";
        }

        if (rulesSay is not null)
        {
            return "accepted a file the rules refuse: " + rulesSay;
        }

        accepted++;
        if (!read.TensorNames.OrderBy(n => n, StringComparer.Ordinal).SequenceEqual(expected.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal)))
        {
            return "names differ: " + string.Join(", ", read.TensorNames);
        }

        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        foreach (var (name, dtype, shape, begin, end) in expected)
        {
            SafeTensorInfo info = read[name];
            if (info.DType != dtype || !info.Shape.SequenceEqual(shape) || info.Begin != begin || info.End != end)
            {
                return $"tensor '{name}' read as {info.DType} [{string.Join(",", info.Shape)}] [{info.Begin}, {info.End}]";
            }

            ReadOnlySpan<byte> bytes = file.AsSpan(dataStart + (int)begin, (int)(end - begin));
            int n = (int)info.ElementCount;
            if (dtype is "F32" or "F16" or "BF16")
            {
                var values = new float[n];
                read.Read(name, values, shape);
                for (int i = 0; i < n; i++)
                {
                    float want = dtype switch
                    {
                        "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]),
                        "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]),
                        _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16),
                    };
                    if (BitConverter.SingleToInt32Bits(want) != BitConverter.SingleToInt32Bits(values[i]) && !(float.IsNaN(want) && float.IsNaN(values[i])))
                    {
                        return $"tensor '{name}' element {i}: {values[i]:R}, the bytes say {want:R}";
                    }
                }
            }
            else if (dtype == "F64")
            {
                var values = new double[n];
                read.Read(name, values, shape);
                for (int i = 0; i < n; i++)
                {
                    if (BitConverter.DoubleToInt64Bits(values[i]) != BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]))
                    {
                        return $"tensor '{name}' element {i} differs";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The format's rules, read independently: null when the file is valid (with its tensors), else why not.</summary>
    private static string? Rules(byte[] file, out List<(string Name, string DType, int[] Shape, long Begin, long End)> tensors)
    {
        tensors = [];
        if (file.Length < 8)
        {
            return "shorter than 8 bytes";
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length > (ulong)(file.Length - 8) || length > 100_000_000)
        {
            return "header length out of range";
        }

        long dataLength = file.Length - 8 - (long)length;
        JsonDocument document;
        try
        {
            new UTF8Encoding(false, true).GetString(file, 8, (int)length);
            document = JsonDocument.Parse(file.AsMemory(8, (int)length), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (Exception error) when (error is JsonException or DecoderFallbackException)
        {
            return "not JSON: " + error.Message;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "not an object";
            }

            try
            {
                if (DuplicateOrBadName(document.RootElement) is { } bad)
                {
                    return bad;
                }
            }
            catch (InvalidOperationException error)
            {
                return "a string that is not UTF-16: " + error.Message; // System.Text.Json's word for a lone surrogate
            }

            foreach (JsonProperty entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object || entry.Value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    {
                        return "metadata not strings";
                    }

                    continue;
                }

                JsonElement value = entry.Value;
                if (value.ValueKind != JsonValueKind.Object
                    || !value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String || !ElementBytes.ContainsKey(dtype.GetString()!)
                    || !value.TryGetProperty("shape", out JsonElement shape) || Whole(shape, int.MaxValue) is not { } dims
                    || !value.TryGetProperty("data_offsets", out JsonElement offsets) || Whole(offsets, long.MaxValue) is not { Length: 2 } pair)
                {
                    return $"entry '{entry.Name}' malformed";
                }

                (long begin, long end) = ((long)pair[0], (long)pair[1]);
                BigInteger bytes = dims.Aggregate(BigInteger.One, (p, d) => p * d) * ElementBytes[dtype.GetString()!];
                if (end < begin || end > dataLength || bytes != end - begin)
                {
                    return $"entry '{entry.Name}' offsets wrong";
                }

                tensors.Add((entry.Name, dtype.GetString()!, dims.Select(d => (int)d).ToArray(), begin, end));
            }
        }

        long covered = 0;
        foreach (var tensor in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (tensor.Begin != covered)
            {
                return "overlap or hole";
            }

            covered = tensor.End;
        }

        return covered == dataLength ? null : "unclaimed data";
    }

    /// <summary>Digits only (no sign, fraction or exponent), each at most <paramref name="maximum"/>.</summary>
    private static ulong[]? Whole(JsonElement array, ulong maximum)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new List<ulong>();
        foreach (JsonElement item in array.EnumerateArray())
        {
            string raw = item.GetRawText();
            if (item.ValueKind != JsonValueKind.Number || !raw.All(char.IsAsciiDigit) || !ulong.TryParse(raw, out ulong v) || v > maximum)
            {
                return null;
            }

            values.Add(v);
        }

        return [.. values];
    }

    /// <summary>A member name given twice in one object, or a string that is not valid UTF-16 (a lone surrogate), anywhere.</summary>
    private static string? DuplicateOrBadName(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (!Utf16(property.Name) || !names.Add(property.Name))
                    {
                        return "a duplicate or invalid name";
                    }

                    if (DuplicateOrBadName(property.Value) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(DuplicateOrBadName).FirstOrDefault(r => r is not null);
            case JsonValueKind.String:
                return Utf16(element.GetString()!) ? null : "a lone surrogate";
            default:
                return null;
        }

        static bool Utf16(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(text[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
