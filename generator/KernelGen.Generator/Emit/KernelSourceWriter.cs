using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;
using KernelGen.Generator.Planning;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// Writes one kernel's file: the header comment with shapes and arithmetic, the containing types reopened, the
    /// lengths as constants, the public method (argument checks, then one call per sample) and the per-sample body.
    /// </summary>
    internal static class KernelSourceWriter
    {
        private const string Span = "global::System.Span";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan";

        public static readonly string Version = typeof(KernelSourceWriter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        /// <param name="options">Span access (see <see cref="Code"/>) when asked for or when the target has no <c>Unsafe</c>.</param>
        public static string Write(KernelPlan plan, EmitOptions options)
        {
            using (Code.CheckedAccess(options.SpanAccess))
            using (ParallelParts.SplitAll(options.SplitAll))
            {
                return WriteFile(plan, options);
            }
        }

        private static string WriteFile(KernelPlan plan, EmitOptions options)
        {
            KernelSignature signature = plan.Signature;
            KernelOperator op = KernelOperator.For(plan.Operator);
            var buffers = KernelBuffers.Of(signature, plan.Operator, op);
            var writer = new IndentedWriter();
            WriteHeader(writer, plan, op, buffers, options);
            writer.WriteLine("#nullable enable");
            writer.WriteLine();

            using (HierarchyWriter.Open(writer, signature.Containing))
            {
                WriteLengths(writer, signature, buffers);
                writer.WriteLine();
                WritePublicMethod(writer, signature, buffers, options, op);
                writer.WriteLine();
                if (BatchNormFoldWriter.Applies(signature, op))
                {
                    BatchNormFoldWriter.Write(writer, signature, op, plan.Operator, Accessibility(signature), options);
                    writer.WriteLine();
                }

                // Every helper lives in one nested class: the user's type then holds only the generated names the parser
                // checks against the user's members: {M}Lengths, {M}Implementation and, with a bias, {M}FoldBatchNorm.
                writer.WriteLine($"/// <summary>The body of <see cref=\"{signature.MethodIdentifier}\"/> and its helpers.</summary>");
                writer.WriteLine(GeneratedCode);
                // The helpers declare no reference type whose nullability could matter; outside a nullable context the
                // compiler skips its nullable analysis of them, the largest part of the file (about 15% of its compile time).
                writer.WriteLine("#nullable disable");
                using (writer.Block($"private static class {signature.ImplementationClass}", after: "#nullable enable"))
                {
                    RunTimeChecks.WriteSourceHint(writer, options);
                    if (op.TakesWholeBatch)
                    {
                        // The body applies its own epilogue, PReLU's slopes included, element by element.
                        op.WriteBatchBody(writer, plan, buffers);
                        ActivationWriter.WriteMembers(writer, signature, plan.Operator.Activation.Kind == ActivationKind.PRelu ? ActivationSpec.None : plan.Operator.Activation, new VectorWidth[0]);
                    }
                    else
                    {
                        KernelPlan body = WriteSampleMethods(writer, plan, op, buffers, $"{signature.MethodName}_Sample", "One sample; the lengths were checked by the caller.");
                        VectorWidth[] widths = body.Form == KernelForm.Looped ? op.VectorWidths(body.Signature, body.Operator) : new VectorWidth[0];
                        ActivationWriter.WriteMembers(writer, signature, body.Operator.Activation, widths);
                        foreach (VectorWidth width in widths.Where(w => op.EpilogueOf(body.Signature, body.Operator, w).LeavesResidual))
                        {
                            Epilogue.WritePass(writer, body.Signature, body.Operator.Activation, width);
                        }
                        PReluWriter.WriteMembers(writer, plan);
                    }

                    if (Code.IsChecked)
                    {
                        VectorWidth.WriteCheckedAccess(writer, signature.ElementKeyword, VectorWidth.IndexType(signature.ElementType));
                    }
                }
            }

            return writer.ToString();
        }

        private static void WriteHeader(IndentedWriter writer, KernelPlan plan, KernelOperator op, List<KernelBuffer> buffers, EmitOptions options)
        {
            KernelSignature signature = plan.Signature;
            writer.WriteLine("// <auto-generated/>");
            writer.WriteLine($"// KernelGen {Version}: {op.Name(signature.SpatialRank, plan.Operator)} for {signature.Containing.QualifiedName}.{signature.MethodName}, element type {signature.ElementKeyword}.");
            writer.WriteLine("//");
            int nameWidth = buffers.Max(b => b.Role.Length);
            int shapeWidth = buffers.Max(b => ShapeText.Format(b.Shape).Length);
            foreach (KernelBuffer buffer in buffers)
            {
                writer.WriteLine($"//   {buffer.Role.PadRight(nameWidth)}  {ShapeText.Format(buffer.Shape).PadRight(shapeWidth)}  ({buffer.Layout}), {buffer.Length} elements");
            }

            if (signature.BatchParameter is not null)
            {
                writer.WriteLine($"//   batch    '{signature.BatchParameter}' samples per call, each buffer but weight and bias holding that many of the shapes above");
            }

            foreach (string line in op.Describe(signature, plan.Operator))
            {
                writer.WriteLine(line.Length == 0 ? "//" : "// " + line);
            }

            if (signature.ResidualParameter is { } residual)
            {
                string activation = plan.Operator.Activation.IsNone ? string.Empty : $"{plan.Operator.Activation.Kind} of ";
                writer.WriteLine($"// Residual: output = {activation}(the layer{(signature.BiasParameter is null ? string.Empty : " + bias")} + '{Identifiers.Unescape(residual)}'), {ResidualPlace(plan, op)}.");
            }

            writer.WriteLine("//");
            int outputLength = buffers[buffers.Count - 1].Length;
            writer.WriteLine(plan.Form == KernelForm.FullyUnrolled
                ? $"// Form: fully unrolled, {plan.MultiplyAdds} multiply-adds and {outputLength} output statements per sample (budget {KernelPlanner.UnrollBudget} each): every index is a constant, no loop."
                : op.HasUnrolledForm
                    ? $"// Form: loops with constant bounds, {plan.MultiplyAdds} multiply-adds and {outputLength} output elements per sample (over the full-unroll budget of {KernelPlanner.UnrollBudget} each)."
                    : $"// Form: loops with constant bounds, at most {plan.MultiplyAdds} input reads and {outputLength} output elements per sample ({op.Name(signature.SpatialRank, plan.Operator)} has no unrolled form).");
            if (plan.Form == KernelForm.Looped)
            {
                // A kernel that pads its input first runs the vector forms of its body, over the padded input.
                KernelPlan body = PReluWriter.WithoutSlope(plan).PaddedBody ?? plan;
                VectorWidth[] widths = op.VectorWidths(body.Signature, body.Operator);
                string method = signature.MethodName + (op.TakesWholeBatch ? "_Batch" : string.Empty);
                string sample = $"the scalar loops of {(op.TakesWholeBatch ? method : $"{signature.MethodName}_Sample")}";
                string condition = op.VectorCondition is { } needs ? $" and {needs}" : string.Empty;
                writer.WriteLine(widths.Length switch
                {
                    0 => $"// Runs {sample} everywhere: {op.NoVectorForm}.",
                    1 => $"// Runs, on .NET 9 or later, {method}_{widths[0].Name} where {widths[0].Name} is hardware-accelerated{condition}; otherwise {sample}.",
                    _ => $"// Runs, on .NET 9 or later, the first of {string.Join(", ", widths.Select(w => $"{method}_{w.Name}"))} whose vectors are hardware-accelerated{condition}; otherwise {sample}.",
                });
                foreach (string line in op.DescribeVectorForms(body.Signature, body.Operator))
                {
                    writer.WriteLine("// " + line);
                }
            }

            if (options.CheckedAccess)
            {
                writer.WriteLine("// Checked access (KernelGenCheckedAccess=true): every element and vector access goes through a span and is bounds-checked; slower, for testing.");
            }
            else if (!options.HasUnsafe)
            {
                writer.WriteLine("// Span access: this target framework has no System.Runtime.CompilerServices.Unsafe, so every access goes through a span (bounds-checked, somewhat slower).");
            }

            if (options.SplitAll)
            {
                writer.WriteLine("// Split everywhere (KernelGenSplitAll=true): every form of two units or more runs across the workers, however small; for testing.");
            }
        }

        /// <summary>Where the residual is added, in words for the header: to each sum in registers, or in a pass (<see cref="Epilogue"/>).</summary>
        private static string ResidualPlace(KernelPlan plan, KernelOperator op)
        {
            const string InRegisters = "added to each finished sum before it is stored";
            if (op.TakesWholeBatch || plan.Form == KernelForm.FullyUnrolled)
            {
                return InRegisters;
            }

            KernelPlan body = PReluWriter.WithoutSlope(plan).PaddedBody ?? PReluWriter.WithoutSlope(plan);
            VectorWidth[] widths = op.VectorWidths(body.Signature, body.Operator);
            string[] fused = widths.Where(w => op.ResidualInRegisters(body.Signature, body.Operator, w)).Select(w => w.Name).ToArray();
            const string Pass = "in one pass over the finished output";
            return fused.Length == 0 ? $"added {Pass} on every path"
                : $"{InRegisters} by the vector forms of {string.Join(", ", fused)}; otherwise {Pass} (the scalar loops accumulate in the output)";
        }

        private static void WriteLengths(IndentedWriter writer, KernelSignature signature, List<KernelBuffer> buffers)
        {
            writer.WriteLine($"/// <summary>The lengths of one sample's buffers of <see cref=\"{signature.MethodIdentifier}\"/>, as constants for <c>stackalloc</c> and <c>new</c>.</summary>");
            writer.WriteLine(GeneratedCode);
            using (writer.Block($"{Accessibility(signature)}static class {signature.LengthsClass}"))
            {
                foreach (KernelBuffer buffer in buffers)
                {
                    writer.WriteLine($"/// <summary>{buffer.Role} {ShapeText.Format(buffer.Shape)}.</summary>");
                    // The shape as data too: the call-site analyzer reads it from here to show what a call must pass.
                    writer.WriteLine($"[global::KernelGen.Shape({string.Join(", ", buffer.Shape.Select(d => Literals.Int(d)))})]");
                    writer.WriteLine($"public const int {buffer.ConstantName} = {Literals.Int(buffer.Length)};");
                }

                // The shapes as values too, for checks at run time such as the safetensors reader's; no allocation on .NET 7
                // and later, where the compiler reads a constant array through RuntimeHelpers.CreateSpan.
                foreach (KernelBuffer buffer in buffers)
                {
                    writer.WriteLine($"/// <summary>The shape of one sample's {buffer.Role}: {ShapeText.Format(buffer.Shape)}.</summary>");
                    writer.WriteLine($"public static global::System.ReadOnlySpan<int> {buffer.ConstantName}Shape => new int[] {{ {string.Join(", ", buffer.Shape.Select(d => Literals.Int(d)))} }};");
                }
            }
        }

        private static void WritePublicMethod(IndentedWriter writer, KernelSignature signature, List<KernelBuffer> buffers, EmitOptions options, KernelOperator op)
        {
            string element = signature.ElementKeyword;
            var parameters = new List<string>();
            if (signature.BatchParameter is { } batchName)
            {
                parameters.Add("int " + batchName);
            }

            parameters.AddRange(buffers.Select(b => $"{(b.Role == "output" ? Span : ReadOnlySpan)}<{element}> {b.ParameterName}"));

            // The implementing part repeats what the declaring part says of each parameter (this, scoped, params).
            parameters = parameters.Select((parameter, i) => signature.ParameterModifiers[i] + parameter).ToList();
            writer.WriteLine(GeneratedCode);
            using (writer.Block($"{signature.Modifiers} void {signature.MethodIdentifier}({string.Join(", ", parameters)})"))
            {
                RunTimeChecks.Write(writer, signature, buffers, options, op.AllowsInPlace);
                if (op.TakesWholeBatch)
                {
                    // Every sample at once: the rows of one product.
                    writer.WriteLine($"{signature.ImplementationClass}.{signature.MethodName}_Batch({signature.BatchParameter ?? "1"}, {string.Join(", ", buffers.Select(b => b.ParameterName))});");
                    return;
                }

                string Argument(KernelBuffer b, string sample) => b.PerSample ? $"{b.ParameterName}.Slice({sample} * {b.Length}, {b.Length})" : b.ParameterName;
                string call = $"{signature.ImplementationClass}.{signature.MethodName}_Sample";
                if (signature.BatchParameter is { } batch)
                {
                    // The loop variable must not hide a parameter, whatever the user named them.
                    string sample = Identifiers.Unused("sample", buffers.Select(b => b.ParameterName).Append(batch));

                    using (writer.Block($"for (int {sample} = 0; {sample} < {batch}; {sample}++)"))
                    {
                        writer.WriteLine($"{call}({string.Join(", ", buffers.Select(b => Argument(b, sample)))});");
                    }
                }
                else
                {
                    writer.WriteLine($"{call}({string.Join(", ", buffers.Select(b => b.ParameterName))});");
                }
            }
        }

        private static string SampleParameters(KernelSignature signature, List<KernelBuffer> buffers) =>
            string.Join(", ", buffers.Select(b => $"{(b.Role == "output" ? Span : ReadOnlySpan)}<{signature.ElementKeyword}> {b.Role}"));

        /// <summary>
        /// The sample method <paramref name="method"/> and the methods it calls, outermost first: with PReLU, the layer
        /// without it (<c>{M}_LinearSample</c>) then the slopes' pass over the output; with a padded input, the padding
        /// then the layer over the padded input without padding (<c>{M}_PaddedSample</c>); then the body with its members,
        /// which adds a residual itself (<see cref="Epilogue"/>).
        /// </summary>
        /// <returns>The innermost body, whose activation members are written for.</returns>
        private static KernelPlan WriteSampleMethods(IndentedWriter writer, KernelPlan plan, KernelOperator op, List<KernelBuffer> buffers, string method, string summary)
        {
            KernelSignature signature = plan.Signature;
            if (plan.Operator.Activation.Kind == ActivationKind.PRelu)
            {
                KernelPlan linear = PReluWriter.WithoutSlope(plan);
                string inner = $"{signature.MethodName}_LinearSample";
                WriteSummary(writer, summary + " The layer, then PReLU with the slopes.");
                using (writer.Block($"internal static void {method}({SampleParameters(signature, buffers)})"))
                {
                    writer.WriteLine($"{inner}({string.Join(", ", buffers.Where(b => b.Role != "slope").Select(b => b.Role))});");
                    writer.WriteLine($"{PReluWriter.PassMethod(signature)}(output, slope);");
                }

                writer.WriteLine();
                return WriteSampleMethods(writer, linear, op, buffers.Where(b => b.Role != "slope").ToList(), inner, "One sample before PReLU.");
            }

            if (plan.PaddedBody is { } body)
            {
                string inner = $"{signature.MethodName}_PaddedSample";
                WriteSummary(writer, summary + " The input padded, then the convolution without padding over it.");
                Code.WriteOptimizedAttribute(writer, guarded: true);
                using (writer.Block($"internal static void {method}({SampleParameters(signature, buffers)})"))
                {
                    op.WritePaddedSample(writer, plan, inner, buffers.Skip(1).Select(b => b.Role));
                }

                op.WriteMembers(writer, plan);
                writer.WriteLine();
                return WriteSampleMethods(writer, body, op, KernelBuffers.Of(body.Signature, body.Operator, op), inner, "One sample of the padded input, without padding.");
            }

            WriteSampleMethod(writer, plan, op, buffers, method, summary);
            op.WriteMembers(writer, plan);
            return plan;
        }

        private static void WriteSummary(IndentedWriter writer, string summary) => writer.WriteLine($"/// <summary>{summary}</summary>");

        private static void WriteSampleMethod(IndentedWriter writer, KernelPlan plan, KernelOperator op, List<KernelBuffer> buffers, string method, string summary)
        {
            KernelSignature signature = plan.Signature;
            WriteSummary(writer, summary);
            Code.WriteOptimizedAttribute(writer, guarded: true);
            using (writer.Block($"internal static void {method}({SampleParameters(signature, buffers)})"))
            {
                if (plan.Form == KernelForm.FullyUnrolled)
                {
                    UnrolledBodyWriter.Write(writer, op.Unroll(signature, plan.Operator), signature, plan.Operator.Activation);
                }
                else
                {
                    op.WriteLoopedBody(writer, signature, plan.Operator);
                    Epilogue.WriteScalarPass(writer, signature, plan.Operator.Activation);
                }
            }
        }

        public static string GeneratedCode => $"[global::System.CodeDom.Compiler.GeneratedCode(\"KernelGen\", \"{Version}\")]";

        /// <summary>The lengths class is as visible as the method it describes.</summary>
        private static string Accessibility(KernelSignature signature) => AccessibilityOf(signature.Modifiers);

        /// <summary>The accessibility modifiers among a method's <paramref name="modifiers"/>, with a trailing space; <c>private </c> for none.</summary>
        public static string AccessibilityOf(string modifiers)
        {
            string[] access = modifiers.Split(' ').Where(m => m is "public" or "internal" or "protected" or "private").ToArray();
            return access.Length == 0 ? "private " : string.Join(" ", access) + " ";
        }
    }
}
