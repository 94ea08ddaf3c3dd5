using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using KernelGen.Tests.Fuzz;
using static KernelGen.Tests.SafeTensorsTests;

namespace KernelGen.Tests;

/// <summary>
/// The safetensors reader on hostile files: shapes whose element count overflows every integer type, headers of tens
/// of megabytes, values of the wrong JSON kind, lone surrogates, and 24,000 seeded mutations of valid files. The rule
/// each must hold: an <see cref="InvalidDataException"/> naming the file and quoting the offending JSON, or a file whose
/// every tensor reads back exactly the bytes its header places, checked here against the format's rules independently.
/// </summary>
public sealed class SafeTensorsHostileTests
{
    private static InvalidDataException Refused(string header, byte[] data) =>
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(File(header, data), "hostile.safetensors"));

    private static string Dims(int count, string dim) => "[" + string.Join(",", Enumerable.Repeat(dim, count)) + "]";

    [Fact]
    public void Element_counts_past_every_integer_type_are_a_bad_file_not_an_overflow()
    {
        var huge = Refused($$$"""{"a":{"dtype":"F32","shape":{{{Dims(4, "2147483647")}}},"data_offsets":[0,4]}}""", Singles(1));
        BigInteger bytes = BigInteger.Pow(int.MaxValue, 4) * 4;
        Assert.Contains($"tensor 'a' of shape [2147483647, 2147483647, 2147483647, 2147483647] and dtype F32 needs {bytes} bytes, but its offsets [0, 4] hold 4", huge.Message);

        var sixteens = Refused($$$"""{"a":{"dtype":"F32","shape":{{{Dims(28, "16")}}},"data_offsets":[0,4]}}""", Singles(1));
        Assert.Contains($"needs {BigInteger.Pow(16, 28) * 4} bytes", sixteens.Message);

        // A zero anywhere makes the tensor empty, however large the dimensions before it.
        var empty = SafeTensorsFile.Parse(File($$$"""{"a":{"dtype":"U8","shape":[{{{string.Join(",", Enumerable.Repeat("65536", 7))}}},0],"data_offsets":[0,0]}}""", []), "empty");
        Assert.Equal(0, empty["a"].ElementCount);
        Refused($$$"""{"a":{"dtype":"U8","shape":[{{{string.Join(",", Enumerable.Repeat("65536", 7))}}},0],"data_offsets":[0,4]}}""", Singles(1));
    }

    public static TheoryData<string, string, string> WrongKinds() => new()
    {
        { "a fraction in the shape", """{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}""", "tensor 'a' has shape [1.0]; it must be an array of whole numbers" },
        { "a nested array in the shape", """{"a":{"dtype":"F32","shape":[[1]],"data_offsets":[0,4]}}""", "tensor 'a' has shape [[1]]; it must be an array of whole numbers" },
        { "a dimension past int", """{"a":{"dtype":"F32","shape":[2147483648],"data_offsets":[0,4]}}""", "tensor 'a' has shape [2147483648]; it must be an array of whole numbers from 0 to 2147483647" },
        { "null offsets", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[null, null]}}""", "tensor 'a' has data_offsets [null, null]; it must be two whole numbers, [begin, end]" },
        { "an offset past long", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,9223372036854775808]}}""", "has data_offsets [0,9223372036854775808]; it must be two whole numbers" },
        { "a shape that is a string", """{"a":{"dtype":"F32","shape":"[1]","data_offsets":[0,4]}}""", "tensor 'a' has shape \"[1]\"; it must be an array" },
        { "a dtype that is a number", """{"a":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}""", "tensor 'a' has dtype 32; it must be a string such as \"F32\"" },
        { "a duplicate field", """{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "expected no second member named \"dtype\"" },
        { "a lone high surrogate", """{"\uD800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "expected a low surrogate escape after the high surrogate \\uD800" },
        { "a high surrogate before a letter", """{"\uD800\u0041":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "expected a low surrogate escape after the high surrogate \\uD800" },
        { "a lone low surrogate", """{"\uDC00":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "expected no low surrogate \\uDC00 without a high surrogate before it" },
        { "a long shape quoted short", "{\"a\":{\"dtype\":\"F32\",\"shape\":[" + string.Join(",", Enumerable.Repeat("1", 1000)) + ",-1],\"data_offsets\":[0,4]}}", "... (2004 characters); it must be an array" },
    };

    [Theory]
    [MemberData(nameof(WrongKinds))]
    public void A_value_of_the_wrong_kind_is_quoted_as_the_file_writes_it(string description, string header, string expected)
    {
        string message = Refused(header, Singles(1)).Message;
        Assert.True(message.Contains(expected, StringComparison.Ordinal), $"{description}: {message}");
        Assert.True(message.Length < 400, $"{description}: a message of {message.Length} characters");
    }

    /// <summary>torch.save's files, zip (PyTorch 1.6 on) and pickle (before), are named as what they are, with the way to export safetensors.</summary>
    [Theory]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 8, 0 }, "it is a PyTorch checkpoint (a zip archive, as torch.save writes), not safetensors; save the weights with safetensors.torch.save_file(model.state_dict(), \"model.safetensors\")")]
    [InlineData(new byte[] { 0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20 }, "it is a PyTorch checkpoint (a pickle stream, as older torch.save writes)")]
    public void A_PyTorch_checkpoint_is_named_as_one(byte[] start, string expected)
    {
        byte[] bytes = [.. start, .. new byte[100]];
        string message = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes, "model.pt")).Message;
        Assert.Contains(expected, message);
    }

    /// <summary>A safetensors header of 640 bytes starts with the bytes of a pickle stream (0x80, 0x02): it is read, not refused.</summary>
    [Fact]
    public void A_header_length_that_looks_like_a_pickle_is_still_read()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        header = header.PadRight(640);
        var file = SafeTensorsFile.Parse(File(header, Singles(3)), "pickle-like");
        var a = new float[1];
        file.Read("a", a, [1]);
        Assert.Equal(3, a[0]);
    }

    [Fact]
    public void A_surrogate_pair_is_one_character()
    {
        var file = SafeTensorsFile.Parse(File("""{"w\uD83D\uDE00":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Singles(5)), "pair");
        var w = new float[1];
        file.Read("w\U0001F600", w, [1]);
        Assert.Equal(5, w[0]);
    }

    [Fact]
    public void A_missing_tensor_names_a_few_of_many_and_the_count()
    {
        const int count = 160_000;
        var header = new StringBuilder("{");
        for (int i = 0; i < count; i++)
        {
            header.Append(i == 0 ? "" : ",").Append($$"""
                "layer{{i}}.weight":{"dtype":"U8","shape":[1],"data_offsets":[{{i}},{{i + 1}}]}
                """);
        }

        var file = SafeTensorsFile.Parse(File(header.Append('}').ToString(), new byte[count]), "many");
        string message = Assert.Throws<ArgumentException>(() => file.Read("layer.weight", new float[1], [1])).Message;
        Assert.Contains("has no tensor 'layer.weight'; it holds 160000 tensors, the first 8 in the order of their data: layer0.weight, layer1.weight,", message);
        Assert.True(message.Length < 400, message);
    }

    [Fact]
    public void A_header_past_the_format_limit_is_refused_before_it_is_read()
    {
        var bytes = new byte[8 + 100_000_001];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 100_000_001);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes, "big"));
        Assert.Contains("its header length, 100000001 bytes, is more than the 100000000 bytes a safetensors header may have", error.Message);
    }

    /// <summary>
    /// Memory linear in the header with a small constant: a shape of three million ones (6 MB of header, 12 MB as
    /// ints) and 100,000 tensors. The reader that built a tree of boxed numbers allocated 28 to 47 times the header.
    /// </summary>
    [Fact]
    public void Large_headers_are_read_in_memory_a_few_times_their_size()
    {
        string ones = $$$"""{"a":{"dtype":"U8","shape":{{{Dims(3_000_000, "1")}}},"data_offsets":[0,1]}}""";
        Assert.InRange(AllocatedPerHeaderByte(File(ones, [7])), 0, 6);

        var many = new StringBuilder("{");
        for (int i = 0; i < 100_000; i++)
        {
            many.Append(i == 0 ? "" : ",").Append($$"""
                "decoder.blocks.{{i}}.conv.weight":{"dtype":"U8","shape":[1,1,1,1],"data_offsets":[{{i}},{{i + 1}}]}
                """);
        }

        Assert.InRange(AllocatedPerHeaderByte(File(many.Append('}').ToString(), new byte[100_000])), 0, 6);

        static double AllocatedPerHeaderByte(byte[] bytes)
        {
            SafeTensorsFile.Parse(bytes, "warm-up");
            long before = GC.GetAllocatedBytesForCurrentThread();
            SafeTensorsFile.Parse(bytes, "measured");
            return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)(long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        }
    }

    /// <summary>
    /// 24,000 mutations of valid files, seeded: bytes set, inserted, deleted and cut; the header length rewritten;
    /// numbers, strings and whole values swapped for hostile ones. See <see cref="SafeTensorsMutations"/>.
    /// KERNELGEN_MUTATIONS and KERNELGEN_MUTATIONS_SEED run another count or seed.
    /// </summary>
    [Fact]
    public void Mutated_files_are_read_exactly_or_refused_with_a_reason()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("KERNELGEN_MUTATIONS"), out int asked) ? asked : 24_000;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("KERNELGEN_MUTATIONS_SEED"), out int given) ? given : 31;
        var outcomes = SafeTensorsMutations.Run(seed, count);
        Assert.True(outcomes.Failures.Count == 0, $"{outcomes.Failures.Count} of {count} (seed {seed}):\n" + string.Join("\n", outcomes.Failures.Take(5)));
        // The mutations reach both outcomes, and the refusals reach many of the reader's rules.
        Assert.InRange(outcomes.Accepted, count / 50, count - (count / 50));
        Assert.True(outcomes.Reasons.Count >= 25, "reasons reached: " + string.Join(" | ", outcomes.Reasons));
    }
}
