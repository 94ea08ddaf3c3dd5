using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KernelGen.Benchmarks.Ort;

// dotnet run -c Release --project tests/KernelGen.Benchmarks.Ort [-- --load MODEL | BenchmarkDotNet arguments]
if (args.Length == 2 && args[0] == "--load")
{
    // Session creation plus first run of one model (zoo/NAME or a layer), in a fresh process: ONNX Runtime's side of
    // KernelGen.Benchmarks' --load; then a second run.
    var watch = System.Diagnostics.Stopwatch.StartNew();
    var layer = new OrtLayers { Model = args[1], Threads = 1 };
    layer.Setup();   // creates the session, binds the input and output, and runs once
    double loadAndFirst = watch.Elapsed.TotalMilliseconds;
    watch.Restart();
    layer.OnnxRuntime();
    Console.WriteLine($"{args[1]}: session plus first run {loadAndFirst:F2} ms, second run {watch.Elapsed.TotalMicroseconds:F1} us (1 intra-op thread)");
    layer.Cleanup();
    return;
}

BenchmarkSwitcher.FromTypes([typeof(OrtLayers)]).Run(args,
    DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(10).WithWarmupCount(3)));
