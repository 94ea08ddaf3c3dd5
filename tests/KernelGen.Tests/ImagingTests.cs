using KernelGen.Demo.Imaging;

namespace KernelGen.Tests;

/// <summary>The sample's PNG codec (checked against ImageMagick's files and raw pixels) and its upscaling command.</summary>
public sealed class ImagingTests
{
    private static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Imaging", name);

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 17, 5)]
    [InlineData(1, 64, 33)]
    public void A_written_png_reads_back_to_the_same_pixels(int channels, int width, int height)
    {
        var rng = new Random(width * height * channels);
        var pixels = new byte[width * height * channels];
        rng.NextBytes(pixels);
        var stream = new MemoryStream();
        new PngImage(width, height, channels, pixels).Write(stream);
        stream.Position = 0;
        PngImage read = PngImage.Read(stream);
        Assert.Equal((width, height, channels), (read.Width, read.Height, read.Channels));
        Assert.Equal(pixels, read.Pixels);
    }

    /// <summary>PNGs written by another encoder (ImageMagick, with its row filters), against the raw pixels it exported.</summary>
    [Theory]
    [InlineData("magick-rgb.png", "magick-rgb.raw", 64, 64, 3)]
    [InlineData("magick-gray.png", "magick-gray.raw", 37, 23, 1)]
    public void Reads_pngs_from_another_encoder(string png, string raw, int width, int height, int channels)
    {
        PngImage image = PngImage.Load(Data(png));
        Assert.Equal((width, height, channels), (image.Width, image.Height, image.Channels));
        Assert.Equal(File.ReadAllBytes(Data(raw)), image.Pixels);
    }

    [Fact]
    public void A_corrupt_chunk_is_reported()
    {
        byte[] bytes = File.ReadAllBytes(Data("magick-gray.png"));
        bytes[20] ^= 0xFF; // inside IHDR
        Assert.Throws<InvalidDataException>(() => PngImage.Read(new MemoryStream(bytes)));
    }

    [Fact]
    public void The_upscale_command_writes_pngs_of_twice_the_size()
    {
        string folder = Directory.CreateTempSubdirectory("kernelgen-upscale-").FullName;
        try
        {
            PngImage input = Upscaler.DefaultImage();
            string[] written = Upscaler.Run(input, folder);
            Assert.Equal(["input.png", "nearest.png", "bilinear.png", "convtranspose.png"], written.Select(Path.GetFileName));

            PngImage nearest = PngImage.Load(Path.Combine(folder, "nearest.png"));
            Assert.Equal((128, 128, 3), (nearest.Width, nearest.Height, nearest.Channels));
            for (int y = 0; y < 128; y++)
            {
                for (int x = 0; x < 128; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        Assert.Equal(input.Pixels[((((y / 2) * 64) + (x / 2)) * 3) + c], nearest.Pixels[(((y * 128) + x) * 3) + c]);
                    }
                }
            }

            // Away from the border, the transposed convolution with the bilinear kernel is bilinear interpolation.
            PngImage bilinear = PngImage.Load(Path.Combine(folder, "bilinear.png"));
            PngImage deconvolved = PngImage.Load(Path.Combine(folder, "convtranspose.png"));
            for (int y = 1; y < 127; y++)
            {
                for (int x = 1; x < 127; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        int i = (((y * 128) + x) * 3) + c;
                        Assert.True(Math.Abs(bilinear.Pixels[i] - deconvolved.Pixels[i]) <= 1, $"pixel ({x}, {y}) channel {c}");
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
