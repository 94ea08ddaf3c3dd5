using System.Collections.Immutable;
using KernelGen.Generator.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelGen.Tests.Infrastructure;

/// <summary>
/// Runs KernelGen's generator and then its call-site analyzer over user code, as a build does: the analyzer sees the
/// compilation with the generated kernels in it. Under the hostile culture, like every generator run of the tests.
/// </summary>
public static class AnalyzerHarness
{
    public static (GeneratorRun Run, ImmutableArray<Diagnostic> Diagnostics) Run(params string[] sources) =>
        Run(GeneratorHarness.CreateCompilation(sources));

    public static (GeneratorRun Run, ImmutableArray<Diagnostic> Diagnostics) Run(Microsoft.CodeAnalysis.CSharp.CSharpCompilation compilation)
    {
        GeneratorRun run = GeneratorHarness.Run(compilation);
        var diagnostics = GeneratorHarness.UnderHostileCulture(() =>
        {
            var withAnalyzer = run.Output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new CallSiteAnalyzer()),
                new CompilationWithAnalyzersOptions(AnalyzerOptions(), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false, analyzerExceptionFilter: null));
            // An analyzer that throws is reported as AD0001, which must never happen.
            Assert.DoesNotContain(withAnalyzer.GetAllDiagnosticsAsync().GetAwaiter().GetResult(), d => d.Id == "AD0001");
            return withAnalyzer.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        });
        return (run, diagnostics);
    }

    private static AnalyzerOptions AnalyzerOptions() => new(ImmutableArray<AdditionalText>.Empty);
}
