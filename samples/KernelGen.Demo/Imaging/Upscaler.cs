using System.Reflection;

namespace KernelGen.Demo.Imaging;

/// <summary>
/// Upscales a 64x64 image by 2 in three ways, each a KernelGen kernel over the image's three color planes
/// [3, 64, 64] -> [3, 128, 128]. The sizes are compile-time constants, as everywhere in KernelGen: another image size
/// means another declaration.
/// </summary>
public static partial class Upscaler
{
    public const int Size = 64;

    /// <summary>The kernel of the transposed convolution for every channel: the outer product of [1, 3, 3, 1] / 4.</summary>
    /// <remarks>
    /// With stride 2 and pad 1 this kernel places each input pixel with weights 3/4 and 1/4 on its two nearest output
    /// rows and columns: bilinear interpolation (align_corners=False) wherever a pixel has neighbours on both sides.
    /// At the border the missing neighbour contributes nothing, so the outermost output rows and columns keep only 3/4
    /// of their value: the visible difference from <see cref="Bilinear"/>, which clamps instead.
    /// </remarks>
    public static readonly float[] BilinearKernel = MakeBilinearKernel();

    [Upsample(scale: 2)]
    public static partial void Nearest([Shape(3, Size, Size)] ReadOnlySpan<float> input, [Shape(3, 2 * Size, 2 * Size)] Span<float> output);

    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    public static partial void Bilinear([Shape(3, Size, Size)] ReadOnlySpan<float> input, [Shape(3, 2 * Size, 2 * Size)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1, Groups = 3)]
    public static partial void Deconvolve([Shape(3, Size, Size)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(3, 2 * Size, 2 * Size)] Span<float> output);

    /// <summary>The image the sample upscales when it is given none (embedded in the assembly).</summary>
    public static PngImage DefaultImage()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("KernelGen.Demo.Imaging.default.png")!;
        return PngImage.Read(stream);
    }

    /// <summary>Writes input.png, nearest.png, bilinear.png and convtranspose.png into <paramref name="folder"/>; returns their paths.</summary>
    public static string[] Run(PngImage image, string folder)
    {
        if (image.Width != Size || image.Height != Size)
        {
            throw new ArgumentException($"The upscaling kernels are generated for {Size}x{Size} images; this one is {image.Width}x{image.Height}.", nameof(image));
        }

        float[] planes = ToPlanes(image);
        var output = new float[NearestLengths.Output];
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        void Save(string name, float[] pixels, int size)
        {
            string path = Path.Combine(folder, name);
            FromPlanes(pixels, size).Save(path);
            written.Add(path);
        }

        Save("input.png", planes, Size);
        Nearest(planes, output);
        Save("nearest.png", output, 2 * Size);
        Bilinear(planes, output);
        Save("bilinear.png", output, 2 * Size);
        Deconvolve(planes, BilinearKernel, output);
        Save("convtranspose.png", output, 2 * Size);
        return [.. written];
    }

    /// <summary>Interleaved bytes to channel planes in [0, 1]; grayscale is repeated into three channels.</summary>
    public static float[] ToPlanes(PngImage image)
    {
        int plane = image.Width * image.Height;
        var planes = new float[3 * plane];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < plane; i++)
            {
                planes[(c * plane) + i] = image.Pixels[(i * image.Channels) + Math.Min(c, image.Channels - 1)] / 255f;
            }
        }

        return planes;
    }

    /// <summary>Channel planes back to an RGB image, rounding and clamping to bytes.</summary>
    public static PngImage FromPlanes(float[] planes, int size)
    {
        int plane = size * size;
        var pixels = new byte[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                pixels[(i * 3) + c] = (byte)Math.Clamp(MathF.Round(planes[(c * plane) + i] * 255f), 0, 255);
            }
        }

        return new PngImage(size, size, 3, pixels);
    }

    private static float[] MakeBilinearKernel()
    {
        float[] taps = [0.25f, 0.75f, 0.75f, 0.25f];
        var kernel = new float[DeconvolveLengths.Weight];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 4; y++)
            {
                for (int x = 0; x < 4; x++)
                {
                    kernel[(c * 16) + (y * 4) + x] = taps[y] * taps[x];
                }
            }
        }

        return kernel;
    }
}
