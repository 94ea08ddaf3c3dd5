using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Parsing
{
    /// <summary>
    /// C#'s rules for the implementing part of a partial method, which decide whether KernelGen writes one: an
    /// implementing part the compiler rejects repeats the declaration's error at the generated file, so that one mistake
    /// would give two errors.
    /// </summary>
    internal static class PartialMethodRules
    {
        /// <summary>
        /// True when the declaration has an accessibility modifier, so that it must have an implementing part (CS8795
        /// without one). A declaration without one needs none.
        /// </summary>
        public static bool NeedsImplementation(MethodDeclarationSyntax syntax) =>
            syntax.Modifiers.Any(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.PrivateKeyword)
                || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.InternalKeyword));

        /// <summary>
        /// True when an implementing part is allowed: always with an accessibility modifier; without one, only for a
        /// method that returns void and is not new, virtual, override, sealed or extern (CS8796, CS8798 otherwise,
        /// which the compiler reports at the declaration already).
        /// </summary>
        public static bool MayHaveImplementation(MethodDeclarationSyntax syntax) =>
            NeedsImplementation(syntax)
            || (syntax.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword }
                && !syntax.Modifiers.Any(m => m.IsKind(SyntaxKind.NewKeyword) || m.IsKind(SyntaxKind.VirtualKeyword) || m.IsKind(SyntaxKind.OverrideKeyword)
                    || m.IsKind(SyntaxKind.SealedKeyword) || m.IsKind(SyntaxKind.ExternKeyword)));
    }
}
