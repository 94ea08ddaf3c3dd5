using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using KernelGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelGen.Tests.Infrastructure;

/// <summary>The outcome of running KernelGen over some source in memory.</summary>
public sealed record GeneratorRun(CSharpCompilation Input, Compilation Output, GeneratorDriverRunResult Result, GeneratorDriver Driver)
{
    /// <summary>What KernelGen itself reported.</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>The generated files by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
}

/// <summary>
/// Compiles user code with KernelGen in memory, against the running runtime's own assemblies (no reference-assembly
/// package is needed), at the highest warning level, and loads the result into a context of its own.
/// </summary>
public static class GeneratorHarness
{
    // The symbols a net10.0 project defines, so that in-memory kernels take the same vector paths as built ones.
    public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Latest)
        .WithPreprocessorSymbols("NET", "NET10_0", "NETCOREAPP", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER", "NET5_0_OR_GREATER", "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NET9_0_OR_GREATER", "NET10_0_OR_GREATER");

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Append(typeof(ShapeAttribute).Assembly.Location)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "UserKernels" + Guid.NewGuid().ToString("N"),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"User{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999, allowUnsafe: true,
                optimizationLevel: OptimizationLevel.Release));

    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    /// <summary>
    /// Runs KernelGen under <see cref="HostileCulture"/>, always: every kernel the tests compile (golden, random,
    /// property, snapshot, diagnostics) is generated where a number formatted with the current culture would not compile.
    /// </summary>
    /// <param name="generatedFilesKept">The project's EmitCompilerGeneratedFiles, as the package makes it visible.</param>
    /// <param name="splitAll">KernelGenSplitAll (null: as the run says).</param>
    public static GeneratorRun Run(CSharpCompilation compilation, bool trackSteps = false, bool? checkedAccess = null, bool generatedFilesKept = false, bool? splitAll = null)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new KernelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            optionsProvider: new BuildProperties(new Dictionary<string, string>
            {
                [KernelGenerator.CheckedAccessProperty] = checkedAccess ?? CheckedAccessRun ? "true" : "false",
                [KernelGenerator.GeneratedFilesProperty] = generatedFilesKept ? "true" : "false",
                [KernelGenerator.SplitAllProperty] = splitAll ?? SplitAllRun ? "true" : "false",
            }),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));
        return UnderHostileCulture(() =>
        {
            GeneratorDriver ran = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
            return new GeneratorRun(compilation, output, ran.GetRunResult(), ran);
        });
    }

    /// <summary>Runs <paramref name="action"/> with <see cref="HostileCulture"/> as the current culture and UI culture.</summary>
    public static T UnderHostileCulture<T>(Func<T> action)
    {
        CultureInfo saved = CultureInfo.CurrentCulture, savedUi = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = HostileCulture;
            CultureInfo.CurrentUICulture = HostileCulture;
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = savedUi;
        }
    }

    /// <summary>
    /// Set in a child test run (CheckedAccessTests): every kernel the suites compile is then generated with
    /// bounds-checked buffer access, so an out-of-bounds access by a generated kernel fails a test.
    /// </summary>
    public const string CheckedAccessVariable = "KERNELGEN_CHECKED_ACCESS";

    public static bool CheckedAccessRun => Environment.GetEnvironmentVariable(CheckedAccessVariable) == "1";

    /// <summary>
    /// Set in a child test run (WorkersTests): every kernel the suites compile is then generated with
    /// <c>KernelGenSplitAll</c>, so the small layers of the PyTorch and property suites run their split forms, on
    /// however many workers the run sets.
    /// </summary>
    public const string SplitAllVariable = "KERNELGEN_SPLIT_ALL";

    public static bool SplitAllRun => Environment.GetEnvironmentVariable(SplitAllVariable) == "1";

    /// <summary>
    /// A culture whose every number symbol differs from C#'s: a Unicode minus (as sv-SE, fi-FI, lt-LT), a decimal
    /// comma, a plus sign with a direction mark, infinity and NaN symbols that are not identifiers, and a no-break space
    /// as the group separator.
    /// </summary>
    public static readonly CultureInfo HostileCulture = CreateHostileCulture();

    private static CultureInfo CreateHostileCulture()
    {
        var culture = (CultureInfo)CultureInfo.GetCultureInfo("sv-SE").Clone();
        NumberFormatInfo number = culture.NumberFormat;
        number.NegativeSign = "\u2212";
        number.PositiveSign = "\u002B\u200E";
        number.NumberDecimalSeparator = ",";
        number.NumberGroupSeparator = "\u00A0";
        number.PositiveInfinitySymbol = "\u221E";
        number.NegativeInfinitySymbol = "\u2212\u221E";
        number.NaNSymbol = "\u00ACtal";
        return CultureInfo.ReadOnly(culture);
    }

    /// <summary>Runs KernelGen, requires it and the compiler to be silent (no error, no warning), and loads the assembly.</summary>
    public static Assembly CompileAndLoad(params string[] sources) => CompileAndLoad(out _, sources);

    /// <summary>As <see cref="CompileAndLoad(string[])"/>, also giving the generated files.</summary>
    public static Assembly CompileAndLoad(out IReadOnlyDictionary<string, string> generated, params string[] sources) =>
        CompileAndLoad(out generated, checkedAccess: null, sources);

    /// <summary>As <see cref="CompileAndLoad(string[])"/>, generating with or without checked access (null: as the run says).</summary>
    public static Assembly CompileAndLoad(out IReadOnlyDictionary<string, string> generated, bool? checkedAccess, params string[] sources) =>
        CompileAndLoad(out generated, checkedAccess, generatedFilesKept: false, sources);

    /// <summary>As <see cref="CompileAndLoad(string[])"/>, for a project that does or does not keep its generated files.</summary>
    public static Assembly CompileAndLoad(out IReadOnlyDictionary<string, string> generated, bool? checkedAccess, bool generatedFilesKept, params string[] sources)
    {
        bool isChecked = checkedAccess ?? CheckedAccessRun;
        string key = CompiledKernelCache.Key(sources, isChecked, generatedFilesKept, SplitAllRun);
        if (!CompiledKernelCache.TryRead(key, out byte[] image, out generated))
        {
            GeneratorRun run = Run(CreateCompilation(sources), checkedAccess: isChecked, generatedFilesKept: generatedFilesKept);
            generated = run.Sources;
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
            using var stream = new MemoryStream();
            var emitted = run.Output.Emit(stream);
            var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
            Assert.True(problems.Length == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems.Take(20)));
            image = stream.ToArray();
            CompiledKernelCache.Write(key, image, generated);
        }

        // Not collectible: the runtime's unloading of collectible code has a history of rare races with thread
        // statics (dotnet/runtime#102797, #107438, #111257: a thread that exits while the GC frees a loader allocator
        // whose code ran on it), and generated kernels keep per-thread buffers in [ThreadStatic] fields. A test host
        // that dies of such a race says nothing; keeping every assembly loaded costs memory, not correctness.
        var context = new AssemblyLoadContext("KernelGen.Tests." + Guid.NewGuid().ToString("N"), isCollectible: false);
        return context.LoadFromStream(new MemoryStream(image));
    }
}
