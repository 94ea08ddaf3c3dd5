using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Pool
{
    /// <summary>
    /// The body of a pool: per channel, nested loops over the output positions, each with its window's range of input
    /// positions on every axis worked out once per position from constants, then the window read row by row. The order
    /// of the reads is PyTorch's (last axis fastest), so that an average sums as PyTorch sums.
    /// </summary>
    internal static class PoolEmitter
    {
        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, PoolSpec spec)
        {
            string element = signature.ElementKeyword;
            int rank = signature.SpatialRank;
            int channels = signature.InputShape[0];
            int[] input = signature.InputShape.Skip(1).ToArray(), output = signature.OutputShape.Skip(1).ToArray();
            int[] inputStrides = ShapeText.RowMajorStrides(input), outputStrides = ShapeText.RowMajorStrides(output);
            int inputPlane = inputStrides[0] * input[0], outputPlane = outputStrides[0] * output[0];
            bool max = spec.Kind == PoolKind.Max;

            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "output"));
            writer.WriteLine(max
                ? "// On each axis the window of output position o starts at input o*stride - pad; its taps t in [lo, hi) read inside the input."
                : "// On each axis the window of output position o covers input [o*stride - pad, o*stride - pad + k), of which [lo, hi) is inside the input.");
            using (writer.Block($"for (int c = 0; c < {channels}; c++)"))
            {
                writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times("c", inputPlane)));
                writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("c", outputPlane)));
                var blocks = new System.Collections.Generic.Stack<IndentedWriter.Scope>();
                for (int axis = 0; axis < rank; axis++)
                {
                    blocks.Push(writer.Block($"for (int o{axis} = 0; o{axis} < {output[axis]}; o{axis}++)"));
                    WriteAxisRange(writer, spec, axis, input[axis]);
                }

                string outputOffset = string.Join(" + ", Enumerable.Range(0, rank).Select(axis => Code.Times($"o{axis}", outputStrides[axis])));
                if (max)
                {
                    WriteMax(writer, element, rank, spec, inputStrides, outputOffset);
                }
                else
                {
                    WriteAverage(writer, element, rank, spec, inputStrides, outputOffset);
                }

                while (blocks.Count > 0)
                {
                    blocks.Pop().Dispose();
                }
            }
        }

        /// <summary>
        /// <c>lo{axis}</c> and <c>hi{axis}</c> for the current output position: taps for a max (with its dilation),
        /// input positions for an average, which also needs the window's size with its padding (<c>size{axis}</c>).
        /// </summary>
        private static void WriteAxisRange(IndentedWriter writer, PoolSpec spec, int axis, int inputSize)
        {
            int k = spec.Kernel[axis], d = spec.Dilation[axis];
            writer.WriteLine($"int start{axis} = {Code.Affine($"o{axis}", spec.Stride[axis], -spec.Pad[axis])};");
            if (spec.Kind == PoolKind.Max)
            {
                // Taps before position 0 and at or past the input's end are padding: with a dilation, by whole taps.
                writer.WriteLine(d == 1
                    ? $"int lo{axis} = start{axis} < 0 ? -start{axis} : 0, hi{axis} = global::System.Math.Min({k}, {inputSize} - start{axis});"
                    : $"int lo{axis} = start{axis} < 0 ? (-start{axis} + {d - 1}) / {d} : 0, hi{axis} = global::System.Math.Min({k}, ({inputSize} - start{axis} + {d - 1}) / {d});");
                return;
            }

            // PyTorch's pool size counts the padding but not what lies past the right padding (ceil mode's last window).
            writer.WriteLine($"int end{axis} = global::System.Math.Min(start{axis} + {k}, {inputSize + spec.Pad[axis]});");
            if (spec.CountIncludePad && spec.DivisorOverride == 0)
            {
                writer.WriteLine($"int size{axis} = end{axis} - start{axis};");
            }

            writer.WriteLine($"int lo{axis} = global::System.Math.Max(start{axis}, 0), hi{axis} = global::System.Math.Min(end{axis}, {inputSize});");
        }

        private static void WriteMax(IndentedWriter writer, string element, int rank, PoolSpec spec, int[] inputStrides, string outputOffset)
        {
            writer.WriteLine($"{element} m = {element}.NegativeInfinity;");
            WriteWindow(writer, rank, 0, axis => $"start{axis} + {Code.Times($"t{axis}", spec.Dilation[axis])}", inputStrides, "t", "0", offset =>
            {
                // As PyTorch: a NaN wins and then stays, since nothing is greater than it.
                writer.WriteLine($"{element} v = {Code.At("x", offset)};");
                writer.WriteLine($"if (v > m || {element}.IsNaN(v)) m = v;");
            });
            writer.WriteLine($"{Code.At("y", outputOffset)} = m;");
        }

        private static void WriteAverage(IndentedWriter writer, string element, int rank, PoolSpec spec, int[] inputStrides, string outputOffset)
        {
            writer.WriteLine($"{element} sum = 0;");
            WriteWindow(writer, rank, 0, axis => $"i{axis}", inputStrides, "i", "0", offset => writer.WriteLine($"sum += {Code.At("x", offset)};"));
            string Product(string name) => string.Join(" * ", Enumerable.Range(0, rank).Select(axis => name.Replace("#", axis.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            string divisor = spec.DivisorOverride != 0 ? Literals.Int(spec.DivisorOverride)
                : spec.CountIncludePad ? Product("size#")
                : Product("(hi# - lo#)");
            // The validated padding (at most half a window) leaves every window at least one input, so no divisor is 0.
            writer.WriteLine($"{Code.At("y", outputOffset)} = sum / ({element})({divisor});");
        }

        /// <summary>Nested loops over the window's range on every axis from <paramref name="axis"/>, the offset of the input read built up per axis.</summary>
        private static void WriteWindow(IndentedWriter writer, int rank, int axis, System.Func<int, string> position, int[] inputStrides, string variable, string offset, System.Action<string> body)
        {
            if (axis == rank)
            {
                body(offset);
                return;
            }

            using (writer.Block($"for (int {variable}{axis} = lo{axis}; {variable}{axis} < hi{axis}; {variable}{axis}++)"))
            {
                string term = inputStrides[axis] == 1 ? position(axis) : $"({position(axis)}) * {inputStrides[axis]}";
                string next = offset == "0" ? term : $"{offset} + {term}";
                if (axis < rank - 1)
                {
                    writer.WriteLine($"int row{axis} = {next};");
                    next = $"row{axis}";
                }

                WriteWindow(writer, rank, axis + 1, position, inputStrides, variable, next, body);
            }
        }
    }
}
