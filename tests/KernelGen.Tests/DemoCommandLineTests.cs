using KernelGen.Demo;
using KernelGen.Demo.Imaging;

namespace KernelGen.Tests;

/// <summary>The sample's command line as a user meets it: help, exit codes, one-line errors, real images.</summary>
public sealed class DemoCommandLineTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("kernelgen-cli-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = DemoCommandLine.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Without_arguments_it_prints_the_seed_examples()
    {
        (int exitCode, string output, string error) = Run();
        Assert.Equal((0, ""), (exitCode, error));
        Assert.StartsWith("Upsample nearest x2 of [[11, 12], [13, 14]]\ntensor([[[[11., 11., 12., 12.],", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("upscale", "--help")]
    public void Help_describes_the_commands_and_succeeds(params string[] args)
    {
        (int exitCode, string output, string error) = Run(args);
        Assert.Equal((0, ""), (exitCode, error));
        Assert.Contains("upscale", output, StringComparison.Ordinal);
        Assert.DoesNotContain("tensor(", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'upscal'", "upscal")]
    [InlineData("Unrecognized option '--bogus'", "upscale", "--bogus")]
    [InlineData("Argument 'sharpest' not recognized. Must be one of: 'all' 'nearest' 'bilinear' 'convtranspose'", "upscale", "--method", "sharpest")]
    public void A_command_line_mistake_is_one_line_and_exit_code_1(string message, params string[] args)
    {
        (int exitCode, string output, string error) = Run(args);
        Assert.Equal((1, ""), (exitCode, output));
        Assert.Equal($"error: {message}. Run with --help for usage.\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_bad_image_is_one_line_and_exit_code_1()
    {
        string notPng = Path.Combine(folder, "notes.png");
        File.WriteAllText(notPng, "not an image");
        string truncated = Path.Combine(folder, "truncated.png");
        byte[] real = File.ReadAllBytes(ImagingTests.Data("magick-rgb.png"));
        File.WriteAllBytes(truncated, real[..1000]); // inside its IDAT chunk (bytes 130 to 1217)
        string missing = Path.Combine(folder, "missing.png");

        (string Path, string Message)[] cases =
        [
            (missing, $"error: {missing} does not exist"),
            (folder, $"error: {folder} is a folder, not a PNG file"),
            (notPng, $"error: {notPng}: not a PNG file (the PNG signature is missing)"),
            (truncated, $"error: {truncated}: the PNG is truncated (its IDAT chunk runs past the end of the file)"),
        ];
        foreach ((string path, string message) in cases)
        {
            (int exitCode, string output, string error) = Run("upscale", path, "--output", Path.Combine(folder, "out"));
            Assert.Equal((1, "", message + "\n"), (exitCode, output, error.ReplaceLineEndings("\n")));
        }
    }

    [Theory]
    [InlineData("rgba16", 4, 16)]
    [InlineData("palette8-trns", 4, 8)]
    [InlineData("gray1-interlaced", 1, 8)]
    public void Upscale_writes_each_method_at_twice_the_size_with_the_input_format(string name, int channels, int bitDepth)
    {
        string input = ImagingTests.Data(Path.Combine("formats", name + ".png"));
        (int exitCode, string output, string error) = Run("upscale", input, "-o", folder);
        Assert.Equal((0, ""), (exitCode, error));
        foreach (string method in new[] { "nearest", "bilinear", "convtranspose" })
        {
            string path = Path.Combine(folder, method + ".png");
            Assert.Contains($"wrote {path} (74x46, {channels} channel{(channels == 1 ? "" : "s")}, {bitDepth}-bit)", output, StringComparison.Ordinal);
            PngImage written = PngImage.Load(path);
            Assert.Equal((74, 46, channels, bitDepth), (written.Width, written.Height, written.Channels, written.BitDepth));
        }

        // Nearest copies samples: every output pixel is its source pixel.
        PngImage source = PngImage.Load(input);
        PngImage nearest = PngImage.Load(Path.Combine(folder, "nearest.png"));
        for (int y = 0; y < 46; y++)
        {
            for (int x = 0; x < 74; x++)
            {
                Assert.Equal(
                    source.Samples.AsSpan((((y / 2) * 37) + (x / 2)) * channels, channels).ToArray(),
                    nearest.Samples.AsSpan(((y * 74) + x) * channels, channels).ToArray());
            }
        }
    }

    [Fact]
    public void Upscale_without_an_image_writes_the_embedded_one_and_its_upscalings()
    {
        (int exitCode, string output, string error) = Run("upscale", "--output", folder, "--method", "bilinear");
        Assert.Equal((0, ""), (exitCode, error));
        Assert.Equal(["bilinear.png", "input.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());

        // Away from the border, the transposed convolution with the bilinear kernel is bilinear interpolation.
        PngImage picture = Upscaler.DefaultImage();
        PngImage bilinear = Upscaler.Upscale(picture, UpscaleMethod.Bilinear);
        PngImage deconvolved = Upscaler.Upscale(picture, UpscaleMethod.ConvTranspose);
        Assert.Equal(bilinear.Samples, PngImage.Load(Path.Combine(folder, "bilinear.png")).Samples);
        for (int y = 1; y < 127; y++)
        {
            for (int x = 1; x < 127; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int i = (((y * 128) + x) * 3) + c;
                    Assert.True(Math.Abs(bilinear.Samples[i] - deconvolved.Samples[i]) <= 1, $"pixel ({x}, {y}) channel {c}");
                }
            }
        }
    }
}
