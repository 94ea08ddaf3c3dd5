using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;
using KernelGen.Generator.Parsing;
using KernelGen.Generator.Planning;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator
{
    /// <summary>The stages of one kernel, in order: parse, validate, plan (cached as a <see cref="KernelResult"/>), then emit.</summary>
    internal static class KernelPipeline
    {
        /// <summary>Parse, validate and plan: everything that reads the compilation, ending in an equatable result.</summary>
        public static KernelResult Transform(GeneratorAttributeSyntaxContext context, KernelOperator op, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            try
            {
                ParsedKernel? parsed = MethodParser.Parse(context, op, diagnostics, cancellationToken);
                OperatorSpec? validated = parsed is null ? null : op.Validate(parsed, diagnostics);
                OperatorSpec? spec = parsed is null || validated is null ? null : op.WithActivation(parsed, validated, diagnostics);
                // A declaration the compiler rejects for its modifiers (new without an accessibility modifier: CS8798)
                // gets no implementing part, which would repeat that error at the generated file.
                bool mayImplement = context.TargetNode is not MethodDeclarationSyntax declaration || PartialMethodRules.MayHaveImplementation(declaration);
                KernelPlan? plan = parsed is null || spec is null || diagnostics.Count > 0 || !mayImplement ? null : KernelPlanner.Plan(parsed.Signature, spec, op);
                // A rejected declaration (or one valid but for the modifiers the compiler rejects) gets the members its kernel
                // would have, so that the one error is the only one.
                KernelStub? stub = (diagnostics.Count == 0 && (parsed is null || mayImplement)) || context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax
                    ? null
                    : StubParser.Read(method, syntax, op, parsed, validated, diagnostics);
                return new KernelResult(plan, diagnostics.ToEquatableArray(), stub);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A generator that throws stops every other generator's output in the user's build: report instead.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, LocationInfo.From(context.TargetNode.GetLocation()),
                    exception.GetType().Name + ": " + exception.Message));
                return new KernelResult(null, diagnostics.ToEquatableArray());
            }
        }

        /// <summary>Reports the diagnostics and, for a valid kernel, adds its source file.</summary>
        public static void Emit(SourceProductionContext context, KernelResult result, EmitOptions options)
        {
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic(options.DiagnosticsPage));
            }

            if (result.Stub is { } stub)
            {
                context.AddSource(stub.HintName, StubWriter.Write(stub));
            }

            if (result.Plan is not { } plan)
            {
                return;
            }

            string source;
            try
            {
                source = KernelSourceWriter.Write(plan, options);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // An emitter bug must not take every other kernel's body with it (CS8785): report it on this one.
                context.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null,
                    $"{plan.Signature.MethodName}: {exception.GetType().Name}: {exception.Message}").ToDiagnostic(options.DiagnosticsPage));
                return;
            }

            context.AddSource(plan.Signature.HintName, source);
        }
    }
}
