using System;
using System.Collections.Generic;
using System.Text;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// Writes C# text line by line at the current indentation; blocks close themselves when disposed. A line longer
    /// than <see cref="MaxWidth"/> is broken at its outermost commas and operators (<see cref="LineBreaker"/>), with
    /// its continuation indented one level deeper, so that generated code reads at any size.
    /// </summary>
    internal sealed class IndentedWriter
    {
        /// <summary>The widest line a reviewer reads without scrolling, indentation included.</summary>
        public const int MaxWidth = 120;

        private const string IndentUnit = "    ";
        private readonly StringBuilder _text = new();
        private int _depth;

        public void WriteLine(string line = "")
        {
            if (line.Length == 0)
            {
                _text.Append('\n');
                return;
            }

            foreach (string piece in LineBreaker.Split(line, MaxWidth - (_depth * IndentUnit.Length), IndentUnit))
            {
                for (int i = 0; i < _depth; i++)
                {
                    _text.Append(IndentUnit);
                }

                _text.Append(piece).Append('\n');
            }
        }

        /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope is disposed.</summary>
        /// <param name="after">A line written after the closing one, such as the <c>#endif</c> of a conditional method.</param>
        public Scope Block(string header, string closing = "}", string? after = null)
        {
            WriteLine(header);
            WriteLine("{");
            _depth++;
            return new Scope(this, closing, after);
        }

        /// <summary>A bare block, to scope locals.</summary>
        public Scope Block()
        {
            WriteLine("{");
            _depth++;
            return new Scope(this, "}", null);
        }

        /// <summary>
        /// The lines <paramref name="write"/> writes, formatted at this writer's indentation but not added to it: for
        /// comparing pieces of code before choosing which to write (<see cref="WriteCaptured"/>).
        /// </summary>
        public string Capture(Action<IndentedWriter> write)
        {
            var piece = new IndentedWriter { _depth = _depth };
            write(piece);
            return piece.ToString();
        }

        /// <summary>Adds lines captured at this writer's indentation by <see cref="Capture"/>.</summary>
        public void WriteCaptured(string lines) => _text.Append(lines);

        public override string ToString() => _text.ToString();

        private void Close(string closing, string? after)
        {
            _depth--;
            WriteLine(closing);
            if (after is not null)
            {
                WriteLine(after);
            }
        }

        /// <summary>Blocks opened one inside another, a number known only while writing (a loop per axis): closed innermost first.</summary>
        public sealed class Nest : IDisposable
        {
            private readonly List<Scope> _scopes = new();

            public void Add(Scope scope) => _scopes.Add(scope);

            public void Dispose()
            {
                for (int i = _scopes.Count - 1; i >= 0; i--)
                {
                    _scopes[i].Dispose();
                }

                _scopes.Clear();
            }
        }

        /// <summary>The end of a block opened by <see cref="Block"/>.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly IndentedWriter _writer;
            private readonly string _closing;
            private readonly string? _after;

            public Scope(IndentedWriter writer, string closing, string? after)
            {
                _writer = writer;
                _closing = closing;
                _after = after;
            }

            public void Dispose() => _writer.Close(_closing, _after);
        }
    }
}
