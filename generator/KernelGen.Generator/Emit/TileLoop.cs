using System;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// A loop over <c>count</c> positions in tiles of <c>step</c>: <c>for (int v = 0; v &lt; full; v += step)</c> for the
    /// whole tiles, then a block with <c>const int v = full;</c> for the rest, so both bodies use the same variable.
    /// </summary>
    internal static class TileLoop
    {
        /// <param name="body">Writes one tile, given how many positions it holds.</param>
        public static void Write(IndentedWriter writer, string variable, int count, int step, Action<int> body)
        {
            int full = count / step * step;
            if (full > 0)
            {
                using (writer.Block($"for (int {variable} = 0; {variable} < {full}; {variable} += {step})"))
                {
                    body(step);
                }
            }

            if (count % step > 0)
            {
                using (writer.Block())
                {
                    writer.WriteLine($"const int {variable} = {full};");
                    body(count % step);
                }
            }
        }
    }
}
