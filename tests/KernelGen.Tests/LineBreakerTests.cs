using System.Text.RegularExpressions;
using KernelGen.Generator.Emit;

namespace KernelGen.Tests;

/// <summary>The generated code's long lines are broken only in whitespace, at the outermost commas and operators.</summary>
public sealed partial class LineBreakerTests
{
    private static string[] Break(string line, int width = 40) => [.. LineBreaker.Split(line, width, "    ")];

    private static string WithoutSpace(string text) => Whitespace().Replace(text, "");

    [Fact]
    public void A_declaration_breaks_between_its_declarators_before_inside_one()
    {
        string[] pieces = Break("float w0 = weight[g * 1 + 0], w1 = weight[g * 1 + 1], w2 = weight[g * 1 + 2];");
        Assert.Equal(["float w0 = weight[g * 1 + 0],", "    w1 = weight[g * 1 + 1],", "    w2 = weight[g * 1 + 2];"], pieces);
    }

    [Fact]
    public void A_statement_with_its_own_indentation_continues_deeper()
    {
        string[] pieces = Break("    throw new Exception(\"a message\", \"input\", \"more\");", 30);
        Assert.Equal("    throw new Exception(\"a message\",", pieces[0]);
        Assert.All(pieces.Skip(1), piece => Assert.StartsWith("        \"", piece, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("x = Call(\"a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p\");")]              // inside a string
    [InlineData("x = Unsafe.As<float, byte>(ref Unsafe.As<float, byte>(ref start));")]        // inside generic arguments
    [InlineData("x = 1; // a trailing comment, with commas, and + signs, that must stay one comment")]
    public void Strings_generic_arguments_and_trailing_comments_are_not_broken(string line)
    {
        string[] pieces = Break(line);
        string joined = string.Join("\n", pieces);
        Assert.Equal(WithoutSpace(line), WithoutSpace(joined));
        foreach (string piece in pieces.Skip(1))
        {
            Assert.False(piece.TrimStart().StartsWith("byte>", StringComparison.Ordinal), joined);
        }

        Assert.True(pieces.Count(p => p.Contains('"', StringComparison.Ordinal)) <= 1 || !line.Contains('"', StringComparison.Ordinal), joined);
        Assert.True(!line.Contains("//", StringComparison.Ordinal) || pieces[^1].Contains("// a trailing comment, with commas, and + signs, that must stay one comment", StringComparison.Ordinal), joined);
    }

    [Fact]
    public void A_comment_continues_as_a_comment_at_its_indentation()
    {
        string[] pieces = Break("    /// <summary>Row phase 1: output rows 0, 2, ... (7); all 2 column phases together.</summary>");
        Assert.True(pieces.Length > 1);
        Assert.All(pieces, piece => Assert.StartsWith("    /// ", piece, StringComparison.Ordinal));
        Assert.All(pieces, piece => Assert.True(piece.Length <= 40, piece));
    }

    [Fact]
    public void Generated_snapshots_keep_lines_short_where_a_break_exists()
    {
        string folder = Path.Combine(DiagnosticTests.RepositoryRoot(), "tests", "KernelGen.Tests", "Snapshots");
        foreach (string file in Directory.GetFiles(folder, "*.verified.cs"))
        {
            foreach (string line in File.ReadAllLines(file).Where(line => line.Length > IndentedWriter.MaxWidth))
            {
                // A long line is one that has no break left: its first break is beyond the width.
                string[] again = [.. LineBreaker.Split(line, IndentedWriter.MaxWidth, "    ")];
                Assert.True(again.Length == 1, $"{Path.GetFileName(file)}: a line of {line.Length} characters could be broken:\n{line}");
            }
        }
    }

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}
