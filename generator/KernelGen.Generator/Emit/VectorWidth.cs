using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// One hardware vector width the generated code can use. Each vectorized kernel gets a method per width and a
    /// dispatch on <c>IsHardwareAccelerated</c>, which the JIT folds to a constant, so only one path is ever compiled
    /// into machine code; without either width, the scalar loops run.
    /// </summary>
    internal sealed class VectorWidth
    {
        public static readonly VectorWidth[] All = { new("Vector512", 64), new("Vector256", 32) };

        private VectorWidth(string name, int bytes)
        {
            Name = name;
            Bytes = bytes;
        }

        /// <summary><c>Vector512</c> or <c>Vector256</c>.</summary>
        public string Name { get; }

        public int Bytes { get; }

        public string Type => "global::System.Runtime.Intrinsics." + Name;

        public int Lanes(ElementType element) => Bytes / (element == ElementType.Float ? 4 : 8);

        /// <summary>
        /// Writes the dispatch to <c>{method}_{width}</c>. Vector FusedMultiplyAdd arrived in .NET 9: older targets keep
        /// the scalar path, so the generated code compiles for every target framework.
        /// </summary>
        /// <param name="preferNarrow">Try Vector256 first: for rows so short that wider vectors would mostly hold padding.</param>
        /// <param name="widths">The widths that have a method; all by default.</param>
        /// <param name="condition">A run-time condition the vector paths also need, or null.</param>
        public static void WriteDispatch(IndentedWriter writer, string method, string arguments, bool preferNarrow = false, VectorWidth[]? widths = null, string? condition = null)
        {
            widths ??= All;
            if (widths.Length == 0)
            {
                return;
            }

            writer.WriteLine("#if NET9_0_OR_GREATER");
            foreach (VectorWidth width in preferNarrow ? widths.Reverse() : widths)
            {
                using (writer.Block($"if ({width.Type}.IsHardwareAccelerated{(condition is null ? string.Empty : " && " + condition)})"))
                {
                    writer.WriteLine($"{method}_{width.Name}({arguments});");
                    writer.WriteLine("return;");
                }
            }

            writer.WriteLine("#endif");
            writer.WriteLine();
        }

        /// <summary>
        /// Opens <c>private static void {method}_{width}(parameters)</c> inside <c>#if NET9_0_OR_GREATER</c>, with its
        /// summary; disposing the scope closes both.
        /// </summary>
        public IndentedWriter.Scope BeginMethod(IndentedWriter writer, string method, string parameters, string summary)
        {
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            writer.WriteLine($"/// <summary>{summary}</summary>");
            return writer.Block($"private static void {method}_{Name}({parameters})", after: "#endif");
        }

        /// <summary><c>Vector512.LoadUnsafe(ref start, (nuint)(offset))</c>.</summary>
        public string Load(string reference, string offset) => offset == "0" ? $"{Type}.LoadUnsafe(ref {reference})" : $"{Type}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

        /// <summary><c>Vector512.StoreUnsafe(value, ref start, (nuint)(offset))</c>, in the static form: the generated file has no usings.</summary>
        public string Store(string value, string reference, string offset) => $"{Type}.StoreUnsafe({value}, ref {reference}, (nuint)({offset}));";

        public string Broadcast(string value) => $"{Type}.Create({value})";

        /// <summary>The integer type of shuffle indices for the element type: <c>int</c> for float, <c>long</c> for double.</summary>
        public static string IndexType(ElementType element) => element == ElementType.Float ? "int" : "long";

        public string Fma(string a, string b, string c) => $"{Type}.FusedMultiplyAdd({a}, {b}, {c})";
    }
}
