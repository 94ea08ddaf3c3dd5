using System.Text.RegularExpressions;

namespace KernelGen.Tests.Infrastructure;

/// <summary>Generated source as the tests search it.</summary>
public static class GeneratedText
{
    /// <summary>
    /// The source with every documentation comment joined back into one line: the generator wraps comments at 120
    /// columns, so a phrase a test looks for may otherwise be split wherever the numbers before it end.
    /// </summary>
    public static string Unwrapped(string source) => Regex.Replace(source, @"(?<=///[^\n]*)\n[ \t]*/// ?", " ");

    /// <summary>The source as one line, its comment markers (// and ///) and line breaks each read as one space: a phrase of a comment of any kind, wrapped anywhere.</summary>
    public static string OneLine(string source) => Regex.Replace(source, @"\s*\n\s*///?\s*", " ");
}
