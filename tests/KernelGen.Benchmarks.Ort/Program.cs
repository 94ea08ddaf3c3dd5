using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KernelGen.Benchmarks.Ort;

// dotnet run -c Release --project tests/KernelGen.Benchmarks.Ort [-- BenchmarkDotNet arguments]
BenchmarkSwitcher.FromTypes([typeof(OrtLayers)]).Run(args,
    DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(10).WithWarmupCount(3)));
