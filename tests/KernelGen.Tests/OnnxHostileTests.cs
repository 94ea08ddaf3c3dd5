using KernelGen.Import;
using KernelGen.Tests.Fuzz;

namespace KernelGen.Tests;

/// <summary>The ONNX importer and the run-time weight reader on mutated and truncated models (<see cref="OnnxMutations"/>).</summary>
public sealed class OnnxHostileTests
{
    /// <summary>Mutations per zoo model on every run; KERNELGEN_ONNX_MUTATIONS asks for more (docs/reliability.md).</summary>
    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("KERNELGEN_ONNX_MUTATIONS"), out int n) ? n : 3000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("KERNELGEN_ONNX_MUTATIONS_SEED"), out int s) ? s : 27;

    /// <summary>Every model of the zoo (<see cref="ImportTests.Zoo"/>, and the one of several inputs and outputs).</summary>
    public static TheoryData<string> ZooModels()
    {
        var names = new TheoryData<string> { "guided_heads" };
        foreach (object[] row in ImportTests.Zoo())
        {
            names.Add((string)row[0]);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(ZooModels))]
    public void Mutated_models_are_imported_or_refused_with_a_reason(string name)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Zoo", name + ".onnx"));
        var failures = new List<string>();
        int imported = 0, refused = 0;
        foreach (var (description, bytes) in OnnxMutations.Generate(original, Count, Seed + name.Length))
        {
            try
            {
                string source = ModelSourceWriter.Write(ModelImporter.Import(OnnxGraphReader.Read(bytes, "mutated.onnx")), "M", null);
                Assert.NotEmpty(source);
                imported++;
            }
            catch (Exception e) when (e is InvalidDataException or ImportException)
            {
                Assert.Contains("mutated.onnx", e.Message);
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"{description}: importer threw {e.GetType().Name}: {e.Message} {string.Join(" < ", (e.StackTrace ?? string.Empty).Split('\n').Take(3).Select(l => l.Trim()))}");
            }

            try
            {
                OnnxWeightsProbe(bytes);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains("mutated.onnx", e.Message);
            }
            catch (Exception e)
            {
                failures.Add($"{description}: weight reader threw {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Count} ({imported} imported, {refused} refused):\n" + string.Join("\n", failures.Distinct().Take(20)));
        Assert.True(refused > 0 && imported > 0, $"{imported} imported, {refused} refused: the mutations should reach both outcomes");
    }

    /// <summary>Parses the initializers and reads each one whose shape a span can hold into a buffer of its size.</summary>
    private static void OnnxWeightsProbe(byte[] bytes)
    {
        OnnxWeights weights = OnnxWeights.Load(new MemoryStream(bytes), "mutated.onnx");
        foreach (string tensor in weights.TensorNames)
        {
            int[] shape = weights.ShapeOf(tensor).Select(d => (int)d).ToArray();
            var buffer = new float[shape.Aggregate(1, (a, b) => a * b)];
            try
            {
                weights.Read(tensor, buffer, shape);
            }
            catch (ArgumentException)
            {
                // Another type than float: refused with the tensor named, before anything is written.
            }
        }
    }
}
