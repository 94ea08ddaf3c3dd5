using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.CodeFixes
{
    /// <summary>
    /// KG0008 (a kernel method that lacks <c>static</c> or <c>partial</c>): adds the missing modifiers, <c>partial</c>
    /// last, where C# requires it. (A containing type that lacks <c>partial</c> is the compiler's CS0260, which the IDE's
    /// own "Make declaration partial" fixes.)
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ModifierFix)), Shared]
    public sealed class ModifierFix : DiagnosticFix
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.InvalidMethod.Id);

        protected override DocumentEdit? Edit(SyntaxNode root, Diagnostic diagnostic)
        {
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var declaration = node.FirstAncestorOrSelf<MethodDeclarationSyntax>();
            string name = declaration?.Identifier.ValueText ?? "";
            // Only a declaration that lacks nothing but modifiers carries them (a method with a body does not).
            string[] missing = diagnostic.Properties.TryGetValue(FixProperties.MissingModifiers, out string? modifiers) && modifiers is not null
                ? modifiers.Split(' ')
                : new string[0];

            if (declaration is null || missing.Length == 0)
            {
                return null;
            }

            string added = string.Join(" ", missing);
            return new DocumentEdit($"Make '{name}' {added}", root.ReplaceNode(declaration, AddModifiers(declaration, missing)), added);
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
