using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using KernelGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.CodeFixes
{
    /// <summary>KG0001: writes the output shape the operator computes into the output's <c>[Shape]</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OutputShapeFix)), Shared]
    public sealed class OutputShapeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.OutputShapeMismatch.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (root is null || !diagnostic.Properties.TryGetValue(FixProperties.ComputedShape, out string? shape) || shape is null
                    || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute)
                {
                    continue;
                }

                AttributeArgumentListSyntax? arguments = SyntaxFactory.ParseAttributeArgumentList("(" + shape + ")");
                if (arguments is null)
                {
                    continue;
                }

                if (attribute.ArgumentList is { } written)
                {
                    arguments = arguments.WithTriviaFrom(written);
                }

                AttributeSyntax replaced = attribute.WithArgumentList(arguments);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Change the output shape to [{shape}]",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(attribute, replaced))),
                        equivalenceKey: nameof(OutputShapeFix)),
                    diagnostic);
            }
        }
    }
}
