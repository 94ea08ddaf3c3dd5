using System.Globalization;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// Numbers as C# source: invariant culture (never a comma or a Unicode minus from the user's locale) and
    /// round-trippable, so that a constant means exactly the value the generator computed.
    /// </summary>
    internal static class Literals
    {
        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A literal of the element type: <c>0.25f</c> or <c>0.25d</c>.</summary>
        public static string Real(double value, ElementType type)
        {
            if (type == ElementType.Float)
            {
                float single = (float)value;
                if (float.IsNaN(single) || float.IsInfinity(single))
                {
                    return float.IsNaN(single) ? "float.NaN" : single > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
                }

                string text = single.ToString("R", CultureInfo.InvariantCulture);
                if (float.Parse(text, CultureInfo.InvariantCulture) != single)
                {
                    text = single.ToString("G9", CultureInfo.InvariantCulture);
                }

                return text + "f";
            }

            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                return double.IsNaN(value) ? "double.NaN" : value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
            }

            string digits = value.ToString("R", CultureInfo.InvariantCulture);
            if (double.Parse(digits, CultureInfo.InvariantCulture) != value)
            {
                digits = value.ToString("G17", CultureInfo.InvariantCulture);
            }

            return digits + "d";
        }

        /// <summary>The value rounded to the element type, as the generated code will hold it.</summary>
        public static double Round(double value, ElementType type) => type == ElementType.Float ? (float)value : value;
    }
}
