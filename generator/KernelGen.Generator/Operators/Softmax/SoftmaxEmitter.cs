using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Softmax
{
    /// <summary>
    /// The body of a softmax, per sample of <c>C</c> channels by <c>P</c> positions: at each position the channels' max
    /// (PyTorch's rule: a NaN wins), the sum of <c>exp(x - max)</c> in double, then each output as
    /// <c>exp(x - max) / sum</c> (<c>x - max - log(sum)</c> for log-softmax).
    /// </summary>
    /// <remarks>
    /// The vector forms take the max with the hardware's instruction (<c>MaxNative</c>), which may drop a NaN: a NaN
    /// among a position's channels still makes its sum NaN (exp(NaN - max) is NaN), and so every output of the position,
    /// as PyTorch's rule gives; without a NaN the max is the max. The scalar loops keep PyTorch's rule itself.
    /// <para/>
    /// Vectors run across positions, a vector of neighbouring positions at a time, each lane its own distribution, when
    /// the positions fill a vector (a segmentation map); across the channels of the one position of a vector of features
    /// (a classifier's logits) otherwise. Positions left over past the last whole vector take the scalar loop: a vector
    /// overlapping the previous one would read outputs already written in place. The vector forms store each
    /// exponential (the float one to within 1 ulp, <see cref="VectorExpWriter"/>) and scale it by the reciprocal of the
    /// sum, as PyTorch's vectorized softmax does; the scalar one computes the exponential in double again instead, which
    /// in place has nowhere else to be kept. Across channels, the channels past the last whole vector are the end of an
    /// overlapping vector kept in registers (<see cref="WriteAcrossChannels"/>), not a scalar loop.
    /// </remarks>
    internal static class SoftmaxEmitter
    {
        public static (int Channels, int Plane) Geometry(KernelSignature signature)
        {
            int channels = signature.InputShape[0];
            return (channels, (int)(ShapeText.ElementCount(signature.InputShape) / channels));
        }

        /// <summary>The widths whose lanes the positions fill, or for a single position the channels.</summary>
        public static VectorWidth[] VectorWidths(KernelSignature signature)
        {
            (int channels, int plane) = Geometry(signature);
            return VectorWidth.All.Where(w => plane >= w.Lanes(signature.ElementType) || (plane == 1 && channels >= w.Lanes(signature.ElementType))).ToArray();
        }

        /// <summary>The dispatch to the vector methods, then the scalar loops over every position.</summary>
        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, SoftmaxSpec spec, VectorWidth[] widths)
        {
            VectorWidth.WriteDispatch(writer, signature.MethodName, "input, output", widths);
            WriteReferences(writer, signature);
            writer.WriteLine("int p = 0;");
            WriteScalarPositions(writer, signature, spec);
        }

        /// <summary>Each width's method (across positions or across channels) and, for float, the exponential it uses.</summary>
        public static void WriteVectorMethods(IndentedWriter writer, KernelPlan plan)
        {
            if (plan.Form != KernelForm.Looped)
            {
                return;
            }

            KernelSignature signature = plan.Signature;
            var spec = (SoftmaxSpec)plan.Operator;
            string t = signature.ElementKeyword;
            (int channels, int plane) = Geometry(signature);
            foreach (VectorWidth width in VectorWidths(signature))
            {
                int lanes = width.Lanes(signature.ElementType);
                bool acrossPositions = plane >= lanes;
                string summary = acrossPositions
                    ? $"One sample with {width.Name}: {Literals.Int(lanes)} neighbouring positions at a time, a distribution in each lane."
                    : $"One sample with {width.Name}: its one position's {Literals.Int(channels)} channels {Literals.Int(lanes)} at a time.";
                Split? split = acrossPositions ? Split.For(channels, plane, lanes) : null;
                if (split is not null)
                {
                    WriteSplit(writer, plan, width, split, summary);
                }
                else
                {
                    using (width.BeginMethod(writer, signature.MethodName, $"global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output", summary))
                    {
                        WriteReferences(writer, signature);
                        if (acrossPositions)
                        {
                            WriteAcrossPositions(writer, signature, spec, width);
                        }
                        else
                        {
                            WriteAcrossChannels(writer, signature, spec, width);
                        }
                    }
                }

                if (signature.ElementType == ElementType.Float)
                {
                    writer.WriteLine();
                    writer.WriteLine("#if NET9_0_OR_GREATER");
                    VectorExpWriter.WriteMethod(writer, width, signature.ElementType);
                    writer.WriteLine("#endif");
                }
            }
        }

        /// <summary>
        /// The split of a large softmax across the workers (<see cref="ParallelParts"/>): positions are independent, so a
        /// unit is a run of them in whole vectors, the last unit with the positions past the last whole vector.
        /// </summary>
        private sealed record Split(int Units, int Chunk, int Plane)
        {
            public static Split? For(int channels, int plane, int lanes)
            {
                if (!ParallelParts.IsLargePass((long)channels * plane, (long)channels * plane))
                {
                    return null;
                }

                return ParallelParts.InWholeVectors(plane, lanes) is { } runs ? new Split(runs.Units, runs.Chunk, plane) : null;
            }
        }

        /// <summary>The width's method, which runs the units, and the units: positions <c>first * Chunk</c> to <c>end * Chunk</c> (or the plane's end).</summary>
        private static void WriteSplit(IndentedWriter writer, KernelPlan plan, VectorWidth width, Split split, string summary)
        {
            KernelSignature signature = plan.Signature;
            string t = signature.ElementKeyword;
            ParallelParts.WriteSplitMethod(writer, width, signature.MethodName, $"global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output", summary,
                split.Units, t, ParallelParts.InputOutput,
                $"Units [first, end) of {Literals.Int(split.Units)}: positions from first * {Literals.Int(split.Chunk)} to end * {Literals.Int(split.Chunk)} (or {Literals.Int(split.Plane)}), in whole vectors but at the end.",
                () =>
                {
                    WriteReferences(writer, signature);
                    writer.WriteLine($"int stop = global::System.Math.Min({Code.Times("end", split.Chunk)}, {Literals.Int(split.Plane)});");
                    WriteAcrossPositions(writer, signature, (SoftmaxSpec)plan.Operator, width, (Code.Times("first", split.Chunk), "stop"));
                });
        }

        private static void WriteReferences(IndentedWriter writer, KernelSignature signature)
        {
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "input"));
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "output"));
        }

        /// <summary>Channel <paramref name="channel"/> at position <c>p</c>: its offset in the sample.</summary>
        private static string Offset(int plane, string channel) => plane == 1 ? channel : $"{Code.Times(channel, plane)} + p";

        /// <summary>The scalar loop over the positions from <c>p</c> on: max, sum of exponentials in double, output.</summary>
        /// <param name="stop">The position it stops before: the plane's end, or in the split form a unit's.</param>
        private static void WriteScalarPositions(IndentedWriter writer, KernelSignature signature, SoftmaxSpec spec, string? stop = null)
        {
            (int channels, int plane) = Geometry(signature);
            string t = signature.ElementKeyword;
            string In(string c) => Code.At("inputStart", Offset(plane, c));
            string Out(string c) => Code.At("outputStart", Offset(plane, c));
            using (writer.Block($"for (; p < {stop ?? Literals.Int(plane)}; p++)"))
            {
                writer.WriteLine($"{t} max = {In("0")};");
                using (writer.Block($"for (int c = 1; c < {Literals.Int(channels)}; c++)"))
                {
                    writer.WriteLine($"{t} v = {In("c")};");
                    writer.WriteLine("// As PyTorch: a NaN wins and then stays, since nothing is greater than it.");
                    writer.WriteLine($"max = v > max || {t}.IsNaN(v) ? v : max;");
                }

                writer.WriteLine("double sum = 0;");
                using (writer.Block($"for (int c = 0; c < {Literals.Int(channels)}; c++)"))
                {
                    writer.WriteLine($"sum += global::System.Math.Exp({In("c")} - max);");
                }

                if (spec.Log)
                {
                    writer.WriteLine($"{t} logSum = ({t})global::System.Math.Log(sum);");
                    using (writer.Block($"for (int c = 0; c < {Literals.Int(channels)}; c++)"))
                    {
                        writer.WriteLine($"{Out("c")} = {In("c")} - max - logSum;");
                    }
                }
                else
                {
                    writer.WriteLine("double reciprocal = 1.0 / sum;");
                    using (writer.Block($"for (int c = 0; c < {Literals.Int(channels)}; c++)"))
                    {
                        writer.WriteLine($"double e = global::System.Math.Exp({In("c")} - max);");
                        writer.WriteLine($"{Out("c")} = ({t})(e * reciprocal);");
                    }
                }
            }
        }

        private static string Exp(VectorWidth width, ElementType type, string value) => VectorExpWriter.Call(width, type, value);

        /// <summary>The sums of exponentials in double vectors: a float vector's lanes widened into two, a double vector's in one (<paramref name="single"/>).</summary>
        private static void WriteSumsZero(IndentedWriter writer, bool widen, string doubleVector, string single)
        {
            if (widen)
            {
                writer.WriteLine($"var sumLow = {doubleVector}.Zero;");
                writer.WriteLine($"var sumHigh = {doubleVector}.Zero;");
            }
            else
            {
                writer.WriteLine($"var {single} = {doubleVector}.Zero;");
            }
        }

        private static void WriteSumsAdd(IndentedWriter writer, bool widen, VectorWidth w, string single, string value = "e")
        {
            if (widen)
            {
                writer.WriteLine($"sumLow += {w.Type}.WidenLower({value});");
                writer.WriteLine($"sumHigh += {w.Type}.WidenUpper({value});");
            }
            else
            {
                writer.WriteLine($"{single} += {value};");
            }
        }

        /// <summary>Blocks of neighbouring positions, a lane each; the positions past the last whole block in the scalar loop.</summary>
        /// <param name="range">The positions: every one, or in the split form a unit's (its first, and the variable it stops before).</param>
        private static void WriteAcrossPositions(IndentedWriter writer, KernelSignature signature, SoftmaxSpec spec, VectorWidth w, (string First, string Stop)? range = null)
        {
            (int channels, int plane) = Geometry(signature);
            ElementType type = signature.ElementType;
            bool widen = type == ElementType.Float;
            int lanes = w.Lanes(type);
            string vd = $"{w.Type}<double>";
            string c = Literals.Int(channels);
            writer.WriteLine($"int p = {range?.First ?? "0"};");
            using (writer.Block(range is null ? $"for (; p <= {Literals.Int(plane - lanes)}; p += {Literals.Int(lanes)})" : $"for (; p <= {range.Value.Stop} - {Literals.Int(lanes)}; p += {Literals.Int(lanes)})"))
            {
                writer.WriteLine($"var max = {w.Load("inputStart", "p")};");
                using (writer.Block($"for (int c = 1; c < {c}; c++)"))
                {
                    writer.WriteLine($"max = {w.Type}.MaxNative(max, {w.Load("inputStart", Offset(plane, "c"))});");
                }

                WriteSumsZero(writer, widen, vd, "sum");
                using (writer.Block($"for (int c = 0; c < {c}; c++)"))
                {
                    writer.WriteLine($"var e = {Exp(w, type, $"{w.Load("inputStart", Offset(plane, "c"))} - max")};");
                    if (!spec.Log)
                    {
                        writer.WriteLine(w.Store("e", "outputStart", Offset(plane, "c")));
                    }

                    WriteSumsAdd(writer, widen, w, "sum");
                }

                if (spec.Log)
                {
                    writer.WriteLine(widen ? $"var logSum = {w.Type}.Narrow({w.Type}.Log(sumLow), {w.Type}.Log(sumHigh));" : $"var logSum = {w.Type}.Log(sum);");
                    using (writer.Block($"for (int c = 0; c < {c}; c++)"))
                    {
                        writer.WriteLine(w.Store($"{w.Load("inputStart", Offset(plane, "c"))} - max - logSum", "outputStart", Offset(plane, "c")));
                    }
                }
                else
                {
                    writer.WriteLine(widen ? $"var reciprocal = {w.Type}.Narrow({vd}.One / sumLow, {vd}.One / sumHigh);" : $"var reciprocal = {vd}.One / sum;");
                    using (writer.Block($"for (int c = 0; c < {c}; c++)"))
                    {
                        writer.WriteLine(w.Store($"{w.Load("outputStart", Offset(plane, "c"))} * reciprocal", "outputStart", Offset(plane, "c")));
                    }
                }
            }

            WriteScalarPositions(writer, signature, spec, range?.Stop);
        }

        /// <summary>
        /// The one position of a vector of features: its channels a vector at a time. The channels past the last whole
        /// vector are the end of one more vector that overlaps the one before (the channels number at least a vector):
        /// each pass computes that vector before its loop, while its inputs are still there in place, counts only its
        /// lanes past the overlap in the sum, and stores it after the loop, writing the overlap's lanes with the values
        /// the loop wrote there.
        /// </summary>
        private static void WriteAcrossChannels(IndentedWriter writer, KernelSignature signature, SoftmaxSpec spec, VectorWidth w)
        {
            (int channels, _) = Geometry(signature);
            ElementType type = signature.ElementType;
            string t = signature.ElementKeyword;
            bool widen = type == ElementType.Float;
            int lanes = w.Lanes(type), remainder = channels % lanes;
            string vd = $"{w.Type}<double>";
            string last = Literals.Int(channels - lanes), step = Literals.Int(lanes);
            bool tail = remainder != 0;
            writer.WriteLine($"var maxLanes = {w.Load("inputStart", "0")};");
            using (writer.Block($"for (int i = {step}; i <= {last}; i += {step})"))
            {
                writer.WriteLine($"maxLanes = {w.Type}.MaxNative(maxLanes, {w.Load("inputStart", "i")});");
            }

            if (tail)
            {
                writer.WriteLine($"maxLanes = {w.Type}.MaxNative(maxLanes, {w.Load("inputStart", last)});");
            }

            writer.WriteLine("// The lanes' max: a NaN wins, as in PyTorch.");
            writer.WriteLine($"{t} max = {w.Type}.GetElement(maxLanes, 0);");
            using (writer.Block($"for (int k = 1; k < {step}; k++)"))
            {
                writer.WriteLine($"{t} v = {w.Type}.GetElement(maxLanes, k);");
                writer.WriteLine($"max = v > max || {t}.IsNaN(v) ? v : max;");
            }

            writer.WriteLine($"var vectorMax = {w.Broadcast("max")};");
            WriteSumsZero(writer, widen, vd, "sumLanes");
            if (tail)
            {
                writer.WriteLine($"// The last vector's lanes from {Literals.Int(lanes - remainder)} on are channels no whole vector holds: only they count in the sum here.");
                writer.WriteLine($"var lastExp = {Exp(w, type, $"{w.Load("inputStart", last)} - vectorMax")};");
                writer.WriteLine($"var lastCounted = {w.Type}.ConditionalSelect({w.Type}.GreaterThanOrEqual({w.Type}<{t}>.Indices, {w.Broadcast($"({t}){Literals.Int(lanes - remainder)}")}), lastExp, {w.Type}<{t}>.Zero);");
                WriteSumsAdd(writer, widen, w, "sumLanes", "lastCounted");
            }

            using (writer.Block($"for (int j = 0; j <= {last}; j += {step})"))
            {
                writer.WriteLine($"var e = {Exp(w, type, $"{w.Load("inputStart", "j")} - vectorMax")};");
                if (!spec.Log)
                {
                    writer.WriteLine(w.Store("e", "outputStart", "j"));
                }

                WriteSumsAdd(writer, widen, w, "sumLanes");
            }

            if (tail && !spec.Log)
            {
                writer.WriteLine(w.Store("lastExp", "outputStart", last));
            }

            writer.WriteLine(widen ? $"double sum = {w.Type}.Sum(sumLow + sumHigh);" : $"double sum = {w.Type}.Sum(sumLanes);");
            string body;
            if (spec.Log)
            {
                writer.WriteLine($"{t} logSum = ({t})global::System.Math.Log(sum);");
                writer.WriteLine($"var vectorLogSum = {w.Broadcast("logSum")};");
                body = "{0} - vectorMax - vectorLogSum";
            }
            else
            {
                writer.WriteLine($"{t} reciprocal = ({t})(1.0 / sum);");
                writer.WriteLine($"var vectorReciprocal = {w.Broadcast("reciprocal")};");
                body = "{0} * vectorReciprocal";
            }

            // Log-softmax reads the input again, softmax the exponentials it stored.
            string source = spec.Log ? "inputStart" : "outputStart";
            if (tail)
            {
                writer.WriteLine($"var lastOut = {string.Format(System.Globalization.CultureInfo.InvariantCulture, body, w.Load(source, last))};");
            }

            using (writer.Block($"for (int k = 0; k <= {last}; k += {step})"))
            {
                writer.WriteLine(w.Store(string.Format(System.Globalization.CultureInfo.InvariantCulture, body, w.Load(source, "k")), "outputStart", "k"));
            }

            if (tail)
            {
                writer.WriteLine(w.Store("lastOut", "outputStart", last));
            }
        }
    }
}
