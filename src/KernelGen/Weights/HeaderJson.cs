#if NETSTANDARD2_1_OR_GREATER
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace KernelGen.Weights
{
    /// <summary>
    /// The JSON a safetensors header is written in, read by the smallest parser that checks it fully: objects, arrays,
    /// strings with escapes, numbers, true, false and null. KernelGen.dll has no dependencies; System.Text.Json would
    /// add one to every user's program for this one header. A value is a <see cref="Dictionary{TKey, TValue}"/>
    /// (string keys), a <see cref="List{T}"/>, a string, a <see cref="decimal"/> or <see cref="double"/>, a bool or null.
    /// </summary>
    internal sealed class HeaderJson
    {
        private readonly string _text;
        private int _at;

        private HeaderJson(string text) => _text = text;

        /// <summary>The value the text holds; <see cref="JsonError"/> with the position and what was expected when it is not JSON.</summary>
        public static object? Parse(string text)
        {
            var parser = new HeaderJson(text);
            object? value = parser.Value(depth: 0);
            parser.SkipSpace();
            if (parser._at != text.Length)
            {
                throw parser.Error("the end of the header after the top-level value");
            }

            return value;
        }

        private object? Value(int depth)
        {
            if (depth > 64)
            {
                throw Error("at most 64 levels of nesting");
            }

            SkipSpace();
            if (_at >= _text.Length)
            {
                throw Error("a value");
            }

            char c = _text[_at];
            switch (c)
            {
                case '{':
                    return Object(depth);
                case '[':
                    return Array(depth);
                case '"':
                    return String();
                case 't':
                    return Word("true", true);
                case 'f':
                    return Word("false", false);
                case 'n':
                    return Word("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return Number();
                    }

                    throw Error("a value");
            }
        }

        private Dictionary<string, object?> Object(int depth)
        {
            var members = new Dictionary<string, object?>();
            _at++;
            SkipSpace();
            if (Peek() == '}')
            {
                _at++;
                return members;
            }

            while (true)
            {
                SkipSpace();
                if (Peek() != '"')
                {
                    throw Error("a member name in double quotes");
                }

                int nameAt = _at;
                string name = String();
                if (members.ContainsKey(name))
                {
                    _at = nameAt;
                    throw Error($"no second member named \"{name}\"");
                }

                SkipSpace();
                Expect(':');
                members[name] = Value(depth + 1);
                SkipSpace();
                if (Peek() == ',')
                {
                    _at++;
                    continue;
                }

                Expect('}');
                return members;
            }
        }

        private List<object?> Array(int depth)
        {
            var items = new List<object?>();
            _at++;
            SkipSpace();
            if (Peek() == ']')
            {
                _at++;
                return items;
            }

            while (true)
            {
                items.Add(Value(depth + 1));
                SkipSpace();
                if (Peek() == ',')
                {
                    _at++;
                    continue;
                }

                Expect(']');
                return items;
            }
        }

        private string String()
        {
            _at++;
            var text = new StringBuilder();
            while (true)
            {
                if (_at >= _text.Length)
                {
                    throw Error("the closing quote of a string");
                }

                char c = _text[_at++];
                if (c == '"')
                {
                    return text.ToString();
                }

                if (c < ' ')
                {
                    _at--;
                    throw Error("no control character inside a string");
                }

                if (c != '\\')
                {
                    text.Append(c);
                    continue;
                }

                char escape = Peek();
                _at++;
                switch (escape)
                {
                    case '"': text.Append('"'); break;
                    case '\\': text.Append('\\'); break;
                    case '/': text.Append('/'); break;
                    case 'b': text.Append('\b'); break;
                    case 'f': text.Append('\f'); break;
                    case 'n': text.Append('\n'); break;
                    case 'r': text.Append('\r'); break;
                    case 't': text.Append('\t'); break;
                    case 'u':
                        if (_at + 4 > _text.Length || !int.TryParse(_text.Substring(_at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        {
                            throw Error("four hexadecimal digits after \\u");
                        }

                        text.Append((char)code);
                        _at += 4;
                        break;
                    default:
                        _at--;
                        throw Error("an escape: one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
                }
            }
        }

        private object Number()
        {
            int start = _at;
            if (Peek() == '-')
            {
                _at++;
            }

            int digits = Digits();
            if (digits == 0 || (digits > 1 && _text[_at - digits] == '0'))
            {
                _at = start;
                throw Error("a number (digits, no leading zero)");
            }

            bool whole = true;
            if (Peek() == '.')
            {
                _at++;
                whole = false;
                if (Digits() == 0)
                {
                    throw Error("digits after the decimal point");
                }
            }

            if (Peek() == 'e' || Peek() == 'E')
            {
                _at++;
                whole = false;
                if (Peek() == '+' || Peek() == '-')
                {
                    _at++;
                }

                if (Digits() == 0)
                {
                    throw Error("digits in the exponent");
                }
            }

            string number = _text.Substring(start, _at - start);
            return whole && decimal.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out decimal integer)
                ? integer
                : double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private int Digits()
        {
            int start = _at;
            while (_at < _text.Length && _text[_at] >= '0' && _text[_at] <= '9')
            {
                _at++;
            }

            return _at - start;
        }

        private object? Word(string word, object? value)
        {
            if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0)
            {
                throw Error("a value");
            }

            _at += word.Length;
            return value;
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"'{c}'");
            }

            _at++;
        }

        private char Peek() => _at < _text.Length ? _text[_at] : '\0';

        private void SkipSpace()
        {
            while (_at < _text.Length && (_text[_at] == ' ' || _text[_at] == '\t' || _text[_at] == '\n' || _text[_at] == '\r'))
            {
                _at++;
            }
        }

        private JsonError Error(string expected)
        {
            string found = _at >= _text.Length ? "the end of the header" : $"'{_text[_at]}'";
            return new JsonError($"malformed JSON at character {(_at + 1).ToString(CultureInfo.InvariantCulture)} (counting from 1): expected {expected}, found {found}");
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
