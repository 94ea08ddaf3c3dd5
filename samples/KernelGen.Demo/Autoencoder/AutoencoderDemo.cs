using KernelGen.Demo.Imaging;
using static KernelGen.Demo.Autoencoder.AutoencoderLayers;

namespace KernelGen.Demo.Autoencoder;

/// <summary>The sample's <c>autoencoder</c> command: reconstructs the held-out images, compares with PyTorch, writes a picture.</summary>
public static class AutoencoderDemo
{
    private const int Scale = 4, Gap = 4;

    /// <summary>Returns the largest difference from PyTorch's reconstruction; writes the grid to <paramref name="path"/>.</summary>
    public static float Run(string path, TextWriter output)
    {
        AutoencoderModel model = AutoencoderModel.LoadShipped();
        SafeTensorsFile reference = AutoencoderModel.Resource(AutoencoderModel.ReferenceResource);
        int count = reference["inputs"].Shape[0];
        var inputs = new float[count * Encode1Lengths.Input];
        var expected = new float[count * Decode3Lengths.Output];
        reference.Read("inputs", inputs, [count, 1, 28, 28]);
        reference.Read("outputs", expected, [count, 1, 28, 28]);

        var reconstructions = new float[expected.Length];
        model.Reconstruct(count, inputs, reconstructions, new AutoencoderBuffers(count));
        float difference = reconstructions.Zip(expected, (a, b) => Math.Abs(a - b)).Max();

        Grid(inputs, reconstructions, count).Save(path);
        output.WriteLine($"Reconstructed {count} held-out images with six generated kernels; largest difference from PyTorch's reconstruction: {difference:G3}.");
        output.WriteLine($"wrote {Path.GetFullPath(path)}: the inputs above, the reconstructions below, each enlarged {Scale} times by a generated nearest upsampling.");
        return difference;
    }

    /// <summary>Two rows of <paramref name="count"/> images, inputs over reconstructions, 8-bit grayscale, white gaps between.</summary>
    private static PngImage Grid(float[] inputs, float[] reconstructions, int count)
    {
        int cell = 28 * Scale, width = (count * cell) + ((count + 1) * Gap), height = (2 * cell) + (3 * Gap);
        ushort[] samples = Enumerable.Repeat((ushort)255, width * height).ToArray();
        var enlarged = new float[EnlargeLengths.Output];
        for (int row = 0; row < 2; row++)
        {
            float[] source = row == 0 ? inputs : reconstructions;
            for (int i = 0; i < count; i++)
            {
                Enlarge(source.AsSpan(i * 784, 784), enlarged);
                int top = Gap + (row * (cell + Gap)), left = Gap + (i * (cell + Gap));
                for (int y = 0; y < cell; y++)
                {
                    for (int x = 0; x < cell; x++)
                    {
                        // Dark strokes on white, as a drawing.
                        samples[((top + y) * width) + left + x] = (ushort)Math.Round(255 * (1 - Math.Clamp(enlarged[(y * cell) + x], 0f, 1f)));
                    }
                }
            }
        }

        return new PngImage(width, height, 1, 8, samples);
    }
}
