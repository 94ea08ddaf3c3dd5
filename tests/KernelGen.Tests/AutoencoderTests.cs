using KernelGen.Demo;
using KernelGen.Demo.Autoencoder;
using KernelGen.Demo.Imaging;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// The whole trained model of the sample: six generated kernels, weights from its safetensors file, two batch norms
/// folded in, against the reconstructions PyTorch computed when train.py exported it.
/// </summary>
public sealed class AutoencoderTests
{
    private static readonly AutoencoderModel Model = AutoencoderModel.LoadShipped();

    private static (float[] Inputs, float[] Expected, int Count) Reference()
    {
        SafeTensorsFile reference = AutoencoderModel.Resource(AutoencoderModel.ReferenceResource);
        int count = reference["inputs"].Shape[0];
        var inputs = new float[count * 784];
        var expected = new float[count * 784];
        reference.Read("inputs", inputs, [count, 1, 28, 28]);
        reference.Read("outputs", expected, [count, 1, 28, 28]);
        return (inputs, expected, count);
    }

    [Fact]
    public void Reconstructs_the_held_out_images_as_PyTorch_does()
    {
        (float[] inputs, float[] expected, int count) = Reference();
        var actual = new float[expected.Length];
        Model.Reconstruct(count, inputs, actual, new AutoencoderBuffers(count));
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5f, $"pixel {i}: {actual[i]:R}, PyTorch {expected[i]:R}");
        }

        // A trained model, not a constant: the reconstructions follow their images.
        Assert.True(actual.Zip(inputs, (a, x) => Math.Abs(a - x)).Average() < 0.05);
        Assert.True(expected.Max() - expected.Min() > 0.9f);
    }

    [Fact]
    public void One_image_at_a_time_gives_the_batch_result()
    {
        (float[] inputs, _, int count) = Reference();
        var batched = new float[inputs.Length];
        Model.Reconstruct(count, inputs, batched, new AutoencoderBuffers(count));
        var buffers = new AutoencoderBuffers(1);
        var single = new float[784];
        for (int n = 0; n < count; n++)
        {
            Model.Reconstruct(1, inputs.AsSpan(n * 784, 784), single, buffers);
            Assert.Equal(batched[(n * 784)..((n + 1) * 784)], single);
        }
    }

    /// <summary>The point of caller-owned buffers and pooled padding: once warm, a call allocates nothing.</summary>
    [Fact]
    public void A_warm_call_allocates_nothing()
    {
        (float[] inputs, _, int count) = Reference();
        var buffers = new AutoencoderBuffers(count);
        var output = new float[inputs.Length];
        Model.Reconstruct(count, inputs, output, buffers);
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                Model.Reconstruct(count, inputs, output, buffers);
            }
        }));
    }

    [Fact]
    public void The_sample_command_writes_the_picture_and_reports_the_difference()
    {
        string folder = Directory.CreateTempSubdirectory("kernelgen-autoencoder-").FullName;
        try
        {
            string path = Path.Combine(folder, "nested", "grid.png");
            var output = new StringWriter();
            var error = new StringWriter();
            Assert.Equal(0, DemoCommandLine.Run(["autoencoder", "--output", path], output, error));
            Assert.Equal("", error.ToString());
            Assert.Contains("largest difference from PyTorch's reconstruction", output.ToString(), StringComparison.Ordinal);
            PngImage picture = PngImage.Load(path);
            Assert.Equal((8 * 112) + (9 * 4), picture.Width);
            Assert.Equal((2 * 112) + (3 * 4), picture.Height);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
