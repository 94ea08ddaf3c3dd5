using System.Globalization;
using System.Text;

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Every <c>$"..."</c> in the generator is built by this type: the C# compiler lowers an interpolated string to
    /// <c>DefaultInterpolatedStringHandler</c> when one is visible, and in this netstandard2.0 assembly the only one is
    /// this. It formats every hole with the invariant culture, so no interpolation in an emitter or a diagnostic can
    /// write a Unicode minus or a decimal comma from the user's locale: generated code and messages cannot depend on
    /// the machine by construction. The other ways of turning a number into text (<c>+</c>, <c>ToString()</c>,
    /// <c>string.Join</c> of numbers, <c>StringBuilder.Append</c>) are forbidden in the generator by
    /// <c>InvariantTextTests</c>.
    /// </summary>
    internal ref struct DefaultInterpolatedStringHandler
    {
        private StringBuilder? _text;

        public DefaultInterpolatedStringHandler(int literalLength, int formattedCount) =>
            _text = new StringBuilder(literalLength + (formattedCount * 8));

        public void AppendLiteral(string value) => _text!.Append(value);

        public void AppendFormatted(string? value) => _text!.Append(value);

        public void AppendFormatted<T>(T value) => AppendFormatted(value, 0, null);

        public void AppendFormatted<T>(T value, string? format) => AppendFormatted(value, 0, format);

        public void AppendFormatted<T>(T value, int alignment) => AppendFormatted(value, alignment, null);

        public void AppendFormatted<T>(T value, int alignment, string? format)
        {
            string text = value is IFormattable formattable
                ? formattable.ToString(format, CultureInfo.InvariantCulture)
                : value?.ToString() ?? string.Empty;
            if (alignment > 0)
            {
                text = text.PadLeft(alignment);
            }
            else if (alignment < 0)
            {
                text = text.PadRight(-alignment);
            }

            _text!.Append(text);
        }

        public string ToStringAndClear()
        {
            string result = _text!.ToString();
            _text = null;
            return result;
        }
    }
}
