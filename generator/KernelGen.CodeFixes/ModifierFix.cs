using System.Collections.Generic;
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
    /// <summary>
    /// KG0008 (a kernel method that lacks <c>static</c> or <c>partial</c>) and KG0009 (a containing type that lacks
    /// <c>partial</c>): adds the missing modifiers, <c>partial</c> last, where C# requires it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ModifierFix)), Shared]
    public sealed class ModifierFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.InvalidMethod.Id, DiagnosticDescriptors.ContainingTypeNotPartial.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                MemberDeclarationSyntax? declaration;
                string[] missing;
                if (diagnostic.Id == DiagnosticDescriptors.ContainingTypeNotPartial.Id)
                {
                    declaration = node.FirstAncestorOrSelf<TypeDeclarationSyntax>();
                    missing = new[] { "partial" };
                }
                else
                {
                    declaration = node.FirstAncestorOrSelf<MethodDeclarationSyntax>();
                    missing = diagnostic.Properties.TryGetValue(FixProperties.MissingModifiers, out string? modifiers) && modifiers is not null
                        ? modifiers.Split(' ')
                        : new string[0];
                }

                if (declaration is null || missing.Length == 0)
                {
                    continue;
                }

                string name = declaration is TypeDeclarationSyntax type ? type.Identifier.ValueText : ((MethodDeclarationSyntax)declaration).Identifier.ValueText;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Make '{name}' {string.Join(" ", missing)}",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, AddModifiers(declaration, missing)))),
                        equivalenceKey: nameof(ModifierFix) + string.Join("", missing)),
                    diagnostic);
            }
        }

        /// <summary>
        /// <c>static</c> goes before an existing <c>partial</c>, <c>partial</c> after every other modifier: C# wants
        /// <c>partial</c> right before the return type or the type keyword.
        /// </summary>
        private static MemberDeclarationSyntax AddModifiers(MemberDeclarationSyntax declaration, string[] missing)
        {
            List<SyntaxToken> modifiers = declaration.Modifiers.ToList();
            // A declaration without modifiers starts with its type or keyword, whose leading trivia (indentation,
            // comments) moves to the first modifier.
            SyntaxTriviaList leading = modifiers.Count == 0 ? declaration.GetFirstToken().LeadingTrivia : default;
            foreach (string modifier in missing)
            {
                SyntaxToken token = SyntaxFactory.Token(modifier == "static" ? SyntaxKind.StaticKeyword : SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
                int partial = modifiers.FindIndex(m => m.IsKind(SyntaxKind.PartialKeyword));
                modifiers.Insert(modifier == "static" && partial >= 0 ? partial : modifiers.Count, token);
            }

            MemberDeclarationSyntax result = declaration;
            if (modifiers.Count == missing.Length && leading.Count > 0)
            {
                result = result.ReplaceToken(result.GetFirstToken(), result.GetFirstToken().WithLeadingTrivia());
                modifiers[0] = modifiers[0].WithLeadingTrivia(leading);
            }

            return result.WithModifiers(SyntaxFactory.TokenList(modifiers));
        }
    }
}
