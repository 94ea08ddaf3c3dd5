using System.Buffers.Binary;
using System.Text;

namespace KernelGen.Tests;

/// <summary>
/// The safetensors reader against files built byte by byte here, by the format's specification: an 8-byte
/// little-endian header length, the JSON header, the data. Every bad file and bad request must throw a message that
/// names the file, the tensor and the fault, and must leave the destination as it was.
/// </summary>
public sealed class SafeTensorsTests
{
    /// <summary>A file of the given header text and data bytes, the header length written as the format says.</summary>
    internal static byte[] File(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    internal static byte[] Singles(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), BitConverter.SingleToInt32Bits(values[i]));
        }

        return bytes;
    }

    private static byte[] Doubles(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), BitConverter.DoubleToInt64Bits(values[i]));
        }

        return bytes;
    }

    private static byte[] Halves(params ushort[] bits)
    {
        var bytes = new byte[bits.Length * 2];
        for (int i = 0; i < bits.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), bits[i]);
        }

        return bytes;
    }

    /// <summary>Two tensors, a weight [2, 1, 3] in F32 and a bias [2] in F64, with metadata, as PyTorch users save them.</summary>
    private static byte[] TwoTensors()
    {
        byte[] data = [.. Singles(1, -2, 3.5f, 0, float.MaxValue, -0f), .. Doubles(0.1, -1e300)];
        return File("""{"__metadata__":{"format":"pt"},"layer.weight":{"dtype":"F32","shape":[2,1,3],"data_offsets":[0,24]},"layer.bias":{"dtype":"F64","shape":[2],"data_offsets":[24,40]}}""", data);
    }

    [Fact]
    public void Reads_every_tensor_with_its_values_dtype_and_shape()
    {
        SafeTensorsFile file = SafeTensorsFile.Parse(TwoTensors(), "two.safetensors");
        Assert.Equal(["layer.weight", "layer.bias"], file.TensorNames);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("F32", file["layer.weight"].DType);
        Assert.Equal([2, 1, 3], file["layer.weight"].Shape);

        var weight = new float[6];
        file.Read("layer.weight", weight, [2, 1, 3]);
        Assert.Equal([1, -2, 3.5f, 0, float.MaxValue, -0f], weight);
        Assert.True(float.IsNegative(weight[5]));

        var bias = new double[2];
        file.Read("layer.bias", bias, [2]);
        Assert.Equal([0.1, -1e300], bias);

        // F32 widens into doubles exactly.
        var wide = new double[6];
        file.Read("layer.weight", wide, [2, 1, 3]);
        Assert.Equal([1, -2, 3.5, 0, float.MaxValue, 0], wide);
    }

    /// <summary>F16 and BF16 widen exactly, subnormals, infinities, NaN and signed zeros included.</summary>
    [Fact]
    public void Widens_half_and_bfloat16_exactly()
    {
        // F16: 1, -2, 65504 (largest), 2^-24 (smallest subnormal), 2^-14 (smallest normal), +inf, NaN, -0.
        ushort[] halves = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0400, 0x7C00, 0x7E00, 0x8000];
        // BF16: the upper half of a float's bits.
        float[] bfloats = [1f, -3.25f, 1e38f, float.NegativeInfinity];
        ushort[] upper = bfloats.Select(f => (ushort)(BitConverter.SingleToInt32Bits(f) >>> 16)).ToArray();
        byte[] data = [.. Halves(halves), .. Halves(upper)];
        var file = SafeTensorsFile.Parse(File("""{"h":{"dtype":"F16","shape":[8],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[16,24]}}""", data), "half.safetensors");

        var h = new float[8];
        file.Read("h", h, [8]);
        Assert.Equal([1f, -2f, 65504f, MathF.Pow(2, -24), MathF.Pow(2, -14), float.PositiveInfinity], h[..6]);
        Assert.True(float.IsNaN(h[6]));
        Assert.True(h[7] == 0 && float.IsNegative(h[7]));
        var hd = new double[8];
        file.Read("h", hd, [8]);
        Assert.Equal(h.Select(v => (double)v).ToArray()[..6], hd[..6]);

        var b = new float[4];
        file.Read("b", b, [2, 2]);
        Assert.Equal(bfloats.Select(f => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(f) & unchecked((int)0xFFFF0000))).ToArray(), b);
    }

    /// <summary>PyTorch's [C_out, C_in, 1, 1] for a 1x1 convolution is the kernel's [C_out, C_in]: the same elements in the same order.</summary>
    [Fact]
    public void Dimensions_of_size_one_do_not_change_the_shape_check()
    {
        var file = SafeTensorsFile.Parse(File("""{"pw":{"dtype":"F32","shape":[2,3,1,1],"data_offsets":[0,24]}}""", Singles(1, 2, 3, 4, 5, 6)), "pw");
        var weight = new float[6];
        file.Read("pw", weight, [2, 3]);
        Assert.Equal([1, 2, 3, 4, 5, 6], weight);
        Assert.Throws<ArgumentException>(() => file.Read("pw", weight, [3, 2]));
    }

    [Fact]
    public void Spaces_after_the_header_and_an_empty_file_of_tensors_are_valid()
    {
        // Writers pad the header with spaces so that the data starts aligned.
        var padded = SafeTensorsFile.Parse(File("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}      """, Singles(7)), "padded");
        var x = new float[1];
        padded.Read("x", x, [1]);
        Assert.Equal(7, x[0]);
        Assert.Empty(SafeTensorsFile.Parse(File("{}", []), "empty").TensorNames);
    }

    public static TheoryData<string, byte[], string> BadFiles() => new()
    {
        { "truncated before the header length", [1, 2, 3, 4, 5], "it is 5 bytes long, shorter than the 8-byte header length it must start with" },
        { "header length past the end", Truncate(TwoTensors(), 20), "runs past the end of the file (12 bytes follow it; truncated?)" },
        { "data cut short", Truncate(TwoTensors(), TwoTensors().Length - 3), "tensor 'layer.bias' has data offsets [24, 40], outside the data section of 37 bytes (truncated?)" },
        { "malformed JSON: trailing comma", File("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},}""", Singles(1)), "malformed JSON at byte 55 of the header (counting from 1): expected a member name in double quotes, found '}'" },
        { "malformed JSON: unclosed", File("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""", Singles(1)), "expected ',' or '}', found the end of the header" },
        { "malformed JSON: bare word", File("""{"x":{"dtype":F32}}""", []), "malformed JSON at byte 15 of the header (counting from 1): expected a value, found 'F'" },
        { "malformed JSON: leading zero", File("""{"x":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}""", Singles(1)), "expected a number (digits, no leading zero)" },
        { "duplicate name", File("""{"x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"x":{}}""", []), "expected no second member named \"x\"" },
        { "not an object", File("[1, 2]", []), "its header is not a JSON object of tensor names" },
        { "not UTF-8", File("{}", []).Select((b, i) => i == 8 ? (byte)0xFF : b).ToArray(), "its header is not UTF-8 text" },
        { "overlap", File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", Singles(1, 2, 3)), "the data of tensors 'a' [0, 8] and 'b' [4, 12] overlap" },
        { "hole", File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", Singles(1, 2, 3)), "bytes 4 to 8 of the data section belong to no tensor (a hole before 'b')" },
        { "unclaimed tail", File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Singles(1, 2)), "the data section has 8 bytes, but the tensors end at byte 4" },
        { "offsets reversed", File("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}""", Singles(1)), "tensor 'a' has data offsets [4, 0], outside the data section of 4 bytes" },
        { "bytes disagree with the shape", File("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", Singles(1, 2)), "tensor 'a' of shape [3] and dtype F32 needs 12 bytes, but its offsets [0, 8] hold 8" },
        { "negative dimension", File("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", Singles(1)), "tensor 'a' has shape [-1]; it must be an array of whole numbers from 0 to 2147483647" },
        { "fractional offset", File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}""", Singles(1)), "tensor 'a' has data_offsets [0,4.5]; it must be two whole numbers, [begin, end]" },
        { "three offsets", File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}""", Singles(1)), "tensor 'a' has data_offsets [0,4,4] (3 numbers); it must be two whole numbers, [begin, end]" },
        { "unknown dtype", File("""{"a":{"dtype":"F12","shape":[1],"data_offsets":[0,4]}}""", Singles(1)), "tensor 'a' has dtype 'F12', which the format does not define" },
        { "no dtype", File("""{"a":{"shape":[1],"data_offsets":[0,4]}}""", Singles(1)), "tensor 'a' has no dtype: its entry is {\"shape\":[1],\"data_offsets\":[0,4]}" },
        { "entry not an object", File("""{"a":[1]}""", []), "the entry of tensor 'a' is [1], not an object" },
        { "metadata not strings", File("""{"__metadata__":{"epochs":3}}""", []), "its __metadata__ is not an object of strings: \"epochs\" is 3" },
    };

    private static byte[] Truncate(byte[] bytes, int length) => bytes[..length];

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_refused_with_the_file_and_the_fault(string description, byte[] bytes, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes, "model.safetensors"));
        Assert.StartsWith("'model.safetensors' is not a valid safetensors file: ", error.Message);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{description}: {error.Message}");
    }

    [Fact]
    public void Open_reads_a_file_from_disk_and_names_it()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kernelgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            System.IO.File.WriteAllBytes(path, TwoTensors());
            Assert.Equal(2, SafeTensorsFile.Open(path).TensorNames.Count);
            System.IO.File.WriteAllBytes(path, [1, 2]);
            Assert.Contains($"'{path}' is not a valid safetensors file", Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Open(path)).Message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    public static TheoryData<string, string, int, int[], string> BadRequests() => new()
    {
        { "missing name", "layer.wieght", 6, [2, 1, 3], "'two.safetensors' has no tensor 'layer.wieght'; it holds these tensors: layer.weight, layer.bias." },
        { "wrong shape", "layer.weight", 6, [3, 1, 2], "Tensor 'layer.weight' in 'two.safetensors' has shape [2, 1, 3], but the kernel expects [3, 1, 2]." },
        { "wrong rank", "layer.weight", 6, [6], "has shape [2, 1, 3], but the kernel expects [6]." },
        { "short destination", "layer.weight", 5, [2, 1, 3], "Tensor 'layer.weight' in 'two.safetensors' has 6 elements (shape [2, 1, 3]), but the destination holds 5." },
        { "F64 into floats", "layer.bias", 2, [2], "Tensor 'layer.bias' in 'two.safetensors' has dtype F64, which KernelGen does not read into float; reading it into float would round every value" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void A_bad_request_throws_and_writes_nothing(string description, string tensor, int length, int[] shape, string expected)
    {
        SafeTensorsFile file = SafeTensorsFile.Parse(TwoTensors(), "two.safetensors");
        float[] destination = Enumerable.Repeat(42f, length).ToArray();
        var error = Assert.ThrowsAny<ArgumentException>(() => file.Read(tensor, destination, shape));
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{description}: {error.Message}");
        Assert.All(destination, v => Assert.Equal(42f, v));
    }
}
