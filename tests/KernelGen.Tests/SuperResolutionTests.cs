using KernelGen.Demo;
using KernelGen.Demo.Imaging;
using KernelGen.Demo.SuperResolution;

namespace KernelGen.Tests;

/// <summary>
/// The sample's super-resolution command: a trained network imported from ONNX at build time through the project's
/// <c>&lt;KernelGenModel&gt;</c> item, run tile by tile on a picture, against PyTorch's run on the whole picture.
/// </summary>
public sealed class SuperResolutionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("kernelgen-superres-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>
    /// The embedded 64x64 picture takes two overlapping 48x48 tiles on each axis; stitched, they give PyTorch's output
    /// on the whole picture (SuperResolution/reference.safetensors): the overlap is the context each pixel reads.
    /// </summary>
    [Fact]
    public void Tiles_stitched_give_PyTorchs_output_on_the_whole_picture()
    {
        Assert.Equal(2, Tiling.Split(64, SuperResolutionDemo.Tile, SuperResolutionDemo.Halo).Length);
        (float[] picture, float[] expected) = SuperResolutionDemo.Reference();
        float[] upscaled = SuperResolutionDemo.Upscale(SuperResolutionDemo.LoadModel(), picture, 64, 64);
        Assert.Equal(expected.Length, upscaled.Length);
        double worst = upscaled.Zip(expected, (a, b) => (double)Math.Abs(a - b)).Max();
        Assert.True(worst <= 2e-5, $"largest difference from PyTorch: {worst:G3}");
    }

    /// <summary>The command without a picture: the embedded one, 128x128 RGB out, and the difference from PyTorch printed.</summary>
    [Fact]
    public void The_command_upscales_the_embedded_picture_and_reports_the_difference()
    {
        string path = Path.Combine(folder, "out", "superres.png");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, DemoCommandLine.Run(["superres", "--output", path], output, error));
        Assert.Equal(string.Empty, error.ToString());
        Assert.Contains("Upscaled the embedded 64x64 picture to 128x128 with ESPCN (imported from espcn.onnx at build time), 4 tiles of 48x48", output.ToString());
        Assert.Contains("largest difference from PyTorch's run on the whole picture: ", output.ToString());
        PngImage written = PngImage.Load(path);
        Assert.Equal((128, 128, 3, 8), (written.Width, written.Height, written.Channels, written.BitDepth));
    }

    /// <summary>
    /// A picture of its own keeps its channels and bit depth: gray and alpha at 16 bits, 50x30 (one tile high, two
    /// wide); a fully opaque gray picture of one value stays close to that value (the network adds detail, not a cast).
    /// </summary>
    [Fact]
    public void A_picture_keeps_its_channels_and_bit_depth()
    {
        const int width = 50, height = 30;
        var samples = new ushort[width * height * 2];
        for (int i = 0; i < width * height; i++)
        {
            (samples[2 * i], samples[(2 * i) + 1]) = (30000, 65535);
        }

        string input = Path.Combine(folder, "gray.png");
        new PngImage(width, height, 2, 16, samples).Save(input);
        string path = Path.Combine(folder, "gray-x2.png");
        var error = new StringWriter();
        Assert.Equal(0, DemoCommandLine.Run(["superres", input, "-o", path], new StringWriter(), error));
        Assert.Equal(string.Empty, error.ToString());
        PngImage written = PngImage.Load(path);
        Assert.Equal((100, 60, 2, 16), (written.Width, written.Height, written.Channels, written.BitDepth));
        Assert.All(Enumerable.Range(0, 100 * 60), i => Assert.Equal(65535, written.Samples[(2 * i) + 1]));
        Assert.All(Enumerable.Range(0, 100 * 60), i => Assert.InRange(written.Samples[2 * i], 30000 - 1500, 30000 + 1500));
    }

    [Fact]
    public void A_missing_picture_is_one_line_and_exit_code_1()
    {
        string missing = Path.Combine(folder, "missing.png");
        var error = new StringWriter();
        Assert.Equal(1, DemoCommandLine.Run(["superres", missing], new StringWriter(), error));
        Assert.Equal($"error: {missing} does not exist\n", error.ToString().ReplaceLineEndings("\n"));
    }
}
