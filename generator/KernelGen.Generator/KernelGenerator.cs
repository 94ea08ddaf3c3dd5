using KernelGen.Generator.Operators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator
{
    /// <summary>
    /// Finds every method carrying a kernel attribute and writes its body. Per operator: find
    /// (<c>ForAttributeWithMetadataName</c>), transform (parse, validate, plan: <see cref="KernelPipeline.Transform"/>)
    /// into a cached, equatable result, then emit (<see cref="KernelPipeline.Emit"/>).
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class KernelGenerator : IIncrementalGenerator
    {
        /// <summary>The tracking name of each operator's transform step, for the caching tests.</summary>
        public const string TransformStep = "KernelGen.Transform";

        /// <summary>The MSBuild property that turns on bounds-checked buffer access in every generated kernel.</summary>
        public const string CheckedAccessProperty = "KernelGenCheckedAccess";

        /// <summary>
        /// The MSBuild property that splits across the workers every form that has two units or more, whatever its size
        /// (for testing: the split forms then meet every suite's small layers).
        /// </summary>
        public const string SplitAllProperty = "KernelGenSplitAll";

        /// <summary>The MSBuild property that keeps the generated files under obj/, where a stack trace's file and line then exist.</summary>
        public const string GeneratedFilesProperty = "EmitCompilerGeneratedFiles";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var checkedAccess = context.AnalyzerConfigOptionsProvider.Select(static (options, _) => IsTrue(options, CheckedAccessProperty));
            var splitAll = context.AnalyzerConfigOptionsProvider.Select(static (options, _) => IsTrue(options, SplitAllProperty));
            var hasUnsafe = context.CompilationProvider.Select(static (compilation, _) =>
                compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.Unsafe") is not null);
            var helpPage = context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
                options.GlobalOptions.TryGetValue(Diagnostics.DiagnosticHelp.PageOption, out string? page) ? page : null);
            var generatedFilesKept = context.AnalyzerConfigOptionsProvider.Select(static (options, _) => IsTrue(options, GeneratedFilesProperty));
            var emitOptions = checkedAccess.Combine(hasUnsafe).Combine(helpPage).Combine(generatedFilesKept).Combine(splitAll)
                .Select(static (pair, _) => new Model.EmitOptions(pair.Left.Left.Left.Left, pair.Left.Left.Left.Right, pair.Left.Left.Right, pair.Left.Right, pair.Right));
            foreach (KernelOperator op in KernelOperator.All)
            {
                var results = context.SyntaxProvider
                    .ForAttributeWithMetadataName(
                        op.AttributeName,
                        // Local functions and lambdas too, so that an attribute on one is reported instead of ignored.
                        predicate: static (node, _) => node is MethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax,
                        transform: (attributeContext, cancellationToken) => KernelPipeline.Transform(attributeContext, op, cancellationToken))
                    .WithTrackingName(TransformStep);
                context.RegisterSourceOutput(results.Combine(emitOptions), static (output, pair) => KernelPipeline.Emit(output, pair.Left, pair.Right));
            }
        }

        private static bool IsTrue(Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider options, string property) =>
            options.GlobalOptions.TryGetValue("build_property." + property, out string? value)
            && string.Equals(value?.Trim(), "true", System.StringComparison.OrdinalIgnoreCase);
    }
}
