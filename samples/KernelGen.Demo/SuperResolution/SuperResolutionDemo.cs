using System.Diagnostics;
using KernelGen.Demo.Imaging;

namespace KernelGen.Demo.SuperResolution;

/// <summary>
/// The sample's <c>superres</c> command: a trained ESPCN (<c>train.py</c>), imported from <c>espcn.onnx</c> at build
/// time by the project's <c>&lt;KernelGenModel&gt;</c> item into the class <see cref="Espcn"/>, upscales a picture by 2
/// tile by tile. The model was exported for one 48x48 tile; tiles overlap by the 4 pixels of context an output pixel
/// reads, so that the stitched result is the network's output on the whole picture.
/// </summary>
public static class SuperResolutionDemo
{
    /// <summary>The side of the tile the model was exported for, and the context an output pixel reads on each side.</summary>
    public const int Tile = 48, Halo = 4;

    private const string ReferenceResource = "KernelGen.Demo.SuperResolution.reference.safetensors";

    /// <summary>The model, loaded from espcn.onnx beside the program (the build copies it there).</summary>
    public static Espcn LoadModel() => Espcn.Load(Path.Combine(AppContext.BaseDirectory, "espcn.onnx"));

    /// <summary>
    /// Upscales <paramref name="rgb"/> (three planes of <paramref name="width"/> x <paramref name="height"/>, in [0, 1])
    /// by 2. Beyond the edge of a picture smaller than a tile, the tile repeats the edge pixels, which the bicubic
    /// branch does too; the convolutions' zero padding then meets them a few pixels later than on the whole picture,
    /// so such small pictures differ slightly from a whole-picture run at their right and bottom edges.
    /// </summary>
    public static float[] Upscale(Espcn model, ReadOnlySpan<float> rgb, int width, int height)
    {
        if (rgb.Length != 3 * width * height)
        {
            throw new ArgumentException($"Three {width}x{height} planes have {3 * width * height} values, not {rgb.Length}.", nameof(rgb));
        }

        AxisTile[] rows = Tiling.Split(height, Tile, Halo), columns = Tiling.Split(width, Tile, Halo);
        var result = new float[12 * width * height];
        var input = new float[Espcn.InputLength];
        var output = new float[Espcn.OutputLength];
        foreach (AxisTile row in rows)
        {
            foreach (AxisTile column in columns)
            {
                for (int c = 0; c < 3; c++)
                {
                    for (int y = 0; y < Tile; y++)
                    {
                        for (int x = 0; x < Tile; x++)
                        {
                            int sourceY = Math.Min(row.Origin + y, height - 1), sourceX = Math.Min(column.Origin + x, width - 1);
                            input[(((c * Tile) + y) * Tile) + x] = rgb[(((c * height) + sourceY) * width) + sourceX];
                        }
                    }
                }

                model.Run(input, output);
                for (int c = 0; c < 3; c++)
                {
                    for (int y = 2 * row.First; y < 2 * row.End; y++)
                    {
                        int tileY = y - (2 * row.Origin);
                        output.AsSpan((((c * 2 * Tile) + tileY) * 2 * Tile) + (2 * (column.First - column.Origin)), 2 * (column.End - column.First))
                            .CopyTo(result.AsSpan((((c * 2 * height) + y) * 2 * width) + (2 * column.First)));
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Upscales a PNG of any channels and bit depth: gray is run as three equal planes and averaged back, alpha is
    /// upscaled bilinearly and the colour run premultiplied by it (as the upscale command does).
    /// </summary>
    public static PngImage Upscale(Espcn model, PngImage image)
    {
        float[][] planes = Upscaler.ToPlanes(image);
        int colours = image.HasAlpha ? image.Channels - 1 : image.Channels;
        float[]? alpha = image.HasAlpha ? planes[^1] : null;
        int pixels = image.Width * image.Height;
        var rgb = new float[3 * pixels];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < pixels; i++)
            {
                rgb[(c * pixels) + i] = planes[colours == 1 ? 0 : c][i] * (alpha?[i] ?? 1);
            }
        }

        float[] upscaled = Upscale(model, rgb, image.Width, image.Height);
        int big = 4 * pixels;
        float[]? bigAlpha = alpha is null ? null : Upscaler.UpscalePlane(UpscaleMethod.Bilinear, alpha, image.Width, image.Height);
        var result = new float[image.Channels][];
        for (int c = 0; c < colours; c++)
        {
            result[c] = new float[big];
            for (int i = 0; i < big; i++)
            {
                float value = colours == 1 ? (upscaled[i] + upscaled[big + i] + upscaled[(2 * big) + i]) / 3 : upscaled[(c * big) + i];
                result[c][i] = bigAlpha is null ? value : bigAlpha[i] > 0 ? value / bigAlpha[i] : 0;
            }
        }

        if (bigAlpha is not null)
        {
            result[^1] = bigAlpha;
        }

        return Upscaler.FromPlanes(result, 2 * image.Width, 2 * image.Height, image.BitDepth);
    }

    /// <summary>
    /// The command: upscales <paramref name="image"/> (or the embedded picture, whose result it compares with PyTorch's
    /// run of the same network on the whole picture), writes <paramref name="path"/> and says what it did.
    /// </summary>
    public static void Run(PngImage? image, string path, TextWriter output)
    {
        Espcn model = LoadModel();
        var clock = Stopwatch.StartNew();
        if (image is not null)
        {
            PngImage upscaled = Upscale(model, image);
            clock.Stop();
            upscaled.Save(path);
            output.WriteLine($"Upscaled {image.Width}x{image.Height} to {upscaled.Width}x{upscaled.Height} with ESPCN (imported from espcn.onnx at build time), {Tiles(image)} in {clock.Elapsed.TotalMilliseconds:F1} ms.");
        }
        else
        {
            (float[] picture, float[] expected) = Reference();
            float[] upscaled = Upscale(model, picture, 64, 64);
            clock.Stop();
            float difference = upscaled.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
            var planes = new float[3][];
            for (int c = 0; c < 3; c++)
            {
                planes[c] = upscaled.AsSpan(c * 128 * 128, 128 * 128).ToArray();
            }

            Upscaler.FromPlanes(planes, 128, 128, 8).Save(path);
            output.WriteLine($"Upscaled the embedded 64x64 picture to 128x128 with ESPCN (imported from espcn.onnx at build time), {Tiles(Upscaler.DefaultImage())} in {clock.Elapsed.TotalMilliseconds:F1} ms; largest difference from PyTorch's run on the whole picture: {difference:G3}.");
        }

        output.WriteLine($"wrote {Path.GetFullPath(path)}");
    }

    /// <summary>The embedded picture as three planes in [0, 1], and PyTorch's output on it ([3, 128, 128]).</summary>
    public static (float[] Picture, float[] Expected) Reference()
    {
        SafeTensorsFile reference = Autoencoder.AutoencoderModel.Resource(ReferenceResource);
        var picture = new float[3 * 64 * 64];
        var expected = new float[3 * 128 * 128];
        reference.Read("input", picture, [1, 3, 64, 64]);
        reference.Read("output", expected, [1, 3, 128, 128]);
        return (picture, expected);
    }

    private static string Tiles(PngImage image)
    {
        int count = Tiling.Split(image.Height, Tile, Halo).Length * Tiling.Split(image.Width, Tile, Halo).Length;
        return $"{count} tile{(count == 1 ? string.Empty : "s")} of {Tile}x{Tile}";
    }
}
