using System.Collections.Generic;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// Breaks one long line of generated C# into pieces that fit a width. It breaks after a comma or before a binary
    /// operator, choosing the least nested place that fits (so arguments and terms stay whole where they can), and
    /// never inside a string or character literal, a generic argument list or a trailing comment. Only whitespace
    /// changes: the code means the same.
    /// </summary>
    internal static class LineBreaker
    {
        private const string Operators = "+-*";

        /// <summary>
        /// The pieces of <paramref name="line"/>, each fitting <paramref name="width"/> except where no break fits (a
        /// long name stays whole). Code continues one <paramref name="indentUnit"/> deeper than the line's own
        /// indentation (a statement under an <c>if</c> without braces carries one); a comment continues as a comment
        /// at the same indentation. Preprocessor lines are not broken.
        /// </summary>
        public static IEnumerable<string> Split(string line, int width, string indentUnit)
        {
            string trimmed = line.TrimStart();
            if (line.Length <= width || trimmed.StartsWith("#", System.StringComparison.Ordinal))
            {
                yield return line;
                yield break;
            }

            if (trimmed.StartsWith("//", System.StringComparison.Ordinal))
            {
                foreach (string piece in SplitComment(line, width))
                {
                    yield return piece;
                }

                yield break;
            }

            string continuation = line.Substring(0, line.Length - trimmed.Length) + indentUnit;
            var pieces = new List<(int Start, int End)>();
            Break(line, FindBreaks(line), 0, line.Length, width, width - continuation.Length, pieces);
            for (int i = 0; i < pieces.Count; i++)
            {
                string text = line.Substring(pieces[i].Start, pieces[i].End - pieces[i].Start).Trim(' ');
                yield return i == 0 ? line.Substring(0, line.Length - trimmed.Length) + text : continuation + text;
            }
        }

        /// <summary>
        /// Breaks <c>[start, end)</c> at its outermost level first: among the breaks inside it, only the least nested
        /// are used, packing as much onto each piece as fits; a piece that still does not fit is broken the same way
        /// at its own outermost level. So a declaration breaks between its declarators before inside one of them.
        /// </summary>
        private static void Break(string line, List<(int Position, int Depth)> breaks, int start, int end, int firstWidth, int width, List<(int, int)> pieces)
        {
            int available = pieces.Count == 0 ? firstWidth : width;
            int outermost = int.MaxValue;
            foreach ((int position, int depth) in breaks)
            {
                if (position > start && position < end && depth < outermost)
                {
                    outermost = depth;
                }
            }

            if (end - start <= available || outermost == int.MaxValue)
            {
                pieces.Add((start, end));
                return;
            }

            int pieceStart = start, lastFit = -1;
            foreach ((int position, int depth) in breaks)
            {
                if (position <= start || position >= end || depth != outermost)
                {
                    continue;
                }

                if (position - pieceStart > available && lastFit > pieceStart)
                {
                    Break(line, breaks, pieceStart, lastFit, firstWidth, width, pieces);
                    pieceStart = lastFit;
                    available = width;
                }

                lastFit = position;
            }

            if (end - pieceStart > available && lastFit > pieceStart)
            {
                Break(line, breaks, pieceStart, lastFit, firstWidth, width, pieces);
                pieceStart = lastFit;
            }

            Break(line, breaks, pieceStart, end, firstWidth, width, pieces);
        }

        /// <summary>
        /// A comment broken between words, each piece starting with the same marker (<c>//</c> or <c>///</c>) at the
        /// same indentation, so that it stays one comment (or one documentation element).
        /// </summary>
        private static IEnumerable<string> SplitComment(string line, int width)
        {
            string trimmed = line.TrimStart(' ');
            string marker = trimmed.StartsWith("///", System.StringComparison.Ordinal) ? "/// " : "// ";
            string prefix = line.Substring(0, line.Length - trimmed.Length) + marker;
            string[] words = trimmed.Substring(marker.Length - 1).TrimStart(' ').Split(' ');
            var current = new System.Text.StringBuilder(prefix);
            foreach (string word in words)
            {
                if (current.Length > prefix.Length && current.Length + 1 + word.Length > width)
                {
                    yield return current.ToString();
                    current.Clear().Append(prefix);
                }

                if (current.Length > prefix.Length)
                {
                    current.Append(' ');
                }

                current.Append(word);
            }

            yield return current.ToString();
        }

        /// <summary>Where a line may break (the next piece starts there) and how deeply nested that place is.</summary>
        private static List<(int Position, int Depth)> FindBreaks(string line)
        {
            var breaks = new List<(int, int)>();
            int depth = 0, angles = 0;
            char quote = '\0';
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quote != '\0')
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == quote)
                    {
                        quote = '\0';
                    }

                    continue;
                }

                switch (c)
                {
                    case '"':
                    case '\'':
                        quote = c;
                        break;
                    case '/' when i + 1 < line.Length && line[i + 1] == '/':
                        return breaks; // a trailing comment: the rest of the line stays with it
                    case '(':
                    case '[':
                    case '{':
                        depth++;
                        break;
                    case ')':
                    case ']':
                    case '}':
                        depth--;
                        break;
                    case '<' when i > 0 && IsNamePart(line[i - 1]) && i + 1 < line.Length && IsNamePart(line[i + 1]):
                        angles++; // a generic argument list, such as As<float, byte>: not a place to break
                        break;
                    case '>' when angles > 0:
                        angles--;
                        break;
                    case ',' when angles == 0 && i + 1 < line.Length && line[i + 1] == ' ':
                        breaks.Add((i + 1, depth));
                        break;
                    case ' ' when angles == 0 && i + 2 < line.Length && Operators.IndexOf(line[i + 1]) >= 0 && line[i + 2] == ' ':
                        breaks.Add((i, depth));
                        break;
                }
            }

            return breaks;
        }

        private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_';
    }
}
