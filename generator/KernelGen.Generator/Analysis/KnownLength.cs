using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Analysis
{
    /// <summary>
    /// A buffer length the compiler can know, and where it comes from.
    /// </summary>
    /// <param name="Origin">The source that fixes the length, as the user wrote it, such as <c>new float[1024]</c> or
    /// <c>buffer = stackalloc float[16]</c>: the diagnostic shows it beside the number.</param>
    /// <param name="Size">The constant size expression of the array creation or <c>stackalloc</c> whose length the
    /// argument has, unsliced: the one place a fix can size with the kernel's constant. Null when the length comes
    /// from an initializer or a slice.</param>
    internal sealed record KnownLength(long Length, string Origin, SyntaxNode? Size)
    {
        /// <summary>Long syntax is cut, so that the message stays a line.</summary>
        public static string Describe(SyntaxNode node)
        {
            string text = System.Text.RegularExpressions.Regex.Replace(node.ToString(), @"\s+", " ");
            return text.Length <= 80 ? text : text.Substring(0, 77) + "...";
        }
    }
}
