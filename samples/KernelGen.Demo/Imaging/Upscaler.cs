using System.Reflection;

namespace KernelGen.Demo.Imaging;

/// <summary>The three ways the sample upscales an image by 2, each a KernelGen kernel.</summary>
public enum UpscaleMethod
{
    /// <summary>Each pixel becomes a 2x2 block (PyTorch's <c>nearest</c>).</summary>
    Nearest,

    /// <summary>PyTorch's <c>bilinear</c>, <c>align_corners=False</c>: the border is clamped.</summary>
    Bilinear,

    /// <summary>A transposed convolution with the kernel <see cref="Upscaler.BilinearKernel"/>: the border is zero-padded.</summary>
    ConvTranspose,
}

/// <summary>
/// Upscales images of any size by 2. KernelGen kernels have compile-time shapes, so each method is one kernel over a
/// single 64x64 plane, [1, 64, 64] -> [1, 128, 128], and an image is cut into tiles that overlap by the halo the
/// method needs (<see cref="Tiling"/>); the stitched result equals the kernel applied to the whole image, which the
/// tests check against whole-image kernels.
/// </summary>
public static partial class Upscaler
{
    /// <summary>The side of the square tile every kernel is generated for.</summary>
    public const int Tile = 64;

    /// <summary>The kernel of the transposed convolution: the outer product of [1, 3, 3, 1] / 4.</summary>
    /// <remarks>
    /// With stride 2 and pad 1 this kernel places each input pixel with weights 3/4 and 1/4 on its two nearest output
    /// rows and columns: bilinear interpolation (align_corners=False) wherever a pixel has neighbours on both sides.
    /// At the border the missing neighbour contributes nothing, so the outermost output rows and columns keep only 3/4
    /// of their value: the visible difference from <see cref="Bilinear"/>, which clamps instead.
    /// </remarks>
    public static readonly float[] BilinearKernel = MakeBilinearKernel();

    [Upsample(scale: 2)]
    public static partial void Nearest([Shape(1, Tile, Tile)] ReadOnlySpan<float> input, [Shape(1, 2 * Tile, 2 * Tile)] Span<float> output);

    [Upsample(scale: 2, Mode = UpsampleMode.Linear)]
    public static partial void Bilinear([Shape(1, Tile, Tile)] ReadOnlySpan<float> input, [Shape(1, 2 * Tile, 2 * Tile)] Span<float> output);

    [ConvTranspose(k: 4, stride: 2, pad: 1)]
    public static partial void Deconvolve([Shape(1, Tile, Tile)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 2 * Tile, 2 * Tile)] Span<float> output);

    /// <summary>The image the sample upscales when it is given none (embedded in the assembly, 64x64 RGB).</summary>
    public static PngImage DefaultImage()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("KernelGen.Demo.Imaging.default.png")!;
        return PngImage.Read(stream);
    }

    /// <summary>
    /// Upscales every channel of <paramref name="image"/> by 2, keeping its channels and bit depth. Color is
    /// interpolated premultiplied by alpha, so that transparent pixels do not bleed their (invisible) color.
    /// </summary>
    public static PngImage Upscale(PngImage image, UpscaleMethod method)
    {
        float[][] planes = ToPlanes(image);
        bool premultiply = image.HasAlpha && method != UpscaleMethod.Nearest;
        float[] alpha = planes[^1];
        if (premultiply)
        {
            for (int c = 0; c < planes.Length - 1; c++)
            {
                Multiply(planes[c], alpha);
            }
        }

        float[][] upscaled = [.. planes.Select(plane => UpscalePlane(method, plane, image.Width, image.Height))];
        if (premultiply)
        {
            for (int c = 0; c < upscaled.Length - 1; c++)
            {
                Divide(upscaled[c], upscaled[^1]);
            }
        }

        return FromPlanes(upscaled, 2 * image.Width, 2 * image.Height, image.BitDepth);
    }

    /// <summary>Upscales one plane of <paramref name="width"/> x <paramref name="height"/> values by 2, tile by tile.</summary>
    public static float[] UpscalePlane(UpscaleMethod method, ReadOnlySpan<float> plane, int width, int height)
    {
        if (plane.Length != width * height)
        {
            throw new ArgumentException($"A {width}x{height} plane has {width * height} values, not {plane.Length}.", nameof(plane));
        }

        // Bilinear and the transposed convolution read one input pixel on each side of an output's source; nearest
        // reads only its source. Beyond a small image's edge, bilinear repeats the edge (as its clamping does) and
        // the transposed convolution reads zeros (as its padding does), so the padded tile computes the same values.
        int halo = method == UpscaleMethod.Nearest ? 0 : 1;
        bool zeroBeyondEdge = method == UpscaleMethod.ConvTranspose;
        AxisTile[] rows = Tiling.Split(height, Tile, halo);
        AxisTile[] columns = Tiling.Split(width, Tile, halo);

        var result = new float[4 * width * height];
        Span<float> input = new float[NearestLengths.Input];
        Span<float> output = new float[NearestLengths.Output];
        foreach (AxisTile row in rows)
        {
            foreach (AxisTile column in columns)
            {
                for (int y = 0; y < Tile; y++)
                {
                    for (int x = 0; x < Tile; x++)
                    {
                        int sourceY = row.Origin + y, sourceX = column.Origin + x;
                        bool beyond = sourceY >= height || sourceX >= width;
                        input[(y * Tile) + x] = beyond && zeroBeyondEdge
                            ? 0
                            : plane[(Math.Min(sourceY, height - 1) * width) + Math.Min(sourceX, width - 1)];
                    }
                }

                Apply(method, input, output);
                for (int y = 2 * row.First; y < 2 * row.End; y++)
                {
                    int tileY = y - (2 * row.Origin);
                    output.Slice((tileY * 2 * Tile) + (2 * (column.First - column.Origin)), 2 * (column.End - column.First))
                        .CopyTo(result.AsSpan((y * 2 * width) + (2 * column.First)));
                }
            }
        }

        return result;
    }

    private static void Apply(UpscaleMethod method, ReadOnlySpan<float> input, Span<float> output)
    {
        switch (method)
        {
            case UpscaleMethod.Nearest:
                Nearest(input, output);
                break;
            case UpscaleMethod.Bilinear:
                Bilinear(input, output);
                break;
            case UpscaleMethod.ConvTranspose:
                Deconvolve(input, BilinearKernel, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, null);
        }
    }

    /// <summary>Interleaved samples to one plane per channel, in [0, 1].</summary>
    public static float[][] ToPlanes(PngImage image)
    {
        int pixels = image.Width * image.Height;
        float scale = 1f / image.MaxValue;
        var planes = new float[image.Channels][];
        for (int c = 0; c < image.Channels; c++)
        {
            planes[c] = new float[pixels];
            for (int i = 0; i < pixels; i++)
            {
                planes[c][i] = image.Samples[(i * image.Channels) + c] * scale;
            }
        }

        return planes;
    }

    /// <summary>Channel planes back to an image of <paramref name="bitDepth"/> bits, rounding and clamping each sample.</summary>
    public static PngImage FromPlanes(float[][] planes, int width, int height, int bitDepth)
    {
        int pixels = width * height;
        int max = (1 << bitDepth) - 1;
        var samples = new ushort[planes.Length * pixels];
        for (int i = 0; i < pixels; i++)
        {
            for (int c = 0; c < planes.Length; c++)
            {
                samples[(i * planes.Length) + c] = (ushort)Math.Clamp(MathF.Round(planes[c][i] * max), 0, max);
            }
        }

        return new PngImage(width, height, planes.Length, bitDepth, samples);
    }

    private static void Multiply(float[] color, float[] alpha)
    {
        for (int i = 0; i < color.Length; i++)
        {
            color[i] *= alpha[i];
        }
    }

    private static void Divide(float[] color, float[] alpha)
    {
        for (int i = 0; i < color.Length; i++)
        {
            color[i] = alpha[i] > 0 ? color[i] / alpha[i] : 0;
        }
    }

    private static float[] MakeBilinearKernel()
    {
        float[] taps = [0.25f, 0.75f, 0.75f, 0.25f];
        var kernel = new float[DeconvolveLengths.Weight];
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                kernel[(y * 4) + x] = taps[y] * taps[x];
            }
        }

        return kernel;
    }
}
