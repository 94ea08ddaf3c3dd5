using System.Collections.Immutable;
using System.Composition;
using KernelGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.CodeFixes
{
    /// <summary>KG0001: writes the output shape the operator computes into the output's <c>[Shape]</c>.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OutputShapeFix)), Shared]
    public sealed class OutputShapeFix : DiagnosticFix
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.OutputShapeMismatch.Id);

        protected override DocumentEdit? Edit(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(FixProperties.ComputedShape, out string? shape) || shape is null
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute
                || SyntaxFactory.ParseAttributeArgumentList("(" + shape + ")") is not { } arguments)
            {
                return null;
            }

            if (attribute.ArgumentList is { } written)
            {
                arguments = arguments.WithTriviaFrom(written);
            }

            return new DocumentEdit($"Change the output shape to [{shape}]", root.ReplaceNode(attribute, attribute.WithArgumentList(arguments)));
        }
    }
}
