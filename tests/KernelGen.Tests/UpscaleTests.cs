using KernelGen.Demo.Imaging;

namespace KernelGen.Tests;

/// <summary>
/// The sample's upscaler runs fixed 64x64 kernels tile by tile on images of any size; stitched, the tiles must give what
/// a kernel generated for the whole image gives.
/// </summary>
public sealed partial class UpscaleTests
{
    [Theory]
    [InlineData(1, 64, 0, new[] { 0, 0, 1 })]                  // one tile, exactly
    [InlineData(5, 64, 1, new[] { 0, 0, 5 })]                  // shorter than a tile: padded by the caller
    [InlineData(65, 64, 1, new[] { 0, 0, 63, 1, 63, 65 })]     // the last tile moves back to end at the image's end
    [InlineData(150, 64, 1, new[] { 0, 0, 63, 62, 63, 125, 86, 125, 150 })]
    [InlineData(200, 64, 0, new[] { 0, 0, 64, 64, 64, 128, 128, 128, 192, 136, 192, 200 })]
    public void Tiles_cover_the_axis_once_with_their_halo_inside(int length, int tile, int halo, int[] expected)
    {
        AxisTile[] tiles = Tiling.Split(length, tile, halo);
        Assert.Equal(expected, tiles.SelectMany(t => new[] { t.Origin, t.First, t.End }));
        int covered = 0;
        foreach (AxisTile t in tiles)
        {
            Assert.Equal(covered, t.First);
            Assert.True(t.First - t.Origin >= halo || t.Origin == 0);
            Assert.True(t.Origin + tile - t.End >= halo || t.End == length);
            covered = t.End;
        }

        Assert.Equal(length, covered);
    }

    public static TheoryData<string> Sizes => ["3x5", "64x64", "150x70"];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Tiled_upscaling_equals_upscaling_the_whole_image(string size)
    {
        (int width, int height, WholeImage nearest, WholeImage bilinear, WholeImageWeighted deconvolve) = size switch
        {
            "3x5" => (3, 5, (WholeImage)Nearest3x5, (WholeImage)Bilinear3x5, (WholeImageWeighted)Deconvolve3x5),
            "64x64" => (64, 64, Nearest64x64, Bilinear64x64, Deconvolve64x64),
            _ => (150, 70, Nearest150x70, Bilinear150x70, Deconvolve150x70),
        };
        var rng = new Random(width * height);
        float[] plane = [.. Enumerable.Range(0, width * height).Select(_ => (float)rng.NextDouble())];
        var whole = new float[4 * width * height];

        nearest(plane, whole);
        Assert.Equal(whole, Upscaler.UpscalePlane(UpscaleMethod.Nearest, plane, width, height));

        bilinear(plane, whole);
        AssertClose(whole, Upscaler.UpscalePlane(UpscaleMethod.Bilinear, plane, width, height), width);

        deconvolve(plane, Upscaler.BilinearKernel, whole);
        AssertClose(whole, Upscaler.UpscalePlane(UpscaleMethod.ConvTranspose, plane, width, height), width);
    }

    [Fact]
    public void An_rgba_image_keeps_its_channels_depth_and_transparent_pixels()
    {
        // A 16-bit RGBA image, 70x3: half opaque red, half fully transparent green (whose color must not bleed).
        const int width = 70, height = 3;
        var samples = new ushort[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            bool opaque = i % width < width / 2;
            samples[(i * 4) + (opaque ? 0 : 1)] = 65535;
            samples[(i * 4) + 3] = opaque ? (ushort)65535 : (ushort)0;
        }

        var image = new PngImage(width, height, 4, 16, samples);
        foreach (UpscaleMethod method in Enum.GetValues<UpscaleMethod>())
        {
            PngImage upscaled = Upscaler.Upscale(image, method);
            Assert.Equal((2 * width, 2 * height, 4, 16), (upscaled.Width, upscaled.Height, upscaled.Channels, upscaled.BitDepth));
            for (int i = 0; i < upscaled.Width * upscaled.Height; i++)
            {
                ReadOnlySpan<ushort> pixel = upscaled.Samples.AsSpan(i * 4, 4);
                Assert.True(pixel[3] == 0 || (pixel[0] == 65535 && pixel[1] == 0), $"{method}: pixel {i} is visible but not pure red ({pixel[0]}, {pixel[1]}, {pixel[2]}, {pixel[3]})");
            }
        }
    }

    private static void AssertClose(float[] expected, float[] actual, int width)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"output ({i % (2 * width)}, {i / (2 * width)}): whole image {expected[i]}, tiled {actual[i]}");
        }
    }

    private delegate void WholeImage(ReadOnlySpan<float> input, Span<float> output);

    private delegate void WholeImageWeighted(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, Span<float> output);

    [Upsample(scale: 2)]
    private static partial void Nearest3x5([Shape(1, 5, 3)] ReadOnlySpan<float> input, [Shape(1, 10, 6)] Span<float> output);

    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    private static partial void Bilinear3x5([Shape(1, 5, 3)] ReadOnlySpan<float> input, [Shape(1, 10, 6)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    private static partial void Deconvolve3x5([Shape(1, 5, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 10, 6)] Span<float> output);

    [Upsample(scale: 2)]
    private static partial void Nearest64x64([Shape(1, 64, 64)] ReadOnlySpan<float> input, [Shape(1, 128, 128)] Span<float> output);

    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    private static partial void Bilinear64x64([Shape(1, 64, 64)] ReadOnlySpan<float> input, [Shape(1, 128, 128)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    private static partial void Deconvolve64x64([Shape(1, 64, 64)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 128, 128)] Span<float> output);

    [Upsample(scale: 2)]
    private static partial void Nearest150x70([Shape(1, 70, 150)] ReadOnlySpan<float> input, [Shape(1, 140, 300)] Span<float> output);

    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    private static partial void Bilinear150x70([Shape(1, 70, 150)] ReadOnlySpan<float> input, [Shape(1, 140, 300)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    private static partial void Deconvolve150x70([Shape(1, 70, 150)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 140, 300)] Span<float> output);
}
