using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Elementwise
{
    /// <summary>
    /// The body of every element-wise kernel (<c>[Activate]</c>, <c>[Add]</c>, <c>[Mul]</c>, <c>[Affine]</c>): each output
    /// element from the input element at the same place and, for a second operand, its element there or, along a
    /// broadcast dimension, its one element for the whole dimension. Each element is read before its output is written,
    /// which makes in place safe.
    /// </summary>
    /// <remarks>
    /// The axes are merged into runs that the loops walk as one: neighbouring axes that the second operand either has in
    /// full or broadcasts alike (a residual's whole shape is one run; a per-channel <c>[C, 1, 1]</c> is the channels
    /// around one broadcast run of H*W). The last run is the inner loop, a vector at a time where it holds a vector.
    /// </remarks>
    internal static class ElementwiseEmitter
    {

        /// <summary>One loop: <see cref="Length"/> positions, the input's step per position, and the other operand's (0 where it is broadcast).</summary>
        internal readonly struct Run
        {
            public Run(int length, int inputStep, int otherStep)
            {
                Length = length;
                InputStep = inputStep;
                OtherStep = otherStep;
            }

            public int Length { get; }

            public int InputStep { get; }

            public int OtherStep { get; }
        }

        /// <summary>The loops of one sample, outermost first: a single run without a second operand.</summary>
        public static Run[] Runs(KernelSignature signature)
        {
            int[] dims = signature.InputShape.ToArray();
            int[] other = signature.OtherShape.Count == dims.Length ? signature.OtherShape.ToArray() : dims;
            // Axes of size 1 take no loop; each other axis is held in full by the second operand or broadcast.
            var axes = Enumerable.Range(0, dims.Length).Where(axis => dims[axis] != 1).ToList();
            var groups = new List<(int Length, bool Broadcast)>();
            foreach (int axis in axes)
            {
                bool broadcast = other[axis] == 1;
                if (groups.Count > 0 && groups[groups.Count - 1].Broadcast == broadcast)
                {
                    groups[groups.Count - 1] = (groups[groups.Count - 1].Length * dims[axis], broadcast);
                }
                else
                {
                    groups.Add((dims[axis], broadcast));
                }
            }

            if (groups.Count == 0)
            {
                groups.Add((1, false));
            }

            var runs = new Run[groups.Count];
            int inputStep = 1, otherStep = 1;
            for (int i = groups.Count - 1; i >= 0; i--)
            {
                runs[i] = new Run(groups[i].Length, inputStep, groups[i].Broadcast ? 0 : otherStep);
                inputStep *= groups[i].Length;
                otherStep *= groups[i].Broadcast ? 1 : groups[i].Length;
            }

            return runs;
        }

        /// <summary>The widths whose vector the inner run holds.</summary>
        public static VectorWidth[] VectorWidths(KernelSignature signature) =>
            VectorWidth.All.Where(width => Runs(signature).Last().Length >= width.Lanes(signature.ElementType)).ToArray();

        /// <summary>The parameters of the per-sample methods, in the order the dispatch passes them.</summary>
        private static string Arguments(KernelSignature signature) => signature.OtherParameter is null ? "input, output" : "input, other, output";

        /// <summary>
        /// The scalar body, after the dispatch to the vector methods: <paramref name="combine"/> of the input element
        /// (and the other operand's), stored; the activation follows in the output pass the source writer adds.
        /// </summary>
        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, System.Func<string, string?, string> combine, VectorWidth[] widths)
        {
            VectorWidth.WriteDispatch(writer, signature.MethodName, Arguments(signature), widths);
            if (signature.OtherParameter is null && combine("x", null) == "x")
            {
                // A span copy, which is a move: in place it copies the elements onto themselves.
                writer.WriteLine("input.CopyTo(output);");
                return;
            }

            WriteLoops(writer, signature, inner: (input, other, run) =>
            {
                using (writer.Block($"for (int i = 0; i < {Literals.Int(run.Length)}; i++)"))
                {
                    string? otherAt = OtherAt(other, run, "i");
                    writer.WriteLine($"{Code.At("outputStart", Join(input, "i"))} = {combine(Code.At("inputStart", Join(input, "i")), otherAt)};");
                }
            });
        }

        /// <summary>
        /// Each width's method: the same loops, the inner run <paramref name="combineVectors"/> a vector at a time with the
        /// activation applied in registers, the last elements one by one (an overlapping last vector would, in place,
        /// read elements already written).
        /// </summary>
        public static void WriteVectorMethods(IndentedWriter writer, KernelPlan plan, System.Func<VectorWidth, string, string?, string> combineVectors,
            System.Func<string, string?, string> combine)
        {
            if (plan.Form != KernelForm.Looped)
            {
                return;
            }

            KernelSignature signature = plan.Signature;
            ActivationSpec activation = plan.Operator.Activation;
            string element = signature.ElementKeyword;
            string parameters = signature.OtherParameter is null
                ? $"global::System.ReadOnlySpan<{element}> input, global::System.Span<{element}> output"
                : $"global::System.ReadOnlySpan<{element}> input, global::System.ReadOnlySpan<{element}> other, global::System.Span<{element}> output";
            foreach (VectorWidth width in VectorWidths(signature))
            {
                int lanes = width.Lanes(signature.ElementType);
                string summary = $"One sample with {width.Name}: {Literals.Int(lanes)} elements at a time, each read before it is written (so in place is safe), the last few of each run one by one.";
                Split? split = Split.For(signature, lanes);
                if (split is null)
                {
                    using (width.BeginMethod(writer, signature.MethodName, parameters, summary))
                    {
                        WriteVectorLoops(writer, signature, width, activation, combineVectors, combine, split: null);
                    }

                    continue;
                }

                // Split across the workers: each unit a range of the outer run, or of the one run in whole vectors.
                var spans = signature.OtherParameter is null ? ParallelParts.InputOutput
                    : new List<ParallelParts.Span> { new("input", false), new("other", false), new("output", true) };
                ParallelParts.WriteSplitMethod(writer, width, signature.MethodName, parameters, summary, split.Units, element, spans, split.Describe(),
                    () => WriteVectorLoops(writer, signature, width, activation, combineVectors, combine, split));
            }
        }

        /// <summary>
        /// The split of a large element-wise kernel (<see cref="ParallelParts"/>): units of the outermost run when there are
        /// several (the channels around a broadcast plane), else of the one run in chunks of whole vectors.
        /// </summary>
        private sealed record Split(int Units, int Chunk, bool OuterRun, int Length)
        {
            public static Split? For(KernelSignature signature, int lanes)
            {
                Run[] runs = Runs(signature);
                if (!ParallelParts.IsLargePass(ShapeText.ElementCount(signature.InputShape), ShapeText.ElementCount(signature.OutputShape)))
                {
                    return null;
                }

                if (runs.Length > 1)
                {
                    return runs[0].Length >= 2 ? new Split(runs[0].Length, 1, OuterRun: true, runs[0].Length) : null;
                }

                int length = runs[0].Length;
                return ParallelParts.InWholeVectors(length, lanes) is { } chunks ? new Split(chunks.Units, chunks.Chunk, OuterRun: false, length) : null;
            }

            public string Describe() => OuterRun
                ? $"Units [first, end) of {Units}: the outer run's positions first to end."
                : $"Units [first, end) of {Units}: elements from first * {Chunk} to end * {Chunk} (or {Length}), in whole vectors but at the end.";
        }

        /// <summary>The loops of one vector method, or of a split's units (the outer run's range, or the one run's range).</summary>
        private static void WriteVectorLoops(IndentedWriter writer, KernelSignature signature, VectorWidth width, ActivationSpec activation,
            System.Func<VectorWidth, string, string?, string> combineVectors, System.Func<string, string?, string> combine, Split? split)
        {
            int lanes = width.Lanes(signature.ElementType);
            WriteLoops(writer, signature, outerRange: split is { OuterRun: true } ? ("first", "end") : null, inner: (input, other, run) =>
            {
                string? broadcast = null;
                if (other is not null && run.OtherStep == 0)
                {
                    // The other operand's one element for this whole run.
                    writer.WriteLine($"var shared = {width.Broadcast(Code.At("otherStart", other))};");
                    broadcast = "shared";
                }

                void WriteVectors(string loop)
                {
                    using (writer.Block(loop))
                    {
                        string? otherVector = other is null ? null : broadcast ?? width.Load("otherStart", Join(other, "i"));
                        string value = ActivationWriter.Apply(activation, combineVectors(width, width.Load("inputStart", Join(input, "i")), otherVector));
                        writer.WriteLine(width.Store(value, "outputStart", Join(input, "i")));
                    }
                }

                void WriteElements(string loop)
                {
                    using (writer.Block(loop))
                    {
                        string value = ActivationWriter.Apply(activation, combine(Code.At("inputStart", Join(input, "i")), OtherAt(other, run, "i")));
                        writer.WriteLine($"{Code.At("outputStart", Join(input, "i"))} = {value};");
                    }
                }

                if (split is { OuterRun: false })
                {
                    // This unit's elements: whole vectors, then the last few one by one where the run ends.
                    writer.WriteLine($"int i = first * {Literals.Int(split.Chunk)}, stop = global::System.Math.Min(end * {Literals.Int(split.Chunk)}, {Literals.Int(run.Length)});");
                    WriteVectors($"for (; i <= stop - {Literals.Int(lanes)}; i += {Literals.Int(lanes)})");
                    WriteElements("for (; i < stop; i++)");
                    return;
                }

                int whole = run.Length / lanes * lanes;
                writer.WriteLine("int i = 0;");
                WriteVectors($"for (; i < {Literals.Int(whole)}; i += {Literals.Int(lanes)})");
                if (whole < run.Length)
                {
                    WriteElements($"for (; i < {Literals.Int(run.Length)}; i++)");
                }
            });
        }

        /// <summary>The outer runs as nested loops, each adding its step to the offsets, then <paramref name="inner"/> for the last run.</summary>
        /// <param name="outerRange">The bounds of the outermost loop, in a split's units; null for all of it.</param>
        private static void WriteLoops(IndentedWriter writer, KernelSignature signature, System.Action<string, string?, Run> inner, (string First, string End)? outerRange = null)
        {
            Run[] runs = Runs(signature);
            bool hasOther = signature.OtherParameter is not null;
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "input"));
            if (hasOther)
            {
                writer.WriteLine(Code.StartRef(signature.ElementKeyword, "other"));
            }

            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "output"));
            var scopes = new Stack<IndentedWriter.Scope>();
            string input = "0", other = "0";
            for (int r = 0; r < runs.Length - 1; r++)
            {
                string index = $"r{Literals.Int(r)}";
                scopes.Push(writer.Block(r == 0 && outerRange is { } range
                    ? $"for (int {index} = {range.First}; {index} < {range.End}; {index}++)"
                    : $"for (int {index} = 0; {index} < {Literals.Int(runs[r].Length)}; {index}++)"));
                writer.WriteLine($"int inputAt{Literals.Int(r)} = {Join(input, Code.Times(index, runs[r].InputStep))};");
                input = $"inputAt{Literals.Int(r)}";
                if (hasOther && runs[r].OtherStep != 0)
                {
                    writer.WriteLine($"int otherAt{Literals.Int(r)} = {Join(other, Code.Times(index, runs[r].OtherStep))};");
                    other = $"otherAt{Literals.Int(r)}";
                }
            }

            inner(input, hasOther ? other : null, runs[runs.Length - 1]);
            while (scopes.Count > 0)
            {
                scopes.Pop().Dispose();
            }
        }

        /// <summary>The other operand's element for position <paramref name="i"/> of <paramref name="run"/>, or null without one.</summary>
        private static string? OtherAt(string? other, Run run, string i) =>
            other is null ? null : Code.At("otherStart", run.OtherStep == 0 ? other : Join(other, i));

        private static string Join(string offset, string term) => offset == "0" ? term : $"{offset} + {term}";
    }
}
