using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KernelGen.Benchmarks;

// dotnet run -c Release --project tests/KernelGen.Benchmarks [-- --verify | --first-call | BenchmarkDotNet arguments]
Type[] workloads = typeof(Workload).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Workload)) && !t.IsAbstract).OrderBy(t => t.Name).ToArray();

if (args.Contains("--first-call"))
{
    // The JIT cost of each generated kernel: its first call (compiled then) against its second.
    foreach (Type type in workloads)
    {
        var workload = (Workload)Activator.CreateInstance(type)!;
        workload.Prepare();
        var watch = Stopwatch.StartNew();
        workload.RunGenerated();
        double first = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        workload.RunGenerated();
        double second = watch.Elapsed.TotalMilliseconds;
        Console.WriteLine($"{type.Name,-18} first call {first,8:F2} ms, second call {second,8:F3} ms");
    }

    return;
}

if (args.Contains("--verify"))
{
    foreach (Type type in workloads)
    {
        ((Workload)Activator.CreateInstance(type)!).Setup();
        Console.WriteLine($"{type.Name}: generated kernel equals the plain loop");
    }

    return;
}

var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromTypes([.. workloads, typeof(Floors)]).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
