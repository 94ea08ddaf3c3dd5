using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KernelGen.Benchmarks;

// dotnet run -c Release --project tests/KernelGen.Benchmarks [-- --verify | --first-call | --timing | --load MODEL | BenchmarkDotNet arguments]
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

if (args.Length == 2 && args[0] == "--load")
{
    // Load plus first run of one imported model, in a fresh process (run once per model): what a program pays before
    // its first answer, JIT compilation of the kernels included (none under NativeAOT); then a second run.
    string model = args[1];
    var watch = Stopwatch.StartNew();
    Action run = ImportedModels.Loader(model);
    double load = watch.Elapsed.TotalMilliseconds;
    watch.Restart();
    run();
    double first = watch.Elapsed.TotalMilliseconds;
    watch.Restart();
    run();
    double second = watch.Elapsed.TotalMilliseconds;
    Console.WriteLine($"{model}: load {load:F2} ms, first run {first:F2} ms, load plus first run {load + first:F2} ms, second run {second * 1000:F1} us "
        + $"({(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")})");
    return;
}

if (args.Contains("--timing"))
{
    // Per-call times without BenchmarkDotNet, whose in-process toolchain needs the JIT: the way a NativeAOT build of
    // this program measures itself. Each workload is first checked against its plain loop, then timed in batches of
    // about 20 ms; the median batch gives the time per call.
    Console.WriteLine($"{(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")}; hardware-accelerated: "
        + $"Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, "
        + $"Vector128 {System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}; FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}");
    foreach (Type type in workloads)
    {
        var workload = (Workload)Activator.CreateInstance(type)!;
        workload.Setup();
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.Elapsed.TotalMilliseconds < 20)
        {
            workload.RunGenerated();
            calls++;
        }

        var batches = new double[15];
        for (int b = 0; b < batches.Length; b++)
        {
            watch.Restart();
            for (int i = 0; i < calls; i++)
            {
                workload.RunGenerated();
            }

            batches[b] = watch.Elapsed.TotalMicroseconds / calls;
        }

        Array.Sort(batches);
        Console.WriteLine($"{type.Name,-18} {batches[batches.Length / 2],12:F3} us per call (median of {batches.Length} batches of {calls})");
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
BenchmarkSwitcher.FromTypes([.. workloads, typeof(Floors), typeof(WholeModel), typeof(ImportedModels)]).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
