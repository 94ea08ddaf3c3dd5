namespace KernelGen.Demo;

/// <summary>The seed examples, each run through a generated kernel and printed as PyTorch prints tensors.</summary>
public static class SeedExamples
{
    public static void Print(TextWriter output)
    {
        float[] image = [11, 12, 13, 14];
        var upsampled = new float[Kernels.UpLengths.Output];
        Kernels.Up(image, upsampled);
        Show(output, "Upsample nearest x2 of [[11, 12], [13, 14]]", upsampled, 1, 1, 4, 4);

        float[] x = [1, 2, 3, 4];
        float[] corner = [1, 0, 0, 0];
        var placed = new float[Kernels.PlaceLengths.Output];
        Kernels.Place(x, corner, placed);
        Show(output, "ConvTranspose k2 s2 of [[1, 2], [3, 4]] with kernel [[1, 0], [0, 0]]", placed, 1, 1, 4, 4);

        float[] kernel3 = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        Span<float> deconvolved = stackalloc float[Kernels.DeconvLengths.Output];
        Kernels.Deconv(x, kernel3, deconvolved);
        Show(output, "ConvTranspose k3 s2 of [[1, 2], [3, 4]] with kernel 1..9: (2 - 1)*2 - 2*0 + 3 = 5", deconvolved.ToArray(), 1, 1, 5, 5);

        // Three feature maps of 2x2 projected onto three new ones: sum, difference of the first two, the third kept.
        float[] rgb = [1, 2, 3, 4, 10, 20, 30, 40, 5, 5, 5, 5];
        float[] basis = [1, 1, 1, 1, -1, 0, 0, 0, 1];
        var projected = new float[Kernels.ProjectLengths.Output];
        Kernels.Project(rgb, basis, projected);
        Show(output, "Conv1x1 3 -> 3 feature maps (project)", projected, 1, 3, 2, 2);

        // Four feature maps of 2x2: map c holds c+1 everywhere.
        float[] maps = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
        float[] mix = [1, 1, 1, 1, 1, -1, 1, -1];   // output 0 sums the maps, output 1 alternates their signs
        float[] shift = [0, 100];
        var reduced = new float[Kernels.ReduceLengths.Output];
        Kernels.Reduce(maps, mix, shift, reduced);
        Show(output, "Conv1x1 4 -> 2 feature maps (reduce), with bias", reduced, 1, 2, 2, 2);

        float[] grow = [1, 0, 0, 1, 1, 1];   // copy map 0, copy map 1, add both
        var increased = new float[Kernels.IncreaseLengths.Output];
        Kernels.Increase(reduced, grow, increased);
        Show(output, "Conv1x1 2 -> 3 feature maps (increase)", increased, 1, 3, 2, 2);
    }

    private static void Show(TextWriter output, string title, float[] values, params int[] shape)
    {
        output.WriteLine(title);
        output.WriteLine(TorchFormat.Format(values, shape));
        output.WriteLine();
    }
}
