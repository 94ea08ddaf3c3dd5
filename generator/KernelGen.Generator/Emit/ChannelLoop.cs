using System;
using System.Linq;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// A reduction loop over the input channels of a group that reads each channel through references moved on by a
    /// constant after it: <c>ref float xj = ref xk;</c> before the loop, <c>xj = ref Unsafe.Add(ref xj, 1024);</c> at the
    /// end of each pass. Derived from the loop variable instead (<c>Unsafe.Add(ref xk, j * 1024)</c>), each reference
    /// cost a sign extension, a multiply or shift and an add per channel, an eighth of the instructions of a 128-bit
    /// tile without FMA (measured: U-Net 64->32 with Vector128, 700 -> 675 us). The step comes after the exit test, so
    /// no reference ever points past the last channel: a reference beyond the end of its buffer is not allowed.
    /// </summary>
    internal static class ChannelLoop
    {
        /// <param name="variable">The loop variable: the input channel.</param>
        /// <param name="cursors">Each reference the body reads through: its name, the reference it starts at, its step per channel.</param>
        public static void Write(IndentedWriter writer, string element, string variable, int channels, (string Name, string Start, int Step)[] cursors, Action body)
        {
            string names = string.Join(" and ", cursors.Select(c => c.Name));
            writer.WriteLine(channels == 1
                ? $"// The group's one input channel, through {names}."
                : $"// Input channel {variable} through {names}, moved on after each channel but the last: a reference past the end of a buffer is not allowed.");
            foreach (var cursor in cursors)
            {
                writer.WriteLine(Code.Cursor(element, cursor.Name, cursor.Start));
            }

            if (channels == 1)
            {
                using (writer.Block())
                {
                    body();
                }

                return;
            }

            using (writer.Block($"for (int {variable} = 0; ; {variable}++)"))
            {
                body();
                using (writer.Block($"if ({variable} == {channels - 1})"))
                {
                    writer.WriteLine("break;");
                }

                writer.WriteLine();
                foreach (var cursor in cursors.Where(c => c.Step != 0))
                {
                    writer.WriteLine(Code.Step(cursor.Name, Literals.Int(cursor.Step)));
                }
            }
        }
    }
}
