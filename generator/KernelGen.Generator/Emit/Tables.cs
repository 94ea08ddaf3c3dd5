using System.Collections.Generic;
using System.Linq;

namespace KernelGen.Generator.Emit
{
    /// <summary>Constant tables in the generated code: <c>private static readonly T[] Name = { ... };</c>, a fixed number of values per line.</summary>
    internal static class Tables
    {
        private const int ValuesPerLine = 16;

        public static void Write(IndentedWriter writer, string type, string name, IEnumerable<string> values)
        {
            using (writer.Block($"private static readonly {type}[] {name} =", closing: "};"))
            {
                string[] all = values.ToArray();
                for (int start = 0; start < all.Length; start += ValuesPerLine)
                {
                    writer.WriteLine(string.Join(", ", all.Skip(start).Take(ValuesPerLine)) + ",");
                }
            }
        }
    }
}
