using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>The seed examples' numbers, printed as PyTorch prints them, against approved text and PyTorch's values.</summary>
public sealed class SeedOutputTests
{
    [Fact]
    public void Seed_outputs_print_as_approved()
    {
        float[] x = [1, 2, 3, 4];
        var placed = new float[16];
        BuiltKernels.Place(x, [1, 0, 0, 0], placed);
        var deconvolved = new float[25];
        BuiltKernels.Deconv(x, [1, 2, 3, 4, 5, 6, 7, 8, 9], deconvolved);
        var upsampled = new float[16];
        BuiltKernels.Up([11, 12, 13, 14], upsampled);

        string text = string.Join("\n\n",
            TorchFormat.Format(upsampled, 1, 1, 4, 4),
            TorchFormat.Format(placed, 1, 1, 4, 4),
            TorchFormat.Format(deconvolved, 1, 1, 5, 5)) + "\n";
        Snapshot.Match("Seed_outputs", text, "txt");

        var seeds = GoldenCase.Load("seeds.json");
        Assert.Equal(seeds.Single(c => c.Name == "seed_upsample_2x2_by2").Output, upsampled.Select(v => (double)v));
        Assert.Equal(seeds.Single(c => c.Name == "seed_convtranspose_k2_s2").Output, placed.Select(v => (double)v));
        Assert.Equal(seeds.Single(c => c.Name == "seed_convtranspose_k3_s2_2x2_to_5x5").Output, deconvolved.Select(v => (double)v));
    }

    [Fact]
    public void TorchFormat_follows_PyTorch_for_fractions_and_float64()
    {
        Assert.Equal("tensor([ 0.1235, -1.5000])", TorchFormat.Format(new[] { 0.12345f, -1.5f }, 2));
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64)", TorchFormat.Format(new[] { 1.0, 2, 3, 4 }, 2, 2));
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", TorchFormat.Format(new[] { 1e-5f, 1f }, 2));
        Assert.Throws<ArgumentException>(() => TorchFormat.Format(new[] { 1f, 2f }, 3));
    }
}
