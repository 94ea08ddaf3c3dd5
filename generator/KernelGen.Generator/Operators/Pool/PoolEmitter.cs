using System.Collections.Generic;
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
    /// <remarks>
    /// The vector form keeps that order in every lane: a lane is one output position of the last axis, and a vector of
    /// them reads each tap of their windows at once (consecutive inputs for a stride of 1; every other input, gathered
    /// by two constant shuffles, for a stride of 2). It covers the positions whose windows lie inside the input on the
    /// last axis; the positions at the edges, where the padding is, run the scalar code. So every lane computes exactly
    /// what the scalar code computes, and a max keeps PyTorch's rule (a NaN wins; the first of equal values stays).
    /// </remarks>
    internal static class PoolEmitter
    {
        /// <summary>The sizes of one pool (a window geometry with one group and the channels kept), derived once from its signature.</summary>
        private sealed class Geometry : WindowGeometry
        {
            public Geometry(KernelSignature signature, PoolSpec spec)
                : base(signature, spec.Kernel, groups: 1)
            {
                Spec = spec;
                Signature = signature;
                Element = signature.ElementType;
            }

            public KernelSignature Signature { get; }

            public PoolSpec Spec { get; }

            public ElementType Element { get; }

            public int Last => Rank - 1;

            public int Channels => InputChannels;

            public int[] Input => InputSize;

            public int[] Output => OutputSize;

            /// <summary>The first output position of the last axis whose window starts inside the input.</summary>
            public int FirstInterior => (Spec.Pad[Last] + Spec.Stride[Last] - 1) / Spec.Stride[Last];

            /// <summary>
            /// True while every index the pool computes fits an int: its input grown by window, padding, stride and a
            /// vector, and its output, under half of int.MaxValue (the convolutions' rule). A larger pool keeps the
            /// scalar loops, whose window bounds are then computed in 64 bits (<see cref="WriteAxisRange"/>).
            /// </summary>
            public bool IntSized => IntSizedLayouts.Fit(Signature, Spec.Kernel, Spec.Stride,
                Spec.Pad.Select((p, axis) => System.Math.Max(p, Spec.PadEndAt(axis))).ToEquatableArray(), Spec.Dilation, int.MaxValue / 2);

            /// <summary>
            /// The last position a vector of <paramref name="lanes"/> may start at: every lane's window inside the input
            /// on the last axis, and for a stride of 2 the two loads of each tap (2 * lanes inputs) too; -1 for none.
            /// The last input read grows with the start, so the bound is solved for it, not searched.
            /// </summary>
            public int LastVectorStart(int lanes)
            {
                long s = Spec.Stride[Last], p = Spec.Pad[Last], reach = (long)Spec.Dilation[Last] * (Spec.Kernel[Last] - 1);
                // The last input read: the last lane's last tap, start + lanes - 1 - p + reach for a stride of 1; for a
                // stride of 2 the end of the second load, 2*start - p + reach + 2*lanes - 1. Each at most input - 1.
                long bound = s == 1 ? Input[Last] - lanes + p - reach : FloorDivide(Input[Last] - (2L * lanes) + p - reach, 2);
                long last = System.Math.Min(bound, (long)Output[Last] - lanes);
                return last >= FirstInterior ? (int)last : -1;
            }

            private static long FloorDivide(long numerator, long denominator) =>
                (numerator / denominator) - (numerator % denominator != 0 && numerator < 0 ? 1 : 0);
        }

        /// <summary>A vector form needs a stride of 1 or 2 on the last axis and a whole vector of inside windows there.</summary>
        public static VectorWidth[] VectorWidths(KernelSignature signature, PoolSpec spec)
        {
            var g = new Geometry(signature, spec);
            if (spec.Stride[g.Last] > 2 || !g.IntSized)
            {
                return new VectorWidth[0];
            }

            return VectorWidth.All.Where(width => g.LastVectorStart(width.Lanes(g.Element)) >= g.FirstInterior).ToArray();
        }

        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, PoolSpec spec)
        {
            string element = signature.ElementKeyword;
            VectorWidth.WriteDispatch(writer, signature.MethodName, "input, output", widths: VectorWidths(signature, spec));
            WriteNest(writer, new Geometry(signature, spec), element, width: null);
        }

        /// <summary>Each width's method: the same loops, the last axis's inside positions a vector at a time.</summary>
        public static void WriteVectorMethods(IndentedWriter writer, KernelPlan plan)
        {
            var spec = (PoolSpec)plan.Operator;
            var g = new Geometry(plan.Signature, spec);
            string element = plan.Signature.ElementKeyword;
            foreach (VectorWidth width in VectorWidths(plan.Signature, spec))
            {
                string summary = $"One sample with {width.Name}: {width.Lanes(g.Element)} output positions of the last axis at a time where their windows lie inside the input, the scalar code at the edges.";
                // Channels are independent (and the output never overlaps the input): a large pool splits by channels across the workers.
                ParallelParts.WritePassMethod(writer, width, plan.Signature.MethodName, $"global::System.ReadOnlySpan<{element}> input, global::System.Span<{element}> output",
                    summary, element, ParallelParts.InputOutput, g.Channels, "channels", (long)g.Channels * g.InputPlane, (long)g.Channels * g.OutputPlane,
                    channels => WriteNest(writer, g, element, width, channels));
            }
        }

        /// <param name="channels">The channels pooled: every one, or in the split form a unit's range.</param>
        private static void WriteNest(IndentedWriter writer, Geometry g, string element, VectorWidth? width, (string First, string End)? channels = null)
        {
            PoolSpec spec = g.Spec;
            bool max = spec.Kind == PoolKind.Max;
            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "output"));
            writer.WriteLine(max
                ? "// On each axis the window of output position o starts at input o*stride - pad; its taps t in [lo, hi) read inside the input."
                : "// On each axis the window of output position o covers input [o*stride - pad, o*stride - pad + k), of which [lo, hi) is inside the input.");
            using (writer.Block($"for (int c = {channels?.First ?? "0"}; c < {channels?.End ?? Literals.Int(g.Channels)}; c++)"))
            {
                writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times("c", g.InputPlane)));
                writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("c", g.OutputPlane)));
                var blocks = new Stack<IndentedWriter.Scope>();
                for (int axis = 0; axis < g.Last; axis++)
                {
                    blocks.Push(writer.Block($"for (int o{axis} = 0; o{axis} < {g.Output[axis]}; o{axis}++)"));
                    WriteAxisRange(writer, g, axis);
                }

                WriteLastAxis(writer, g, element, width);
                while (blocks.Count > 0)
                {
                    blocks.Pop().Dispose();
                }
            }
        }

        /// <summary>The last axis: all scalar, or scalar at the edges and a vector at a time between them.</summary>
        private static void WriteLastAxis(IndentedWriter writer, Geometry g, string element, VectorWidth? width)
        {
            int last = g.Last;
            string o = $"o{last}";
            if (width is null)
            {
                using (writer.Block($"for (int {o} = 0; {o} < {g.Output[last]}; {o}++)"))
                {
                    WriteScalarPosition(writer, g, element);
                }

                return;
            }

            int lanes = width.Lanes(g.Element), lastStart = g.LastVectorStart(lanes);
            writer.WriteLine($"int {o} = 0;");
            if (g.FirstInterior > 0)
            {
                writer.WriteLine("// The windows that start in the left padding.");
                using (writer.Block($"for (; {o} < {g.FirstInterior}; {o}++)"))
                {
                    WriteScalarPosition(writer, g, element, branchFree: true);
                }
            }

            writer.WriteLine($"// {lanes} windows inside the input at a time, each lane reading its taps in the scalar order.");
            using (writer.Block($"for (; {o} <= {lastStart}; {o} += {lanes})"))
            {
                WriteVectorPositions(writer, g, element, width);
            }

            int covered = g.FirstInterior + ((lastStart - g.FirstInterior) / lanes * lanes) + lanes;
            if (covered < lastStart + lanes)
            {
                // The inside positions left are fewer than a vector: one more vector ending where the inside ends,
                // over some positions already written, which it writes again with the same values.
                writer.WriteLine($"// The last inside positions, by a vector that starts at {lastStart} and so overlaps the one before it.");
                using (writer.Block())
                {
                    writer.WriteLine($"{o} = {lastStart};");
                    WriteVectorPositions(writer, g, element, width);
                    writer.WriteLine($"{o} = {lastStart + lanes};");
                }
            }

            writer.WriteLine("// The rest, one at a time.");
            using (writer.Block($"for (; {o} < {g.Output[last]}; {o}++)"))
            {
                WriteScalarPosition(writer, g, element, branchFree: true);
            }
        }

        /// <summary>One output position: its window's range on the last axis, then the reduction over the whole window.</summary>
        /// <param name="branchFree">
        /// In a vector method: the max step through a 128-bit vector's first lane, which compiles to a compare and a
        /// blend instead of a branch that random data mispredicts half the time (measured: the ResNet stem pool's two
        /// edge positions per row cost a quarter of its time as branches). The scalar path keeps the plain form, which
        /// compiles for every target.
        /// </param>
        private static void WriteScalarPosition(IndentedWriter writer, Geometry g, string element, bool branchFree = false)
        {
            WriteAxisRange(writer, g, g.Last);
            string outputOffset = OutputOffset(g);
            if (g.Spec.Kind == PoolKind.Max)
            {
                writer.WriteLine($"{element} m = {element}.NegativeInfinity;");
                WriteWindow(writer, g, 0, axis => $"start{axis} + {Code.Times($"t{axis}", g.Spec.Dilation[axis])}", "t", "0", last: true, offset =>
                {
                    // As PyTorch: a NaN wins and then stays, since nothing is greater than it.
                    writer.WriteLine($"{element} v = {Code.At("x", offset)};");
                    if (branchFree)
                    {
                        const string v128 = "global::System.Runtime.Intrinsics.Vector128";
                        writer.WriteLine($"var lane = {v128}.CreateScalarUnsafe(v);");
                        writer.WriteLine($"m = {v128}.ToScalar({Later128("global::System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(m)", "lane")});");
                    }
                    else
                    {
                        writer.WriteLine($"m = v > m || {element}.IsNaN(v) ? v : m;");
                    }
                });
                writer.WriteLine($"{Code.At("y", outputOffset)} = m;");
                return;
            }

            writer.WriteLine($"{element} sum = 0;");
            WriteWindow(writer, g, 0, axis => $"i{axis}", "i", "0", last: true, offset => writer.WriteLine($"sum += {Code.At("x", offset)};"));
            // The validated padding (at most half a window) leaves every window at least one input, so no divisor is 0.
            writer.WriteLine($"{Code.At("y", outputOffset)} = sum / ({element})({Divisor(g, Enumerable.Range(0, g.Rank))});");
        }

        /// <summary>
        /// A vector of output positions of the last axis, all inside: the outer axes' window as in the scalar code, then
        /// the last axis's taps written out, each a load (or, for a stride of 2, two loads and two shuffles).
        /// </summary>
        private static void WriteVectorPositions(IndentedWriter writer, Geometry g, string element, VectorWidth width)
        {
            PoolSpec spec = g.Spec;
            int last = g.Last, lanes = width.Lanes(g.Element);
            string vector = $"{width.Type}<{element}>";
            bool max = spec.Kind == PoolKind.Max;
            string accumulator = max ? "m" : "sum";
            writer.WriteLine(max ? $"{vector} m = {width.Broadcast($"{element}.NegativeInfinity")};" : $"{vector} sum = {vector}.Zero;");
            // The input a tap reads for the vector's first position, the lanes following it by the stride.
            string Read(string row, int shift) => Join(row, Code.Affine($"o{last}", spec.Stride[last], shift - spec.Pad[last]));
            System.Func<int, string> position = max ? axis => $"start{axis} + {Code.Times($"t{axis}", spec.Dilation[axis])}" : axis => $"i{axis}";
            WriteWindow(writer, g, 0, position, max ? "t" : "i", "0", last: false, row =>
            {
                for (int tap = 0; tap < spec.Kernel[last]; tap++)
                {
                    int shift = tap * spec.Dilation[last];
                    string value = $"v{tap}";
                    if (spec.Stride[last] == 1)
                    {
                        writer.WriteLine($"{vector} {value} = {width.Load("x", Read(row, shift))};");
                    }
                    else if (g.Element == ElementType.Float)
                    {
                        // Every other input of two vectors: as 64-bit lanes, each pair's even float is its low half,
                        // which narrowing keeps (one or two instructions where two shuffles and an OR would be five).
                        writer.WriteLine($"{vector} {value} = {width.Type}.AsSingle({width.Type}.Narrow({width.Type}.AsUInt64({width.Load("x", Read(row, shift))}),");
                        writer.WriteLine($"    {width.Type}.AsUInt64({width.Load("x", Read(row, shift + lanes))})));");
                    }
                    else
                    {
                        // Every other input of two vectors: the even lanes of the first into the lower half, of the
                        // second into the upper half (a shuffle index past the vector gives 0, so the halves combine by OR).
                        var lower = Enumerable.Range(0, lanes).Select(lane => lane < lanes / 2 ? 2 * lane : lanes);
                        var upper = Enumerable.Range(0, lanes).Select(lane => lane < lanes / 2 ? lanes : 2 * (lane - (lanes / 2)));
                        writer.WriteLine($"{vector} {value} = {width.ConstantShuffle(width.Load("x", Read(row, shift)), lower, g.Element)}");
                        writer.WriteLine($"    | {width.ConstantShuffle(width.Load("x", Read(row, shift + lanes)), upper, g.Element)};");
                    }

                    if (!max)
                    {
                        writer.WriteLine($"sum += {value};");
                    }
                    else if (tap > 0)
                    {
                        writer.WriteLine($"v0 = {Later(width, "v0", value)};");
                    }
                }

                // A row's taps are combined apart from the running max, which each row then joins: the chain through
                // m is one step per row, not one per tap. The rule (the later value where it is greater or NaN) gives
                // the same result grouped this way, as long as the earlier values stay on the left.
                if (max)
                {
                    writer.WriteLine($"m = {Later(width, "m", "v0")};");
                }
            });

            string outputOffset = OutputOffset(g);
            if (max)
            {
                writer.WriteLine(width.Store(accumulator, "y", outputOffset));
                return;
            }

            // Inside the input on the last axis, a window there holds all k of its inputs and counts k.
            string divisor = Divisor(g, Enumerable.Range(0, last));
            string factor = spec.DivisorOverride != 0 ? divisor : divisor.Length == 0 ? Literals.Int(spec.Kernel[last]) : $"{divisor} * {Literals.Int(spec.Kernel[last])}";
            writer.WriteLine(width.Store($"sum / {width.Broadcast($"({element})({factor})")}", "y", outputOffset));
        }

        private static string Later128(string earlier, string later) =>
            $"global::System.Runtime.Intrinsics.Vector128.ConditionalSelect(global::System.Runtime.Intrinsics.Vector128.GreaterThan({later}, {earlier}) | global::System.Runtime.Intrinsics.Vector128.IsNaN({later}), {later}, {earlier})";

        /// <summary>PyTorch's max step on vectors: <paramref name="later"/> where it is greater than <paramref name="earlier"/> or NaN.</summary>
        internal static string Later(VectorWidth width, string earlier, string later) =>
            $"{width.Type}.ConditionalSelect({width.Type}.GreaterThan({later}, {earlier}) | {width.Type}.IsNaN({later}), {later}, {earlier})";

        /// <summary>
        /// <c>lo{axis}</c> and <c>hi{axis}</c> for the current output position: taps for a max (with its dilation),
        /// input positions for an average, which also needs the window's size with its padding (<c>size{axis}</c>).
        /// In a pool too large for int indices (<see cref="Geometry.IntSized"/>) the sums that pass the input's end by
        /// up to a window and its padding are taken in 64 bits; every value kept is an input position or a tap count.
        /// </summary>
        private static void WriteAxisRange(IndentedWriter writer, Geometry g, int axis)
        {
            PoolSpec spec = g.Spec;
            int k = spec.Kernel[axis], d = spec.Dilation[axis], inputSize = g.Input[axis];
            bool wide = !g.IntSized;
            string Wide(string expression) => wide ? $"(long){expression}" : expression;
            string start = Code.Affine(Wide($"o{axis}"), spec.Stride[axis], -spec.Pad[axis]);
            writer.WriteLine($"int start{axis} = {(wide ? $"(int)({start})" : start)};");
            if (spec.Kind == PoolKind.Max)
            {
                // Taps before position 0 and at or past the input's end are padding: with a dilation, by whole taps.
                string past = d == 1 ? $"{Wide(Literals.Int(inputSize))} - start{axis}" : $"({Wide(Literals.Int(inputSize))} - start{axis} + {d - 1}) / {d}";
                string hi = wide ? $"(int)global::System.Math.Min({k}L, {past})" : $"global::System.Math.Min({k}, {past})";
                string lo = d == 1 ? $"start{axis} < 0 ? -start{axis} : 0" : $"start{axis} < 0 ? (-start{axis} + {d - 1}) / {d} : 0";
                writer.WriteLine($"int lo{axis} = {lo}, hi{axis} = {hi};");
                return;
            }

            // PyTorch's pool size counts the padding but not what lies past the right padding (ceil mode's last window, and
            // the pad after the input where it differs from the pad before it).
            string end = $"global::System.Math.Min({Wide($"start{axis}")} + {k}, {Literals.Int((long)inputSize + spec.PadEndAt(axis))}{(wide ? "L" : string.Empty)})";
            writer.WriteLine($"{(wide ? "long" : "int")} end{axis} = {end};");
            if (spec.CountIncludePad && spec.DivisorOverride == 0)
            {
                writer.WriteLine($"int size{axis} = {(wide ? $"(int)(end{axis} - start{axis})" : $"end{axis} - start{axis}")};");
            }

            string high = $"global::System.Math.Min(end{axis}, {Literals.Int(inputSize)})";
            writer.WriteLine($"int lo{axis} = global::System.Math.Max(start{axis}, 0), hi{axis} = {(wide ? $"(int){high}" : high)};");
        }

        /// <summary>An average's divisor over <paramref name="axes"/>: the override, the sizes with padding, or the inputs held.</summary>
        private static string Divisor(Geometry g, IEnumerable<int> axes)
        {
            PoolSpec spec = g.Spec;
            if (spec.DivisorOverride != 0)
            {
                return Literals.Int(spec.DivisorOverride);
            }

            return string.Join(" * ", axes.Select(axis => spec.CountIncludePad ? $"size{axis}" : $"(hi{axis} - lo{axis})"));
        }

        private static string OutputOffset(Geometry g) =>
            string.Join(" + ", Enumerable.Range(0, g.Rank).Select(axis => Code.Times($"o{axis}", g.OutputStrides[axis])));

        private static string Join(string offset, string term) => offset == "0" ? term : $"{offset} + {term}";

        /// <summary>
        /// Nested loops over the window's range on every axis from <paramref name="axis"/> (the last one included when
        /// <paramref name="last"/>), the offset of the input read built up per axis and handed to <paramref name="body"/>.
        /// </summary>
        private static void WriteWindow(IndentedWriter writer, Geometry g, int axis, System.Func<int, string> position, string variable, string offset, bool last,
            System.Action<string> body)
        {
            if (axis == (last ? g.Rank : g.Last))
            {
                body(offset);
                return;
            }

            using (writer.Block($"for (int {variable}{axis} = lo{axis}; {variable}{axis} < hi{axis}; {variable}{axis}++)"))
            {
                string term = g.InputStrides[axis] == 1 ? position(axis) : $"({position(axis)}) * {g.InputStrides[axis]}";
                string next = Join(offset, term);
                if (axis < g.Last)
                {
                    writer.WriteLine($"int row{axis} = {next};");
                    next = $"row{axis}";
                }

                WriteWindow(writer, g, axis + 1, position, variable, next, last, body);
            }
        }
    }
}
