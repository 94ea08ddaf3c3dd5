using Microsoft.CodeAnalysis.CSharp;

namespace KernelGen.Generator.Model
{
    /// <summary>Names from the user's code as they must be written back in C#.</summary>
    internal static class Identifiers
    {
        /// <summary><c>@class</c> for a name that is a reserved keyword, the name itself otherwise.</summary>
        public static string Escape(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>The name without its <c>@</c>, as <c>nameof</c> would give it.</summary>
        public static string Unescape(string identifier) => identifier.StartsWith("@", System.StringComparison.Ordinal) ? identifier.Substring(1) : identifier;
    }
}
