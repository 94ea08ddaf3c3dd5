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

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            foreach (KernelOperator op in KernelOperator.All)
            {
                var results = context.SyntaxProvider
                    .ForAttributeWithMetadataName(
                        op.AttributeName,
                        // Local functions and lambdas too, so that an attribute on one is reported instead of ignored.
                        predicate: static (node, _) => node is MethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax,
                        transform: (attributeContext, cancellationToken) => KernelPipeline.Transform(attributeContext, op, cancellationToken))
                    .WithTrackingName(TransformStep);
                context.RegisterSourceOutput(results, KernelPipeline.Emit);
            }
        }
    }
}
