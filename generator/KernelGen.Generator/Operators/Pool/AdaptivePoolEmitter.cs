using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Pool
{
    /// <summary>
    /// The body of an adaptive pool: per channel, nested loops over the output positions, each axis's window
    /// <c>[floor(o*in/out), ceil((o+1)*in/out))</c> worked out once per position, then the window read last axis
    /// fastest, as PyTorch reads it, and an average divided by each axis's length in turn, as PyTorch divides.
    /// </summary>
    internal static class AdaptivePoolEmitter
    {
        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, AdaptivePoolSpec spec)
        {
            string element = signature.ElementKeyword;
            int rank = signature.SpatialRank;
            int channels = signature.InputShape[0];
            int[] input = signature.InputShape.Skip(1).ToArray(), output = signature.OutputShape.Skip(1).ToArray();
            int[] inputStrides = ShapeText.RowMajorStrides(input), outputStrides = ShapeText.RowMajorStrides(output);
            bool max = spec.Kind == PoolKind.Max;
            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "output"));
            writer.WriteLine("// On each axis output position o covers input [lo, hi) = [floor(o*in/out), ceil((o+1)*in/out)).");
            using (writer.Block($"for (int c = 0; c < {channels}; c++)"))
            {
                writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times("c", input.Aggregate(1, (a, b) => a * b))));
                writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("c", output.Aggregate(1, (a, b) => a * b))));
                var blocks = new Stack<IndentedWriter.Scope>();
                for (int axis = 0; axis < rank; axis++)
                {
                    blocks.Push(writer.Block($"for (int o{axis} = 0; o{axis} < {output[axis]}; o{axis}++)"));
                    (string start, string end) = PoolShape.AdaptiveWindow($"o{axis}", input[axis], output[axis]);
                    writer.WriteLine($"int lo{axis} = {start}, hi{axis} = {end};");
                }

                writer.WriteLine(max ? $"{element} m = {element}.NegativeInfinity;" : $"{element} sum = 0;");
                WriteWindow(writer, rank, 0, inputStrides, "0", offset =>
                {
                    if (max)
                    {
                        // As PyTorch: a NaN wins and then stays, since nothing is greater than it.
                        writer.WriteLine($"{element} v = {Code.At("x", offset)};");
                        writer.WriteLine($"m = v > m || {element}.IsNaN(v) ? v : m;");
                    }
                    else
                    {
                        writer.WriteLine($"sum += {Code.At("x", offset)};");
                    }
                });
                string outputOffset = string.Join(" + ", Enumerable.Range(0, rank).Select(axis => Code.Times($"o{axis}", outputStrides[axis])));
                writer.WriteLine(max
                    ? $"{Code.At("y", outputOffset)} = m;"
                    : $"{Code.At("y", outputOffset)} = sum{string.Concat(Enumerable.Range(0, rank).Select(axis => $" / ({element})(hi{axis} - lo{axis})"))};");
                while (blocks.Count > 0)
                {
                    blocks.Pop().Dispose();
                }
            }
        }

        private static void WriteWindow(IndentedWriter writer, int rank, int axis, int[] inputStrides, string offset, System.Action<string> body)
        {
            if (axis == rank)
            {
                body(offset);
                return;
            }

            using (writer.Block($"for (int i{axis} = lo{axis}; i{axis} < hi{axis}; i{axis}++)"))
            {
                string term = Code.Times($"i{axis}", inputStrides[axis]);
                string next = offset == "0" ? term : $"{offset} + {term}";
                if (axis < rank - 1)
                {
                    writer.WriteLine($"int row{axis} = {next};");
                    next = $"row{axis}";
                }

                WriteWindow(writer, rank, axis + 1, inputStrides, next, body);
            }
        }
    }
}
