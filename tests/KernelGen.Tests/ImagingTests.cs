using System.Buffers.Binary;
using KernelGen.Demo.Imaging;

namespace KernelGen.Tests;

/// <summary>The sample's PNG codec, checked against ImageMagick's files and its raw export of their pixels.</summary>
public sealed class ImagingTests
{
    internal static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Imaging", name);

    [Theory]
    [InlineData(1, 8, 1, 1)]
    [InlineData(3, 8, 17, 5)]
    [InlineData(1, 8, 64, 33)]
    [InlineData(2, 8, 9, 4)]
    [InlineData(4, 8, 3, 7)]
    [InlineData(1, 16, 5, 5)]
    [InlineData(4, 16, 11, 2)]
    public void A_written_png_reads_back_to_the_same_samples(int channels, int bitDepth, int width, int height)
    {
        var rng = new Random(width * height * channels * bitDepth);
        ushort[] samples = [.. Enumerable.Range(0, width * height * channels).Select(_ => (ushort)rng.Next(1 << bitDepth))];
        var stream = new MemoryStream();
        new PngImage(width, height, channels, bitDepth, samples).Write(stream);
        stream.Position = 0;
        PngImage read = PngImage.Read(stream);
        Assert.Equal((width, height, channels, bitDepth), (read.Width, read.Height, read.Channels, read.BitDepth));
        Assert.Equal(samples, read.Samples);
    }

    /// <summary>PNGs written by ImageMagick (with its row filters), against the raw pixels it exported.</summary>
    [Theory]
    [InlineData("magick-rgb.png", "magick-rgb.raw", 64, 64, 3)]
    [InlineData("magick-gray.png", "magick-gray.raw", 37, 23, 1)]
    public void Reads_pngs_from_another_encoder(string png, string raw, int width, int height, int channels)
    {
        PngImage image = PngImage.Load(Data(png));
        Assert.Equal((width, height, channels, 8), (image.Width, image.Height, image.Channels, image.BitDepth));
        Assert.Equal(File.ReadAllBytes(Data(raw)), image.Samples.Select(s => (byte)s));
    }

    /// <summary>
    /// Every PNG color type and depth, interlaced or not, with palettes and transparency chunks, written by ImageMagick
    /// and compared with its export of the same file as 16-bit RGBA (<c>convert f.png -endian MSB -depth 16 rgba:f.rgba16</c>).
    /// </summary>
    [Theory]
    [InlineData("gray1-interlaced", 1, 8)]
    [InlineData("gray16", 1, 16)]
    [InlineData("graya8", 2, 8)]
    [InlineData("palette2", 3, 8)]
    [InlineData("palette4", 3, 8)]
    [InlineData("palette8-trns", 4, 8)]
    [InlineData("rgb8-trns", 4, 8)]
    [InlineData("rgb16-interlaced", 3, 16)]
    [InlineData("rgba8-interlaced", 4, 8)]
    [InlineData("rgba16", 4, 16)]
    public void Reads_every_png_format(string name, int channels, int bitDepth)
    {
        PngImage image = PngImage.Load(Data(Path.Combine("formats", name + ".png")));
        Assert.Equal((37, 23, channels, bitDepth), (image.Width, image.Height, image.Channels, image.BitDepth));

        byte[] expected = File.ReadAllBytes(Data(Path.Combine("formats", name + ".rgba16")));
        int widen = bitDepth == 8 ? 257 : 1;
        for (int pixel = 0; pixel < image.Width * image.Height; pixel++)
        {
            ReadOnlySpan<ushort> samples = image.Samples.AsSpan(pixel * channels, channels);
            int[] rgba = channels switch
            {
                1 => [samples[0], samples[0], samples[0], image.MaxValue],
                2 => [samples[0], samples[0], samples[0], samples[1]],
                3 => [samples[0], samples[1], samples[2], image.MaxValue],
                _ => [samples[0], samples[1], samples[2], samples[3]],
            };
            for (int c = 0; c < 4; c++)
            {
                int reference = BinaryPrimitives.ReadUInt16BigEndian(expected.AsSpan((pixel * 8) + (2 * c)));
                Assert.True(rgba[c] * widen == reference, $"{name}: pixel {pixel} channel {c}: {rgba[c] * widen}, ImageMagick {reference}");
            }
        }
    }

    [Fact]
    public void A_corrupt_chunk_is_reported()
    {
        byte[] bytes = File.ReadAllBytes(Data("magick-gray.png"));
        bytes[20] ^= 0xFF; // inside IHDR
        var error = Assert.Throws<InvalidDataException>(() => PngImage.Read(new MemoryStream(bytes)));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_png_is_reported()
    {
        byte[] bytes = File.ReadAllBytes(Data("magick-rgb.png"));
        var error = Assert.Throws<InvalidDataException>(() => PngImage.Read(new MemoryStream(bytes[..(bytes.Length / 2)])));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }
}
