using System.Text;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Parsing
{
    /// <summary>
    /// The name of a kernel's generated file, from its symbol (never from syntax text): a readable part made of
    /// letters, digits and dots only, cut to a length that keeps the path of an emitted file short, then a hash of the
    /// method's documentation ID, which is case-sensitive and unique per method. Two kernels therefore never share a
    /// hint name, even on a case-insensitive file system or when their readable parts are cut to the same text.
    /// </summary>
    internal static class HintNames
    {
        /// <summary>The readable part's length limit: the whole name then stays under 90 characters.</summary>
        public const int MaxReadableLength = 64;

        public static string For(IMethodSymbol method)
        {
            var readable = new StringBuilder();
            foreach (char c in method.ContainingType.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) + "." + method.Name)
            {
                readable.Append(c < 128 && (char.IsLetterOrDigit(c) || c == '.' || c == '_') ? c : '_');
            }

            string text = readable.Length > MaxReadableLength ? readable.ToString(readable.Length - MaxReadableLength, MaxReadableLength).TrimStart('.') : readable.ToString();
            string identity = Identity(method);
            return $"{text}.{Fnv1a64(identity):X16}{DuplicateSuffix(method, identity)}.g.cs";
        }

        /// <summary>
        /// Empty for the first method with its documentation ID, <c>.2</c>, <c>.3</c>, ... for later ones: a method declared
        /// twice with one signature is the compiler's error (CS0111), and two kernels with one hint name would stop the
        /// generator for the whole project.
        /// </summary>
        private static string DuplicateSuffix(IMethodSymbol method, string identity)
        {
            int earlier = EarlierWithSameSignature(method, identity);
            return earlier == 0 ? string.Empty : $".{earlier + 1}";
        }

        /// <summary>How many members of the type declare <paramref name="method"/>'s signature before it (the compiler's CS0111 for each).</summary>
        public static int EarlierWithSameSignature(IMethodSymbol method) => EarlierWithSameSignature(method, Identity(method));

        private static int EarlierWithSameSignature(IMethodSymbol method, string identity)
        {
            int earlier = 0;
            foreach (ISymbol member in method.ContainingType.GetMembers(method.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(member, method))
                {
                    break;
                }

                if (Identity(member) == identity)
                {
                    earlier++;
                }
            }

            return earlier;
        }

        /// <summary>The documentation ID, case-sensitive and unique per signature.</summary>
        private static string Identity(ISymbol member) => member.GetDocumentationCommentId() ?? member.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        /// <summary>FNV-1a, 64 bits: stable across processes and runtimes, unlike <c>string.GetHashCode</c>.</summary>
        private static ulong Fnv1a64(string text)
        {
            ulong hash = 14695981039346656037UL;
            foreach (char c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return hash;
        }
    }
}
