using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Norm
{
    /// <summary>
    /// The body of a normalization, per group: the mean in one pass and the biased variance from the squares of the
    /// deviations in a second, both accumulated in double whatever the element type; then each channel of the group as
    /// <c>(x - mean) * scale + shift</c>, with <c>scale = weight[c] / sqrt(variance + eps)</c> and <c>shift = bias[c]</c>.
    /// </summary>
    /// <remarks>
    /// Two passes rather than Welford's one (the corrected two-pass form: the second pass also sums the deviations,
    /// which takes the first pass's rounding out of the mean): two simple loops that vectorize (a float vector widened
    /// to two double vectors and added), where Welford's update divides per element.
    /// A float vector form subtracts the mean as a float pair (its float rounding, then the rest), so that a mean of 1e4
    /// over a deviation of 1e-2 loses no more than the float rounding of the deviation.
    /// </remarks>
    internal static class NormEmitter
    {
        /// <summary>The widths whose vector a channel's plane holds: the output pass runs plane by plane.</summary>
        public static VectorWidth[] VectorWidths(KernelSignature signature)
        {
            int plane = (int)(ShapeText.ElementCount(signature.InputShape) / signature.InputShape[0]);
            return VectorWidth.All.Where(width => plane >= width.Lanes(signature.ElementType)).ToArray();
        }

        private static string Arguments(KernelSignature signature) => signature.WeightParameter is null ? "input, output" : "input, weight, bias, output";

        /// <summary>The dispatch to the vector methods, then the scalar loops; the activation follows in the output pass the source writer adds.</summary>
        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, NormSpec spec, VectorWidth[] widths)
        {
            VectorWidth.WriteDispatch(writer, signature.MethodName, Arguments(signature), widths);
            WriteGroups(writer, signature, spec, width: null, ActivationSpec.None);
        }

        /// <summary>Each width's method: the same passes a vector at a time, the activation applied in registers as each output is stored.</summary>
        public static void WriteVectorMethods(IndentedWriter writer, KernelPlan plan)
        {
            if (plan.Form != KernelForm.Looped)
            {
                return;
            }

            KernelSignature signature = plan.Signature;
            string element = signature.ElementKeyword;
            string parameters = signature.WeightParameter is null
                ? $"global::System.ReadOnlySpan<{element}> input, global::System.Span<{element}> output"
                : $"global::System.ReadOnlySpan<{element}> input, global::System.ReadOnlySpan<{element}> weight, global::System.ReadOnlySpan<{element}> bias, global::System.Span<{element}> output";
            var spec = (NormSpec)plan.Operator;
            int groups = NormGeometry.Of(signature, spec).Groups;
            var spans = signature.WeightParameter is null ? ParallelParts.InputOutput
                : new List<ParallelParts.Span> { new("input", false), new("weight", false), new("bias", false), new("output", true) };
            foreach (VectorWidth width in VectorWidths(signature))
            {
                string summary = $"One sample with {width.Name}: the statistics accumulated in double vectors, the output {Literals.Int(width.Lanes(signature.ElementType))} elements at a time.";
                // Groups are independent: a large normalization of several splits by groups across the workers (one group's
                // statistics stay one thread's sums, in the one-thread order).
                ParallelParts.WritePassMethod(writer, width, signature.MethodName, parameters, summary, element, spans, groups, "groups",
                    ShapeText.ElementCount(signature.InputShape), ShapeText.ElementCount(signature.OutputShape),
                    range => WriteGroups(writer, signature, spec, width, plan.Operator.Activation, range));
            }
        }

        /// <param name="range">The groups normalized: every one, or in the split form a unit's range.</param>
        private static void WriteGroups(IndentedWriter writer, KernelSignature signature, NormSpec spec, VectorWidth? width, ActivationSpec activation,
            (string First, string End)? range = null)
        {
            NormGeometry g = NormGeometry.Of(signature, spec);
            string t = signature.ElementKeyword;
            bool affine = signature.WeightParameter is not null;
            writer.WriteLine(Code.StartRef(t, "input"));
            if (affine)
            {
                writer.WriteLine(Code.StartRef(t, "weight"));
                writer.WriteLine(Code.StartRef(t, "bias"));
            }

            writer.WriteLine(Code.StartRef(t, "output"));
            string n = Literals.Int(g.GroupLength);
            using (writer.Block($"for (int g = {range?.First ?? "0"}; g < {range?.End ?? Literals.Int(g.Groups)}; g++)"))
            {
                writer.WriteLine($"int start = {Code.Times("g", g.GroupLength)};");
                writer.WriteLine("// The mean, then the squares of the deviations from it: in double, whatever the element type.");
                WriteSum(writer, signature, width, g.GroupLength, deviations: false);
                writer.WriteLine($"double mean = sum / {n};");
                WriteSum(writer, signature, width, g.GroupLength, deviations: true);
                writer.WriteLine("// The corrected two-pass form: the deviations' own sum takes the rounding of the first pass out of the mean and the variance.");
                writer.WriteLine($"mean += drift / {n};");
                writer.WriteLine($"squares -= drift * drift / {n};");
                writer.WriteLine($"double reciprocal = 1.0 / global::System.Math.Sqrt(squares / {n} + {Literals.Real(spec.Eps, ElementType.Double)});");
                bool floatPair = width is not null && signature.ElementType == ElementType.Float;
                if (floatPair)
                {
                    writer.WriteLine("// The mean as a float pair: x - high is exact near the mean, and low carries what float rounding left out.");
                    writer.WriteLine("float meanHigh = (float)mean;");
                    writer.WriteLine("float meanLow = (float)(mean - meanHigh);");
                }

                using (writer.Block($"for (int c = 0; c < {Literals.Int(g.ChannelsPerGroup)}; c++)"))
                {
                    string channel = g.ChannelsPerGroup == 1 ? "g" : $"{Code.Times("g", g.ChannelsPerGroup)} + c";
                    writer.WriteLine(affine
                        ? $"double scale = reciprocal * {Code.At("weightStart", channel)}, shift = {Code.At("biasStart", channel)};"
                        : "double scale = reciprocal, shift = 0;");
                    writer.WriteLine($"int at = start + {Code.Times("c", g.Plane)};");
                    writer.WriteLine("int i = 0;");
                    if (width is { } w)
                    {
                        int lanes = w.Lanes(signature.ElementType);
                        string vt = $"{w.Type}<{t}>";
                        writer.WriteLine($"var vectorScale = {w.Broadcast($"({t})scale")};");
                        writer.WriteLine($"var vectorShift = {w.Broadcast($"({t})shift")};");
                        string deviation;
                        if (floatPair)
                        {
                            writer.WriteLine($"var high = {w.Broadcast("meanHigh")};");
                            writer.WriteLine($"var low = {w.Broadcast("meanLow")};");
                            deviation = $"{w.Load("inputStart", "at + i")} - high - low";
                        }
                        else
                        {
                            writer.WriteLine($"var vectorMean = {w.Broadcast("mean")};");
                            deviation = $"{w.Load("inputStart", "at + i")} - vectorMean";
                        }

                        using (writer.Block($"for (; i <= {Literals.Int(g.Plane - lanes)}; i += {Literals.Int(lanes)})"))
                        {
                            writer.WriteLine($"var normalized = {w.Fma($"({deviation})", "vectorScale", "vectorShift")};");
                            writer.WriteLine(w.Store(ActivationWriter.Apply(activation, "normalized"), "outputStart", "at + i"));
                        }
                    }

                    using (writer.Block($"for (; i < {Literals.Int(g.Plane)}; i++)"))
                    {
                        writer.WriteLine($"double normalizedOne = ({Code.At("inputStart", "at + i")} - mean) * scale + shift;");
                        writer.WriteLine($"{Code.At("outputStart", "at + i")} = {ActivationWriter.Apply(activation, $"({t})normalizedOne")};");
                    }
                }
            }
        }

        /// <summary>
        /// <c>double sum</c> (or <c>double squares</c> of the deviations from <c>mean</c>) over the group's elements from
        /// <c>start</c>: vectors of doubles (a float vector widened to two) and the last elements one by one.
        /// </summary>
        private static void WriteSum(IndentedWriter writer, KernelSignature signature, VectorWidth? width, int length, bool deviations)
        {
            string total = deviations ? "squares" : "sum";
            writer.WriteLine(deviations ? "double squares = 0, drift = 0;" : "double sum = 0;");
            string index = deviations ? "j" : "k";
            writer.WriteLine($"int {index} = 0;");
            if (width is { } w)
            {
                bool widen = signature.ElementType == ElementType.Float;
                int lanes = w.Lanes(signature.ElementType);
                if (length >= lanes)
                {
                    string vd = $"{w.Type}<double>";
                    writer.WriteLine($"var {total}Low = {vd}.Zero;");
                    writer.WriteLine($"var {total}High = {vd}.Zero;");
                    if (deviations)
                    {
                        writer.WriteLine($"var driftLow = {vd}.Zero;");
                        writer.WriteLine($"var driftHigh = {vd}.Zero;");
                        writer.WriteLine($"var firstMean = {w.Broadcast("mean")};");
                    }

                    using (writer.Block($"for (; {index} <= {Literals.Int(length - lanes)}; {index} += {Literals.Int(lanes)})"))
                    {
                        string load = w.Load("inputStart", $"start + {index}");
                        if (widen)
                        {
                            writer.WriteLine($"var x = {load};");
                            writer.WriteLine($"var low = {w.Type}.WidenLower(x);");
                            writer.WriteLine($"var high = {w.Type}.WidenUpper(x);");
                            if (deviations)
                            {
                                writer.WriteLine("low -= firstMean;");
                                writer.WriteLine("high -= firstMean;");
                                writer.WriteLine("driftLow += low;");
                                writer.WriteLine("driftHigh += high;");
                                writer.WriteLine($"{total}Low = {w.Fma("low", "low", $"{total}Low")};");
                                writer.WriteLine($"{total}High = {w.Fma("high", "high", $"{total}High")};");
                            }
                            else
                            {
                                writer.WriteLine($"{total}Low += low;");
                                writer.WriteLine($"{total}High += high;");
                            }
                        }
                        else
                        {
                            // Two accumulators alternate only through the halves of a float vector; a double vector adds into one.
                            writer.WriteLine(deviations ? $"var d = {load} - firstMean;" : $"var d = {load};");
                            if (deviations)
                            {
                                writer.WriteLine("driftLow += d;");
                            }

                            writer.WriteLine(deviations ? $"{total}Low = {w.Fma("d", "d", $"{total}Low")};" : $"{total}Low += d;");
                        }
                    }

                    writer.WriteLine($"{total} = {w.Type}.Sum({total}Low + {total}High);");
                    if (deviations)
                    {
                        writer.WriteLine($"drift = {w.Type}.Sum(driftLow + driftHigh);");
                    }
                }
            }

            using (writer.Block($"for (; {index} < {Literals.Int(length)}; {index}++)"))
            {
                string x = Code.At("inputStart", $"start + {index}");
                if (deviations)
                {
                    writer.WriteLine($"double d = {x} - mean;");
                    writer.WriteLine("drift += d;");
                    writer.WriteLine($"{total} += d * d;");
                }
                else
                {
                    writer.WriteLine($"{total} += {x};");
                }
            }
        }
    }
}
