using System.Runtime.Intrinsics;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// Generated kernels pick Vector512, Vector256, Vector128 or scalar code by what the hardware accelerates. This machine
/// runs the widest path; these tests rerun the numeric suites in child processes with the wider instruction sets
/// switched off, so the narrower paths are checked against the same PyTorch cases and identities. Switching off AVX2
/// also switches off FMA, so the Vector128 run checks the multiply-then-add path of an x86-64-v2 machine (the
/// default of a NativeAOT binary) as well.
/// </summary>
public sealed class HardwarePathTests
{
    /// <summary>Set in a child run: the vector path that run must take.</summary>
    internal const string ExpectedPathVariable = "KERNELGEN_EXPECTED_VECTOR_PATH";

    [Trait(TestMatrix.Category, TestMatrix.Full)]
    [Theory]
    [InlineData("DOTNET_EnableAVX512", "Vector256")]
    [InlineData("DOTNET_EnableAVX2", "Vector128")]
    [InlineData("DOTNET_EnableHWIntrinsic", "scalar")]
    public void Numeric_suites_pass_on_narrower_hardware(string switchOff, string path)
    {
        if (Environment.GetEnvironmentVariable(ExpectedPathVariable) is not null)
        {
            return; // already a child run
        }

        const string filter = "FullyQualifiedName~KernelGen.Tests.GoldenTests|FullyQualifiedName~KernelGen.Tests.PropertyTests|FullyQualifiedName~KernelGen.Tests.LinearTests|FullyQualifiedName~KernelGen.Tests.SoftmaxTests|FullyQualifiedName~KernelGen.Tests.EpilogueTests|FullyQualifiedName~KernelGen.Tests.DownsamplingTests|FullyQualifiedName~KernelGen.Tests.WorkersTests"
            + "|FullyQualifiedName~KernelGen.Tests.WinogradTests|FullyQualifiedName~KernelGen.Tests.RunTimeTests|FullyQualifiedName~KernelGen.Tests.HardwarePathTests.The_process";
        // .NET 10 reads DOTNET_EnableAVX512; older runtimes DOTNET_EnableAVX512F. A preferred width of 256 bits alone
        // also makes Vector512 report no acceleration.
        var environment = new Dictionary<string, string> { [switchOff] = "0", [ExpectedPathVariable] = path };
        if (path == "Vector256")
        {
            environment["DOTNET_EnableAVX512F"] = "0";
            environment["DOTNET_PreferredVectorBitWidth"] = "256";
        }

        var run = DotnetCli.RunTestsInChild(environment, filter);
        Assert.True(run.ExitCode == 0, $"With {switchOff}=0 the {path} path fails:\n{run.Output}");
        Assert.Contains("Passed!", run.Output);
    }

    [Fact]
    public void The_process_runs_the_expected_vector_path()
    {
        switch (Environment.GetEnvironmentVariable(ExpectedPathVariable))
        {
            case "Vector256":
                Assert.False(Vector512.IsHardwareAccelerated);
                Assert.True(Vector256.IsHardwareAccelerated);
                break;
            case "Vector128":
                Assert.False(Vector256.IsHardwareAccelerated);
                Assert.True(Vector128.IsHardwareAccelerated);
                Assert.False(System.Runtime.Intrinsics.X86.Fma.IsSupported);
                break;
            case "scalar":
                Assert.False(Vector512.IsHardwareAccelerated);
                Assert.False(Vector256.IsHardwareAccelerated);
                Assert.False(Vector128.IsHardwareAccelerated);
                break;
        }
    }
}
