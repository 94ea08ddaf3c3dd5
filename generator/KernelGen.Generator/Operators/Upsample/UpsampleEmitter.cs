using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Upsample
{
    /// <summary>
    /// The bodies of upsampling: fully unrolled (each output a constant combination of constant-index inputs), plain
    /// copies for nearest with integer factors, or loops over per-axis tables of source indices and weights.
    /// </summary>
    internal static class UpsampleEmitter
    {

        /// <summary>The sizes and per-axis sampling of one upsampling, derived once from its signature and spec.</summary>
        private sealed class Geometry
        {
            public Geometry(KernelSignature signature, UpsampleSpec spec)
            {
                Element = signature.ElementType;
                Rank = signature.SpatialRank;
                Channels = signature.InputShape[0];
                Input = signature.InputShape.Skip(1).ToArray();
                Output = signature.OutputShape.Skip(1).ToArray();
                InputStrides = ShapeText.RowMajorStrides(Input);
                OutputStrides = ShapeText.RowMajorStrides(Output);
                Taps = UpsampleShape.TapsPerAxis(spec.Mode);
                // Only the axes whose tables are written out: a longer one is computed at run time (UpsampleTableWriter).
                Samples = Enumerable.Range(0, Rank)
                    .Select(axis => UpsampleShape.IsComputedAtRunTime(Output[axis]) ? ((int[], double[])?)null
                        : UpsampleShape.Sample(spec.Mode, spec.AlignCorners, Input[axis], Output[axis], spec.Scales[axis], signature.ElementType, Rank))
                    .ToArray();
            }

            public int Rank { get; }

            public ElementType Element { get; }

            public int Channels { get; }

            public int[] Input { get; }

            public int[] Output { get; }

            public int[] InputStrides { get; }

            public int[] OutputStrides { get; }

            public int InputPlane => InputStrides[0] * Input[0];

            public int OutputPlane => OutputStrides[0] * Output[0];

            public int Taps { get; }

            /// <summary>Each axis's source indices and weights; null for an axis computed at run time.</summary>
            public (int[] Index, double[] Weight)?[] Samples { get; }

            /// <summary>True when some axis's tables are computed at run time: the generator does not look at every position.</summary>
            public bool HasLongAxis => Samples.Any(sample => sample is null);

            /// <summary>The integer factor of each axis when every output position copies input position o / factor; null otherwise.</summary>
            public int[]? ReplicationFactors(UpsampleMode mode)
            {
                if (mode is not (UpsampleMode.Nearest or UpsampleMode.NearestExact) || HasLongAxis)
                {
                    return null;
                }

                var factors = new int[Rank];
                for (int axis = 0; axis < Rank; axis++)
                {
                    if (Output[axis] % Input[axis] != 0)
                    {
                        return null;
                    }

                    factors[axis] = Output[axis] / Input[axis];
                    for (int o = 0; o < Output[axis]; o++)
                    {
                        if (Samples[axis]!.Value.Index[o] != o / factors[axis])
                        {
                            return null;
                        }
                    }
                }

                return factors;
            }
        }

        public static IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, UpsampleSpec spec)
        {
            var g = new Geometry(signature, spec);
            int[] tapDims = Enumerable.Repeat(g.Taps, g.Rank).ToArray();
            for (int c = 0; c < g.Channels; c++)
            {
                foreach (int[] o in MultiIndex.Enumerate(g.Output))
                {
                    // One term per tap, as PyTorch computes it: a zero weight or two taps clamped onto one element still
                    // multiply that element, so an infinite or NaN input gives the same NaN as PyTorch, never a finite value.
                    var terms = new List<Term>();
                    foreach (int[] t in MultiIndex.Enumerate(tapDims))
                    {
                        double coefficient = 1;
                        int inputIndex = c * g.InputPlane;
                        for (int axis = 0; axis < g.Rank; axis++)
                        {
                            int k = (o[axis] * g.Taps) + t[axis];
                            coefficient *= g.Samples[axis]!.Value.Weight[k];
                            inputIndex += g.Samples[axis]!.Value.Index[k] * g.InputStrides[axis];
                        }

                        terms.Add(Term.Constant(inputIndex, coefficient));
                    }

                    string? comment = o[g.Rank - 1] == 0
                        ? $"output[{c}, {string.Join(", ", o.Take(g.Rank - 1).Select(v => Literals.Int(v)).Concat(new[] { ":" }))}]"
                        : null;
                    yield return new UnrolledOutput((c * g.OutputPlane) + MultiIndex.Offset(o, g.OutputStrides), -1, terms, comment);
                }
            }
        }

        /// <summary>Nearest by whole factors: the widths whose vectors fit in an input row; otherwise the linear vector form's.</summary>
        public static VectorWidth[] VectorWidths(KernelSignature signature, UpsampleSpec spec)
        {
            var g = new Geometry(signature, spec);
            return g.ReplicationFactors(spec.Mode) is not null ? ReplicationWidths(g, signature.ElementType) : UpsampleVectorEmitter.Widths(signature, spec);
        }

        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, UpsampleSpec spec)
        {
            var g = new Geometry(signature, spec);
            string element = signature.ElementKeyword;
            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "output"));
            if (g.ReplicationFactors(spec.Mode) is { } factors)
            {
                VectorWidth.WriteDispatch(writer, signature.MethodName, "input, output", widths: ReplicationWidths(g, signature.ElementType));
                writer.WriteLine($"// Nearest by whole factors {ShapeText.Cross(factors)}: each input element is copied into a block; no index is computed.");
                using (writer.Block($"for (int c = 0; c < {g.Channels}; c++)"))
                {
                    writer.WriteLine($"int inputChannel = {Code.Times("c", g.InputPlane)};");
                    writer.WriteLine($"int outputChannel = {Code.Times("c", g.OutputPlane)};");
                    WriteReplication(writer, g, element, factors, 0, "inputChannel", "outputChannel");
                }

                return;
            }

            string methodName = signature.MethodName;
            VectorWidth.WriteDispatch(writer, methodName, "input, output", widths: UpsampleVectorEmitter.Widths(signature, spec),
                condition: width => UpsampleVectorEmitter.Condition(signature, spec, width));
            for (int axis = 0; axis < g.Rank; axis++)
            {
                bool computed = g.Samples[axis] is null;
                writer.WriteLine($"global::System.ReadOnlySpan<int> index{axis} = {TableName(methodName, "SourceIndex", axis, computed)};");
                if (HasWeights(spec.Mode))
                {
                    writer.WriteLine($"global::System.ReadOnlySpan<{element}> weight{axis} = {TableName(methodName, "SourceWeight", axis, computed)};");
                }
            }

            writer.WriteLine($"// Each output element reads {g.Taps} source position(s) per axis from the tables; the innermost axis is combined first, as PyTorch does.");
            using (writer.Block($"for (int c = 0; c < {g.Channels}; c++)"))
            {
                writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times("c", g.InputPlane)));
                writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("c", g.OutputPlane)));
                WriteTableLoops(writer, g, element, HasWeights(spec.Mode), 0);
            }
        }

        /// <summary>The widths whose vectors fit in an input row, for nearest by whole factors.</summary>
        private static VectorWidth[] ReplicationWidths(Geometry g, ElementType element) =>
            VectorWidth.All.Where(width => g.Input[g.Rank - 1] >= width.Lanes(element)).ToArray();

        /// <summary>The members the looped forms read: vector methods, and the tables of source indices and weights.</summary>
        public static void WriteTables(IndentedWriter writer, KernelPlan plan)
        {
            var spec = (UpsampleSpec)plan.Operator;
            var g = new Geometry(plan.Signature, spec);
            if (plan.Form != KernelForm.Looped)
            {
                return;
            }

            if (g.ReplicationFactors(spec.Mode) is { } factors)
            {
                foreach (VectorWidth width in ReplicationWidths(g, plan.Signature.ElementType))
                {
                    WriteReplicationMethod(writer, plan.Signature, g, factors, width);
                }

                return;
            }

            UpsampleVectorEmitter.WriteMethods(writer, plan.Signature, spec);

            for (int axis = 0; axis < g.Rank; axis++)
            {
                string axisName = ShapeText.AxisName(g.Rank, axis);
                if (g.Samples[axis] is not { } samples)
                {
                    UpsampleTableWriter.Write(writer, plan.Signature.MethodName, axis, axisName, spec, g.Input[axis], g.Output[axis], plan.Signature.ElementType, g.Rank);
                    continue;
                }

                writer.WriteLine();
                writer.WriteLine($"/// <summary>Axis {axisName}: the {g.Taps} source index(es) of each of its {g.Output[axis]} output positions.</summary>");
                Tables.Write(writer, "int", TableName(plan.Signature.MethodName, "SourceIndex", axis, computed: false), samples.Index.Select(i => Literals.Int(i)));
                if (HasWeights(spec.Mode))
                {
                    writer.WriteLine($"/// <summary>Axis {axisName}: the interpolation weights that go with the source indices.</summary>");
                    Tables.Write(writer, plan.Signature.ElementKeyword, TableName(plan.Signature.MethodName, "SourceWeight", axis, computed: false),
                        samples.Weight.Select(w => Literals.Real(w, plan.Signature.ElementType)));
                }
            }
        }

        private static bool HasWeights(UpsampleMode mode) => mode is UpsampleMode.Linear or UpsampleMode.Cubic;

        private static string TableName(string method, string what, int axis, bool computed) =>
            computed ? $"{UpsampleTableWriter.ClassName(method, axis)}.{(what == "SourceIndex" ? "Index" : "Weight")}" : $"{method}_{what}{axis}";

        private static void WriteReplicationMethod(IndentedWriter writer, KernelSignature signature, Geometry g, int[] factors, VectorWidth width)
        {
            string element = signature.ElementKeyword;
            int lanes = width.Lanes(signature.ElementType), factor = factors[g.Rank - 1];
            // Channels are independent: a large upsampling splits by channels across the workers.
            ParallelParts.WritePassMethod(writer, width, signature.MethodName, $"global::System.ReadOnlySpan<{element}> input, global::System.Span<{element}> output",
                $"One sample with {width.Name}: each vector of a row becomes {factor} vector(s) through constant shuffles.", element, ParallelParts.InputOutput,
                g.Channels, "channels", (long)g.Channels * g.InputPlane, (long)g.Channels * g.OutputPlane, channels =>
                {
                    writer.WriteLine(Code.StartRef(element, "input"));
                    writer.WriteLine(Code.StartRef(element, "output"));
                    using (writer.Block($"for (int c = {channels.First}; c < {channels.End}; c++)"))
                    {
                        writer.WriteLine($"int inputChannel = {Code.Times("c", g.InputPlane)};");
                        writer.WriteLine($"int outputChannel = {Code.Times("c", g.OutputPlane)};");
                        WriteReplication(writer, g, element, factors, 0, "inputChannel", "outputChannel", width, lanes);
                    }
                });
        }

        /// <summary>
        /// Nearest by integer factors: fill the first row of each block from the input, then copy it down each axis.
        /// When vectors cover whole rows, each vector is also stored straight into the copies of its row
        /// (<paramref name="rowCopies"/>: their offsets from the first), which saves reading the row back.
        /// </summary>
        private static void WriteReplication(IndentedWriter writer, Geometry g, string element, int[] factors, int axis, string inputOffset, string outputOffset,
            VectorWidth? width = null, int lanes = 1, int[]? rowCopies = null)
        {
            string i = $"i{axis}";
            int factor = factors[axis];
            if (axis == g.Rank - 1 && width is not null)
            {
                int vectorEnd = g.Input[axis] / lanes * lanes;
                using (writer.Block($"for (int {i} = 0; {i} < {vectorEnd}; {i} += {lanes})"))
                {
                    writer.WriteLine($"var value = {width.Load("inputStart", $"{inputOffset} + {i}")};");
                    for (int q = 0; q < factor; q++)
                    {
                        string vector = factor == 1 ? "value" : width.ConstantShuffle("value", Enumerable.Range(0, lanes).Select(lane => ((q * lanes) + lane) / factor), g.Element);
                        if (factor > 1 && rowCopies is { Length: > 0 })
                        {
                            writer.WriteLine($"var part{q} = {vector};");
                            vector = $"part{q}";
                        }

                        foreach (int copy in new[] { 0 }.Concat(rowCopies ?? new int[0]))
                        {
                            writer.WriteLine(width.Store(vector, "outputStart", $"{outputOffset} + {Code.Times(i, factor)} + {(q * lanes) + copy}"));
                        }
                    }
                }

                if (vectorEnd == g.Input[axis])
                {
                    return;
                }
            }

            int start = axis == g.Rank - 1 && width is not null ? g.Input[axis] / lanes * lanes : 0;
            using (writer.Block($"for (int {i} = {start}; {i} < {g.Input[axis]}; {i}++)"))
            {
                if (axis == g.Rank - 1)
                {
                    writer.WriteLine($"{element} value = {Code.At("inputStart", $"{inputOffset} + {i}")};");
                    writer.WriteLine(Code.Derive(element, "block", "outputStart", $"{outputOffset} + {Code.Times(i, factor)}"));
                    for (int r = 0; r < factor; r++)
                    {
                        writer.WriteLine(r == 0 ? $"{Code.Deref("block")} = value;" : $"{Code.At("block", Literals.Int(r))} = value;");
                    }

                    return;
                }

                string nextInput = $"input{axis}", nextOutput = $"output{axis}";
                int rowLength = g.OutputStrides[axis];
                writer.WriteLine($"int {nextInput} = {inputOffset} + {Code.Times(i, g.InputStrides[axis])};");
                writer.WriteLine($"int {nextOutput} = {outputOffset} + {Code.Times(i, factor * rowLength)};");
                bool storedInCopies = axis == g.Rank - 2 && width is not null && g.Input[axis + 1] % lanes == 0;
                int[]? copies = storedInCopies ? Enumerable.Range(1, factor - 1).Select(r => r * rowLength).ToArray() : null;
                WriteReplication(writer, g, element, factors, axis + 1, nextInput, nextOutput, width, lanes, copies);
                for (int r = storedInCopies ? factor : 1; r < factor; r++)
                {
                    writer.WriteLine($"output.Slice({nextOutput}, {rowLength}).CopyTo(output.Slice({nextOutput} + {r * rowLength}, {rowLength}));");
                }
            }
        }

        /// <summary>One loop per axis over the output; each level looks up its source offsets and weights once.</summary>
        private static void WriteTableLoops(IndentedWriter writer, Geometry g, string element, bool weighted, int axis)
        {
            string o = $"o{axis}";
            using (writer.Block($"for (int {o} = 0; {o} < {g.Output[axis]}; {o}++)"))
            {
                for (int t = 0; t < g.Taps; t++)
                {
                    string k = Code.Affine(o, g.Taps, t);
                    writer.WriteLine($"int {SourceName(axis, t)} = {Code.Times($"index{axis}[{k}]", g.InputStrides[axis])};");
                    if (weighted)
                    {
                        writer.WriteLine($"{element} w{axis}_{t} = weight{axis}[{k}];");
                    }
                }

                if (axis < g.Rank - 1)
                {
                    WriteTableLoops(writer, g, element, weighted, axis + 1);
                    return;
                }

                string target = Code.At("y", string.Join(" + ", Enumerable.Range(0, g.Rank).Select(a => Code.Times($"o{a}", g.OutputStrides[a]))));
                writer.WriteLine($"{target} = {Combination(g, weighted, 0, new int[g.Rank])};");
            }
        }

        /// <summary>The nested weighted sum over every tap combination, innermost axis first.</summary>
        private static string Combination(Geometry g, bool weighted, int axis, int[] taps)
        {
            if (axis == g.Rank)
            {
                return Code.At("x", string.Join(" + ", Enumerable.Range(0, g.Rank).Select(a => SourceName(a, taps[a]))));
            }

            var parts = new List<string>();
            for (int t = 0; t < g.Taps; t++)
            {
                taps[axis] = t;
                string inner = Combination(g, weighted, axis + 1, taps);
                parts.Add(weighted ? $"w{axis}_{t} * {(axis + 1 < g.Rank ? $"({inner})" : inner)}" : inner);
            }

            return string.Join(" + ", parts);
        }

        private static string SourceName(int axis, int t) => $"source{axis}_{t}";
    }
}
