using System.Text.Json;
using System.Text.Json.Serialization;

namespace KernelGen.Tests.Infrastructure;

/// <summary>One reference case computed by PyTorch (see Golden/README.md for the format).</summary>
public sealed class GoldenCase
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("op")] public string Op { get; set; } = "";
    [JsonPropertyName("rank")] public int Rank { get; set; }
    [JsonPropertyName("dtype")] public string DType { get; set; } = "";
    [JsonPropertyName("values")] public string Values { get; set; } = "";
    [JsonPropertyName("params")] public JsonElement Params { get; set; }
    [JsonPropertyName("input_shape")] public int[] InputShape { get; set; } = [];
    [JsonPropertyName("weight_shape")] public int[]? WeightShape { get; set; }
    [JsonPropertyName("bias")] public bool HasBias { get; set; }
    [JsonPropertyName("output_shape")] public int[] OutputShape { get; set; } = [];
    [JsonPropertyName("abs_tolerance")] public double Tolerance { get; set; }
    [JsonPropertyName("input")] public double[] Input { get; set; } = [];
    [JsonPropertyName("weight")] public double[]? Weight { get; set; }
    [JsonPropertyName("bias_values")] public double[]? Bias { get; set; }
    [JsonPropertyName("output")] public double[] Output { get; set; } = [];

    public bool IsDouble => DType == "float64";

    public int Batch => InputShape[0];

    public int[] IntArray(string name) => Params.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public double[] DoubleArray(string name) => Params.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public override string ToString() => Name;

    private sealed class GoldenFile
    {
        [JsonPropertyName("cases")] public List<GoldenCase> Cases { get; set; } = [];
    }

    /// <summary>The cases of one file in Golden/, copied next to the test assembly.</summary>
    public static IReadOnlyList<GoldenCase> Load(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", file);
        // Non-finite values are written as the strings "NaN", "Infinity" and "-Infinity" (edges.json).
        var options = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        return JsonSerializer.Deserialize<GoldenFile>(File.ReadAllText(path), options)!.Cases;
    }
}
