using System.Collections.Immutable;
using System.Composition;
using KernelGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.CodeFixes
{
    /// <summary>
    /// KG0019: sizes the buffer with the kernel's lengths constant, <c>new float[Layers.UpLengths.Output]</c>. Offered
    /// where the argument's length is an array creation's or <c>stackalloc</c>'s written size, unsliced; an
    /// initializer or a slice says something a fix should not overwrite.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BufferLengthFix)), Shared]
    public sealed class BufferLengthFix : DiagnosticFix
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ArgumentLengthMismatch.Id);

        protected override DocumentEdit? Edit(SyntaxNode root, Diagnostic diagnostic)
        {
            // The size may be in another file (a readonly field's initializer); the fix stays with one document.
            if (!diagnostic.Properties.TryGetValue(FixProperties.Replacement, out string? replacement) || replacement is null
                || diagnostic.AdditionalLocations.Count == 0 || diagnostic.AdditionalLocations[0].SourceTree?.FilePath != root.SyntaxTree.FilePath
                || root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax size)
            {
                return null;
            }

            ExpressionSyntax sized = SyntaxFactory.ParseExpression(replacement).WithTriviaFrom(size);
            return new DocumentEdit($"Size the buffer with {replacement}", root.ReplaceNode(size, sized));
        }
    }
}
