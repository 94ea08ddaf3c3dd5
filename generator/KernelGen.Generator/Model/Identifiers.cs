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

        /// <summary>
        /// <paramref name="name"/>, with underscores added until it is none of <paramref name="parameters"/>: a local of
        /// generated code must not hide a parameter, whatever the user named them.
        /// </summary>
        public static string Unused(string name, System.Collections.Generic.IEnumerable<string?> parameters)
        {
            var taken = new System.Collections.Generic.HashSet<string>(System.Linq.Enumerable.Select(System.Linq.Enumerable.OfType<string>(parameters), Unescape));
            while (taken.Contains(name))
            {
                name += "_";
            }

            return name;
        }
    }
}
