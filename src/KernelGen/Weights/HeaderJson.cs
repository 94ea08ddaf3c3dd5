#if NETSTANDARD2_1_OR_GREATER
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace KernelGen.Weights
{
    /// <summary>
    /// A forward-only reader of the JSON a safetensors header is written in, over its UTF-8 bytes: the caller walks the
    /// structure it expects (objects, arrays, strings, whole numbers) and skips, while checking, whatever it does not
    /// need. Nothing is built that the caller does not keep, so time and memory are linear in the header with a small
    /// constant (a 100 MB header of tensor entries in about a second). KernelGen.dll has no dependencies;
    /// System.Text.Json would add one to every user's program for this one header. The bytes are checked as UTF-8 before
    /// any of them is read.
    /// </summary>
    internal sealed class HeaderJson
    {
        /// <summary>How deeply values may nest; deeper is refused rather than recursed into.</summary>
        public const int MaxDepth = 64;

        /// <summary>How many characters of a value a message quotes before it shortens the rest.</summary>
        private const int QuotedLength = 80;

        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private readonly byte[] _bytes;
        private readonly int _start;
        private readonly int _end;
        private int _at;

        /// <summary>A reader of <paramref name="length"/> bytes from <paramref name="start"/>, already checked to be UTF-8.</summary>
        public HeaderJson(byte[] bytes, int start, int length)
        {
            _bytes = bytes;
            _start = start;
            _end = start + length;
            _at = start;
        }

        /// <summary>True when the bytes are UTF-8 text (without decoding them into a string).</summary>
        public static bool IsUtf8(byte[] bytes, int start, int length)
        {
            try
            {
                StrictUtf8.GetCharCount(bytes, start, length);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        /// <summary>Where the next value starts, for <see cref="Quote"/> after it has been read.</summary>
        public int Position
        {
            get
            {
                SkipSpace();
                return _at;
            }
        }

        /// <summary>Reads the opening brace of an object; the members follow through <see cref="NextMember"/>.</summary>
        public void OpenObject() => Expect((byte)'{', "an object");

        /// <summary>
        /// The next member's name, with the reader at its value; null after the closing brace. <paramref name="first"/>
        /// is true before the first member and is cleared here.
        /// </summary>
        public string? NextMember(ref bool first, out int nameAt, string[]? known = null)
        {
            SkipSpace();
            nameAt = _at;
            if (first && Peek() == '}')
            {
                _at++;
                return null;
            }

            if (!first)
            {
                if (Peek() == '}')
                {
                    _at++;
                    return null;
                }

                Expect((byte)',', "',' or '}'");
                SkipSpace();
            }

            first = false;
            if (Peek() != '"')
            {
                throw Error("a member name in double quotes");
            }

            nameAt = _at;
            string name = ReadString(known);
            SkipSpace();
            Expect((byte)':', "':'");
            return name;
        }

        /// <summary>Reads the opening bracket of an array; its items follow through <see cref="NextItem"/>.</summary>
        public void OpenArray() => Expect((byte)'[', "an array");

        /// <summary>True with the reader at the next item; false after the closing bracket.</summary>
        public bool NextItem(ref bool first)
        {
            SkipSpace();
            if (Peek() == ']')
            {
                _at++;
                return false;
            }

            if (!first)
            {
                Expect((byte)',', "',' or ']'");
                SkipSpace();
                if (Peek() == ']')
                {
                    throw Error("a value after ','");
                }
            }

            first = false;
            return true;
        }

        /// <summary>The next value's first character: '{', '[', '"', a digit or '-', 't', 'f' or 'n'.</summary>
        public char PeekValue()
        {
            SkipSpace();
            return Peek();
        }

        /// <summary>
        /// A string value, its escapes decoded; a lone UTF-16 surrogate from <c>\u</c> escapes is refused, as the format's
        /// reference reader refuses it. A string written as one of <paramref name="known"/> (ASCII, without escapes) is
        /// that instance, not a new one: a header repeats its field names and dtypes once per tensor.
        /// </summary>
        public string ReadString(string[]? known = null)
        {
            SkipSpace();
            Expect((byte)'"', "a string");
            int begin = _at;
            bool escaped = false;
            while (true)
            {
                if (_at >= _end)
                {
                    throw Error("the closing quote of a string");
                }

                byte b = _bytes[_at];
                if (b == '"')
                {
                    break;
                }

                if (b < 0x20)
                {
                    throw Error("no control character inside a string");
                }

                if (b == '\\')
                {
                    escaped = true;
                    _at++;
                    if (_at >= _end)
                    {
                        throw Error("an escape after '\\'");
                    }
                }

                _at++;
            }

            int stop = _at;
            _at++;
            if (escaped)
            {
                return Unescape(begin, stop);
            }

            return Known(begin, stop, known) ?? Encoding.UTF8.GetString(_bytes, begin, stop - begin);
        }

        private string? Known(int begin, int stop, string[]? known)
        {
            if (known is null)
            {
                return null;
            }

            foreach (string candidate in known)
            {
                if (candidate.Length == stop - begin && Matches(candidate))
                {
                    return candidate;
                }
            }

            return null;

            bool Matches(string candidate)
            {
                for (int i = 0; i < candidate.Length; i++)
                {
                    if (_bytes[begin + i] != candidate[i])
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        /// <summary>
        /// A number, as its whole value when it is written as digits alone (no sign, fraction or exponent) and is at
        /// most <paramref name="maximum"/>; null for any other number. <see cref="Error"/> when it is not a number.
        /// </summary>
        private ulong? ReadWhole(ulong maximum)
        {
            SkipSpace();
            int begin = _at;
            SkipNumber();
            ulong value = 0;
            for (int i = begin; i < _at; i++)
            {
                int digit = _bytes[i] - '0';
                if (digit < 0 || digit > 9 || value > (maximum - (ulong)digit) / 10)
                {
                    return null;
                }

                value = (value * 10) + (ulong)digit;
            }

            return value;
        }

        /// <summary>
        /// An array of whole numbers no larger than <paramref name="maximum"/>, each converted by <paramref name="convert"/>
        /// into an array of exactly their count; null, with the whole value skipped (and checked), when it is anything
        /// else: not an array, or an item that is a fraction, a sign, an exponent, too large, or not a number.
        /// </summary>
        public T[]? ReadWholeNumbers<T>(ulong maximum, System.Func<ulong, T> convert)
        {
            int begin = Position;
            int count = CountNumbers();
            if (count < 0)
            {
                SkipValue(depth: 2);
                return null;
            }

            var items = new T[count];
            bool whole = true;
            OpenArray();
            bool first = true;
            for (int i = 0; NextItem(ref first); i++)
            {
                ulong? value = ReadWhole(maximum);
                whole &= value is not null;
                items[i] = whole ? convert(value!.Value) : default!;
            }

            return whole ? items : null;
        }

        /// <summary>How many items the array at the reader holds when they are all numbers, found by a scan that moves nothing; -1 otherwise.</summary>
        private int CountNumbers()
        {
            if (Peek() != '[')
            {
                return -1;
            }

            int commas = 0;
            bool empty = true;
            for (int i = _at + 1; i < _end; i++)
            {
                switch (_bytes[i])
                {
                    case (byte)']':
                        return empty ? 0 : commas + 1;
                    case (byte)',':
                        commas++;
                        break;
                    case (byte)'[': case (byte)'{': case (byte)'"': case (byte)'t': case (byte)'f': case (byte)'n':
                        return -1;
                    case (byte)' ': case (byte)'\t': case (byte)'\n': case (byte)'\r':
                        break;
                    default:
                        empty = false;
                        break;
                }
            }

            return -1;
        }

        /// <summary>Skips one value of any kind, checking that it is JSON (duplicate member names included).</summary>
        public void SkipValue(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error($"at most {MaxDepth.ToString(CultureInfo.InvariantCulture)} levels of nesting");
            }

            switch (PeekValue())
            {
                case '{':
                    OpenObject();
                    var names = new HashSet<string>(System.StringComparer.Ordinal);
                    bool first = true;
                    while (NextMember(ref first, out int nameAt) is { } name)
                    {
                        if (!names.Add(name))
                        {
                            throw ErrorAt(nameAt, $"no second member named \"{Shorten(name)}\"");
                        }

                        SkipValue(depth + 1);
                    }

                    return;
                case '[':
                    OpenArray();
                    bool firstItem = true;
                    while (NextItem(ref firstItem))
                    {
                        SkipValue(depth + 1);
                    }

                    return;
                case '"':
                    ReadString();
                    return;
                case 't':
                    Word("true");
                    return;
                case 'f':
                    Word("false");
                    return;
                case 'n':
                    Word("null");
                    return;
                default:
                    SkipNumber();
                    return;
            }
        }

        /// <summary>Checks that only white space follows the top-level value.</summary>
        public void End()
        {
            SkipSpace();
            if (_at != _end)
            {
                throw Error("the end of the header after the top-level value");
            }
        }

        /// <summary>The JSON text from <paramref name="from"/> to the reader's position, for a message: shortened past <see cref="QuotedLength"/> characters.</summary>
        public string Quote(int from) => Shorten(Encoding.UTF8.GetString(_bytes, from, _at - from).Trim());

        /// <summary>A name or text short enough for a message: its first <see cref="QuotedLength"/> characters and its length.</summary>
        public static string Shorten(string text) => text.Length <= QuotedLength
            ? text
            : text.Substring(0, QuotedLength) + "... (" + text.Length.ToString(CultureInfo.InvariantCulture) + " characters)";

        /// <summary>Malformed JSON at the reader's position: what was expected and what is there.</summary>
        public JsonError Error(string expected) => ErrorAt(_at, expected);

        /// <summary>Malformed JSON at byte <paramref name="at"/> of the file.</summary>
        public JsonError ErrorAt(int at, string expected)
        {
            string found = at >= _end ? "the end of the header" : $"'{(char)_bytes[at]}'";
            if (at < _end && _bytes[at] >= 0x80)
            {
                found = "a non-ASCII character";
            }

            return new JsonError($"malformed JSON at byte {(at - _start + 1).ToString(CultureInfo.InvariantCulture)} of the header (counting from 1): expected {expected}, found {found}");
        }

        private string Unescape(int begin, int stop)
        {
            var text = new StringBuilder(stop - begin);
            int run = begin;
            for (int i = begin; i < stop; i++)
            {
                if (_bytes[i] != '\\')
                {
                    continue;
                }

                text.Append(Encoding.UTF8.GetString(_bytes, run, i - run));
                byte escape = _bytes[i + 1];
                switch (escape)
                {
                    case (byte)'"': text.Append('"'); break;
                    case (byte)'\\': text.Append('\\'); break;
                    case (byte)'/': text.Append('/'); break;
                    case (byte)'b': text.Append('\b'); break;
                    case (byte)'f': text.Append('\f'); break;
                    case (byte)'n': text.Append('\n'); break;
                    case (byte)'r': text.Append('\r'); break;
                    case (byte)'t': text.Append('\t'); break;
                    case (byte)'u':
                        char unit = HexUnit(i + 2, stop);
                        if (char.IsHighSurrogate(unit))
                        {
                            // Only a pair is a character: \uD83D\uDE00, not \uD83D alone.
                            if (i + 12 > stop || _bytes[i + 6] != '\\' || _bytes[i + 7] != 'u' || !char.IsLowSurrogate(HexUnit(i + 8, stop)))
                            {
                                throw ErrorAt(i, "a low surrogate escape after the high surrogate \\u" + ((int)unit).ToString("X4", CultureInfo.InvariantCulture));
                            }

                            text.Append(unit).Append(HexUnit(i + 8, stop));
                            i += 6;
                        }
                        else if (char.IsLowSurrogate(unit))
                        {
                            throw ErrorAt(i, "no low surrogate \\u" + ((int)unit).ToString("X4", CultureInfo.InvariantCulture) + " without a high surrogate before it");
                        }
                        else
                        {
                            text.Append(unit);
                        }

                        i += 4;
                        break;
                    default:
                        throw ErrorAt(i + 1, "an escape: one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
                }

                i++;
                run = i + 1;
            }

            text.Append(Encoding.UTF8.GetString(_bytes, run, stop - run));
            return text.ToString();
        }

        /// <summary>The UTF-16 unit of the four hexadecimal digits at <paramref name="at"/>.</summary>
        private char HexUnit(int at, int stop)
        {
            if (at + 4 > stop)
            {
                throw ErrorAt(at, "four hexadecimal digits after \\u");
            }

            int unit = 0;
            for (int i = at; i < at + 4; i++)
            {
                int b = _bytes[i], digit = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
                if (digit < 0)
                {
                    throw ErrorAt(at, "four hexadecimal digits after \\u");
                }

                unit = (unit << 4) | digit;
            }

            return (char)unit;
        }

        /// <summary>Skips a number as JSON writes one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
        private void SkipNumber()
        {
            int start = _at;
            if (Peek() == '-')
            {
                _at++;
            }

            int digits = Digits();
            if (digits == 0 || (digits > 1 && _bytes[_at - digits] == '0'))
            {
                _at = start;
                throw Error(digits == 0 && _at == start && Peek() != '-' ? "a value" : "a number (digits, no leading zero)");
            }

            if (Peek() == '.')
            {
                _at++;
                if (Digits() == 0)
                {
                    throw Error("digits after the decimal point");
                }
            }

            if (Peek() == 'e' || Peek() == 'E')
            {
                _at++;
                if (Peek() == '+' || Peek() == '-')
                {
                    _at++;
                }

                if (Digits() == 0)
                {
                    throw Error("digits in the exponent");
                }
            }
        }

        private int Digits()
        {
            int start = _at;
            while (_at < _end && _bytes[_at] >= '0' && _bytes[_at] <= '9')
            {
                _at++;
            }

            return _at - start;
        }

        private void Word(string word)
        {
            for (int i = 0; i < word.Length; i++)
            {
                if (_at + i >= _end || _bytes[_at + i] != word[i])
                {
                    throw Error("a value");
                }
            }

            _at += word.Length;
        }

        private void Expect(byte b, string expected)
        {
            SkipSpace();
            if (Peek() != b)
            {
                throw Error(expected);
            }

            _at++;
        }

        private char Peek() => _at < _end ? (char)_bytes[_at] : '\0';

        private static bool IsSpace(byte b) => b == ' ' || b == '\t' || b == '\n' || b == '\r';

        private void SkipSpace()
        {
            while (_at < _end && IsSpace(_bytes[_at]))
            {
                _at++;
            }
        }

        /// <summary>Why the header is not JSON; the reader adds the file's name.</summary>
        internal sealed class JsonError : System.Exception
        {
            public JsonError(string message)
                : base(message)
            {
            }
        }
    }
}
#endif
