using System.Collections.Generic;
using System.Collections.Immutable;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KernelGen.Generator.Analysis
{
    /// <summary>
    /// Checks every call of a generated kernel: each buffer argument whose length the compiler can know
    /// (<see cref="BufferLengths"/>) must hold what the kernel reads or writes, per sample times the batch count when
    /// that is a constant, or a whole number of samples when it is not. Registered for invocations only; the work is
    /// per call, from the symbols of the called kernel.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CallSiteAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ArgumentLengthMismatch);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (KernelCallee.Read(invocation.TargetMethod) is not { } kernel)
            {
                return;
            }

            var arguments = new Dictionary<int, IArgumentOperation>();
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter)
                {
                    arguments[parameter.Ordinal] = argument;
                }
            }

            long? batch = kernel.BatchOrdinal is { } batchOrdinal && arguments.TryGetValue(batchOrdinal, out IArgumentOperation? batchArgument)
                && batchArgument.Value.ConstantValue is { HasValue: true, Value: int count } && count >= 0
                    ? count
                    : null;
            bool batched = kernel.BatchOrdinal is not null;
            // With a batch count unknown here, the first per-sample buffer of known length says how many samples the
            // call has; the input and the output must agree on it.
            (CalleeBuffer Buffer, long Samples)? firstCount = null;
            foreach (CalleeBuffer buffer in kernel.Buffers)
            {
                if (!arguments.TryGetValue(buffer.Ordinal, out IArgumentOperation? argument)
                    || BufferLengths.Of(argument.Value, context.Compilation) is not { } known)
                {
                    continue;
                }

                string shape = ShapeText.Format(buffer.Shape);
                string perSample = Literals.Int(buffer.Length) + " = " + shape;
                string? needs = null;
                string? replacement = null;
                if (!batched || !buffer.PerSample)
                {
                    if (known.Length != buffer.Length)
                    {
                        needs = $"{buffer.Verb} {perSample}";
                        replacement = Constant(buffer, argument);
                    }
                }
                else if (batch is { } samples)
                {
                    long total = samples * buffer.Length;
                    if (known.Length != total)
                    {
                        needs = $"{buffer.Verb} {Literals.Int(samples)} * {Literals.Int(buffer.Length)} = {Literals.Int(total)} ({Literals.Int(samples)} samples of {shape})";
                        replacement = $"{Literals.Int(samples)} * {Constant(buffer, argument)}";
                    }
                }
                else if (known.Length % buffer.Length != 0)
                {
                    // Whatever the batch count is at run time, this length is not a whole number of samples.
                    needs = $"{buffer.Verb} a whole number of samples of {perSample}, and {Literals.Int(known.Length)} is not a multiple of {Literals.Int(buffer.Length)}";
                }
                else if (firstCount is not { } first)
                {
                    firstCount = (buffer, known.Length / buffer.Length);
                }
                else if (known.Length / buffer.Length != first.Samples)
                {
                    long expected = first.Samples * buffer.Length;
                    needs = $"{buffer.Verb} one sample of {perSample} for each of the {Literals.Int(first.Samples)} samples '{first.Buffer.Name}' holds, "
                        + $"{Literals.Int(first.Samples)} * {Literals.Int(buffer.Length)} = {Literals.Int(expected)}";
                }

                if (needs is null)
                {
                    continue;
                }

                var properties = ImmutableDictionary<string, string?>.Empty;
                var additional = new List<Location>();
                if (replacement is not null && known.Size is { } size)
                {
                    properties = properties.Add(FixProperties.Replacement, replacement);
                    additional.Add(size.GetLocation());
                }

                context.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(DiagnosticHelp.PageOption, out string? page);
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticHelp.WithLink(DiagnosticDescriptors.ArgumentLengthMismatch, page), argument.Value.Syntax.GetLocation(), additional, properties,
                    buffer.Name, kernel.Name, known.Length == 1 ? "1 element" : Literals.Int(known.Length) + " elements", known.Origin, needs));
            }
        }

        /// <summary>The lengths constant as the call's code can name it, such as <c>Layers.UpLengths.Output</c>.</summary>
        private static string Constant(CalleeBuffer buffer, IArgumentOperation argument)
        {
            INamedTypeSymbol lengths = buffer.Constant.ContainingType;
            string type = argument.SemanticModel is { } model
                ? lengths.ToMinimalDisplayString(model, argument.Syntax.SpanStart)
                : lengths.ToDisplayString();
            return type + "." + buffer.Constant.Name;
        }
    }
}
