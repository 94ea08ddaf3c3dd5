using System;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// One input row split into column phases: padded column <c>c = x + pad</c> goes to phase <c>c mod stride</c>, at
    /// index <c>c / stride</c>, so that a form reading every stride-th column reads consecutive elements. The strided
    /// convolution's padded copy and Winograd's tiles (stride = the tile) both write it.
    /// </summary>
    internal static class ColumnPhases
    {
        /// <summary>
        /// Copies the row at reference <c>from</c> into its phases at <c>to</c>: phase <c>j</c> starts at
        /// <paramref name="phaseStart"/>(j) from <c>to</c>. Only the input's columns are written; the pads stay as they were.
        /// </summary>
        /// <param name="width">The widest vectors the gathers may use (the method's width).</param>
        public static void WriteRow(IndentedWriter writer, VectorWidth width, ElementType type, int stride, int columns, int pad, Func<int, int> phaseStart)
        {
            // Padded column c = i + pad goes to column phase c % stride, at index c / stride: per phase, the input
            // columns that land there are every stride-th, from the first whose padded column falls in the phase.
            for (int phase = 0; phase < stride; phase++)
            {
                int first = Math.Max(0, (pad - phase + stride - 1) / stride), end = (columns - 1 + pad - phase) / stride + 1;
                if (columns - 1 + pad - phase < 0 || end <= first)
                {
                    continue;
                }

                writer.WriteLine($"// column phase {phase}: input column {Code.Affine("q", stride, phase - pad)} for q in [{first}, {end})");
                writer.WriteLine($"int q{phase} = {first};");
                WriteGatherVectors(writer, width, type, stride, columns, phase - pad, $"q{phase}", first, phaseStart(phase));
                using (writer.Block($"for (; q{phase} < {end}; q{phase}++)"))
                {
                    writer.WriteLine($"{Code.At("to", Code.Affine($"q{phase}", 1, phaseStart(phase)))} = {Code.At("from", Code.Affine($"q{phase}", stride, phase - pad))};");
                }
            }
        }

        /// <summary>
        /// The whole vectors of one column phase: output lane i takes input element <c>stride*i</c> of a block of
        /// <c>stride</c> loaded vectors, so each loaded vector is shuffled by constant indices into the lanes it feeds,
        /// and a select by lane keeps them. The width is the widest, no wider than the method's, whose block fits in a
        /// row (a short row still gets narrower vectors); the columns after the last whole block are copied one by one.
        /// </summary>
        private static void WriteGatherVectors(IndentedWriter writer, VectorWidth maxWidth, ElementType type, int stride, int columns, int offset, string q, int first, int target)
        {
            VectorWidth? width = VectorWidth.All.FirstOrDefault(w => w.Bytes <= maxWidth.Bytes && stride * w.Lanes(type) <= columns);
            if (width is null)
            {
                return;
            }

            int lanes = width.Lanes(type);
            // The last block starting at q reads input columns up to q*stride + offset + stride*lanes - 1.
            int lastStart = (columns - (stride * lanes) - offset) / stride;
            if (columns - (stride * lanes) - offset < 0 || lastStart < first)
            {
                return;
            }

            using (writer.Block($"for (; {q} <= {lastStart}; {q} += {lanes})"))
            {
                for (int k = 0; k < stride; k++)
                {
                    int block = k;
                    int[] feeds = Enumerable.Range(0, lanes).Where(i => stride * i / lanes == block).ToArray();
                    if (feeds.Length == 0)
                    {
                        continue;
                    }

                    string loaded = width.Load("from", $"{Code.Affine(q, stride, offset)} + {k * lanes}");
                    string shuffled = width.ConstantShuffle(loaded, Enumerable.Range(0, lanes).Select(i => stride * i / lanes == block ? stride * i % lanes : 0), type);
                    writer.WriteLine($"// lanes {feeds[0]} to {feeds[feeds.Length - 1]}: every {(stride == 2 ? "second" : stride == 3 ? "third" : $"{stride}th")} element of input vector {k}");
                    if (k == 0)
                    {
                        writer.WriteLine($"var gathered = {shuffled};");
                        continue;
                    }

                    string mask = width.LaneMask(Enumerable.Range(0, lanes).Select(i => stride * i / lanes == block), type);
                    writer.WriteLine($"gathered = {width.Type}.ConditionalSelect({mask}, {shuffled}, gathered);");
                }

                writer.WriteLine(width.Store("gathered", "to", Code.Affine(q, 1, target)));
            }
        }
    }
}
