using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Conv
{
    /// <summary>
    /// A convolution's padding mode other than zeros, or pads that differ at the two ends of an axis, as PyTorch runs a
    /// padding mode (and ONNX's asymmetric pads are defined): <c>F.pad(input, pads, mode)</c> into a buffer, then the
    /// convolution without padding over that buffer (<see cref="KernelPlan.PaddedBody"/>). One rule per mode maps a
    /// position of the padded axis to the input position it copies; the copy and every form of the convolution after it
    /// are the same for all modes.
    /// </summary>
    internal static class ConvPadding
    {
        /// <summary>Padded buffers up to this many bytes live on the stack; larger ones in a buffer each thread keeps.</summary>
        private const int StackBytes = 1024;

        public static string TorchName(PaddingMode mode) => mode switch
        {
            PaddingMode.Reflect => "reflect",
            PaddingMode.Replicate => "replicate",
            PaddingMode.Circular => "circular",
            _ => "constant",
        };

        public static string Describe(PaddingMode mode) => mode switch
        {
            PaddingMode.Reflect => "the input mirrored at each edge, the edge itself not repeated",
            PaddingMode.Replicate => "the edge values repeated",
            PaddingMode.Circular => "the input wrapped around",
            _ => "zeros",
        };

        public static int[] PaddedShape(KernelSignature signature, ConvSpec spec) =>
            new[] { signature.InputShape[0] }.Concat(Enumerable.Range(0, signature.SpatialRank).Select(axis => signature.InputShape[axis + 1] + spec.Pad[axis] + spec.PadEndAt(axis))).ToArray();

        /// <summary>
        /// PyTorch's limits, at both ends: a reflection needs a pad below the size (it mirrors without the edge), a wrap a
        /// pad of at most the size; KG0003 otherwise. A padded input past int elements is KG0003 too.
        /// </summary>
        public static bool CheckPadFits(ConvSpec spec, KernelSignature signature, AttributeArguments args, string padArgument, List<DiagnosticInfo> diagnostics)
        {
            if (!spec.PadsIntoBuffer)
            {
                return true;
            }

            for (int axis = 0; axis < signature.SpatialRank; axis++)
            {
                int size = signature.InputShape[axis + 1], pad = System.Math.Max(spec.Pad[axis], spec.PadEndAt(axis));
                bool fits = spec.Padding switch
                {
                    PaddingMode.Reflect => pad < size,
                    PaddingMode.Circular => pad <= size,
                    _ => true,
                };
                string limit = spec.Padding == PaddingMode.Reflect ? "less than" : "at most";
                if (!fits)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(padArgument) ?? args.AttributeLocation,
                        $"The pad on axis {ShapeText.AxisName(signature.SpatialRank, axis)}",
                        $"{limit} the input's size there, {Literals.Int(size)}, for PaddingMode.{spec.Padding} (PyTorch's rule)", Literals.Int(pad)));
                    return false;
                }
            }

            // Exactly: a padded axis alone may pass int (2^31 - 1 positions and a pad of 2).
            System.Numerics.BigInteger paddedCount = ShapeText.ExactProduct(new[] { (long)signature.InputShape[0] }
                .Concat(Enumerable.Range(0, signature.SpatialRank).Select(axis => (long)signature.InputShape[axis + 1] + spec.Pad[axis] + spec.PadEndAt(axis))));

            if (paddedCount > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(padArgument) ?? args.AttributeLocation,
                    "The padded input", "at most int.MaxValue elements, as a buffer",
                    paddedCount.ToString(System.Globalization.CultureInfo.InvariantCulture) + " elements"));
                return false;
            }

            return true;
        }

        /// <summary>The input position that padded position <paramref name="position"/> (already minus the pad) copies on an axis of <paramref name="size"/>.</summary>
        private static string Source(PaddingMode mode, string position, int size) => mode switch
        {
            // Past the end, (size - 1) - (position - (size - 1)), grouped so that no constant passes int on an axis past 2^30.
            PaddingMode.Reflect => $"{position} < 0 ? -{position} : {position} >= {Literals.Int(size)} ? {Literals.Int(size - 1)} - ({position} - {Literals.Int(size - 1)}) : {position}",
            PaddingMode.Replicate => $"{position} < 0 ? 0 : {position} >= {Literals.Int(size)} ? {Literals.Int(size - 1)} : {position}",
            _ => $"{position} < 0 ? {position} + {Literals.Int(size)} : {position} >= {Literals.Int(size)} ? {position} - {Literals.Int(size)} : {position}",
        };

        /// <summary>The per-thread buffer's field, in the implementation class, when the padded input is too large for the stack.</summary>
        public static void WriteMembers(IndentedWriter writer, KernelPlan plan)
        {
            if (plan.PaddedBody is { } body && !OnStack(body))
            {
                writer.WriteLine();
                writer.WriteLine("/// <summary>The padded input of a call on this thread: allocated at the thread's first call, reused by every later one.</summary>");
                writer.WriteLine("[global::System.ThreadStatic]");
                writer.WriteLine($"private static {plan.Signature.ElementKeyword}[] s_padded;");
            }
        }

        private static bool OnStack(KernelPlan body) =>
            ShapeText.ElementCount(body.Signature.InputShape) * body.Signature.ElementType.Bytes() <= StackBytes;

        /// <summary>
        /// The sample method's body for a padded kernel: the input copied with its border into the buffer, row by row
        /// (the interior of a row in one block, the border element by element), then the body's sample method on it.
        /// </summary>
        public static void WriteSampleBody(IndentedWriter writer, KernelPlan plan, string bodyMethod, IEnumerable<string> otherArguments)
        {
            KernelPlan body = plan.PaddedBody!;
            var spec = (ConvSpec)plan.Operator;
            KernelSignature signature = plan.Signature;
            string t = signature.ElementKeyword;
            int rank = signature.SpatialRank, channels = signature.InputShape[0];
            int[] size = signature.InputShape.Skip(1).ToArray(), padded = body.Signature.InputShape.Skip(1).ToArray();
            int[] inputStrides = ShapeText.RowMajorStrides(size), paddedStrides = ShapeText.RowMajorStrides(padded);
            int paddedLength = (int)ShapeText.ElementCount(body.Signature.InputShape);
            int inputPlane = inputStrides[0] * size[0], paddedPlane = paddedStrides[0] * padded[0];
            writer.WriteLine($"// F.pad(input, mode='{TorchName(spec.Padding)}'): {ShapeText.Format(signature.InputShape)} into {ShapeText.Format(body.Signature.InputShape)}, {Describe(spec.Padding)} in the border.");
            if (OnStack(body))
            {
                writer.WriteLine($"global::System.Span<{t}> padded = stackalloc {t}[{Literals.Int(paddedLength)}];");
            }
            else
            {
                writer.WriteLine($"{t}[] buffer = s_padded ??= new {t}[{Literals.Int(paddedLength)}];");
                writer.WriteLine($"global::System.Span<{t}> padded = buffer;");
            }

            writer.WriteLine(Code.StartRef(t, "input"));
            writer.WriteLine(Code.StartRef(t, "padded"));
            bool zeros = spec.Padding == PaddingMode.Zeros;
            if (zeros)
            {
                // Zeros: the border cleared, then each input row into its place.
                writer.WriteLine("padded.Clear();");
            }

            var scopes = new Stack<IndentedWriter.Scope>();
            scopes.Push(writer.Block($"for (int c = 0; c < {Literals.Int(channels)}; c++)"));
            string from = Code.Times("c", inputPlane), to = Code.Times("c", paddedPlane);
            for (int axis = 0; axis < rank - 1; axis++)
            {
                string p = $"p{Literals.Int(axis)}", source = $"s{Literals.Int(axis)}", position = $"i{Literals.Int(axis)}";
                if (zeros)
                {
                    scopes.Push(writer.Block($"for (int {source} = 0; {source} < {Literals.Int(size[axis])}; {source}++)"));
                    writer.WriteLine($"int {p} = {source} + {Literals.Int(spec.Pad[axis])};");
                }
                else
                {
                    scopes.Push(writer.Block($"for (int {p} = 0; {p} < {Literals.Int(padded[axis])}; {p}++)"));
                    writer.WriteLine($"int {position} = {p} - {Literals.Int(spec.Pad[axis])};");
                    writer.WriteLine($"int {source} = {Source(spec.Padding, position, size[axis])};");
                }

                from += " + " + Code.Times(source, inputStrides[axis]);
                to += " + " + Code.Times(p, paddedStrides[axis]);
            }

            int last = rank - 1, pad = spec.Pad[last], n = size[last];
            writer.WriteLine($"int from = {from};");
            writer.WriteLine($"int to = {to};");
            if (pad > 0 && !zeros)
            {
                using (writer.Block($"for (int q = 0; q < {Literals.Int(pad)}; q++)"))
                {
                    writer.WriteLine($"int i = q - {Literals.Int(pad)};");
                    writer.WriteLine($"{Code.At("paddedStart", "to + q")} = {Code.At("inputStart", $"from + ({Source(spec.Padding, "i", n)})")};");
                }
            }

            writer.WriteLine(Code.CopyElements(t, "paddedStart", pad == 0 ? "to" : $"to + {Literals.Int(pad)}", "inputStart", "from", n));
            if (pad + n < padded[last] && !zeros)
            {
                using (writer.Block($"for (int q = {Literals.Int(pad + n)}; q < {Literals.Int(padded[last])}; q++)"))
                {
                    writer.WriteLine($"int i = q - {Literals.Int(pad)};");
                    writer.WriteLine($"{Code.At("paddedStart", "to + q")} = {Code.At("inputStart", $"from + ({Source(spec.Padding, "i", n)})")};");
                }
            }

            while (scopes.Count > 0)
            {
                scopes.Pop().Dispose();
            }

            writer.WriteLine();
            writer.WriteLine($"{bodyMethod}({string.Join(", ", new[] { "padded" }.Concat(otherArguments))});");
        }
    }
}
