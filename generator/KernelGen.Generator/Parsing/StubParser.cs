using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Parsing
{
    /// <summary>Reads what the part written for a rejected kernel declaration needs (see <see cref="KernelStub"/>).</summary>
    internal static class StubParser
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>
        /// The part for a declaration with errors, in types the generated part can reopen; null otherwise.
        /// </summary>
        /// <param name="parsed">The declaration as the parser read it, when it could.</param>
        /// <param name="validated">The operator's parameters when they validated, even if a later check failed.</param>
        public static KernelStub? Read(IMethodSymbol method, MethodDeclarationSyntax syntax, KernelOperator op, ParsedKernel? parsed, OperatorSpec? validated,
            IReadOnlyList<DiagnosticInfo> diagnostics)
        {
            if (MethodParser.ReadHierarchy(method, syntax, new List<DiagnosticInfo>()) is not { } hierarchy)
            {
                return null;
            }

            var parameters = method.Parameters;
            int first = parameters.Length > 0 && parameters[0].Type.SpecialType == SpecialType.System_Int32 && parameters[0].RefKind == RefKind.None ? 1 : 0;
            bool slope = parsed is not null ? op.TakesSlope(parsed.Attribute)
                : method.GetAttributes().FirstOrDefault(a => KernelOperator.ForAttribute(a.AttributeClass?.ToDisplayString()) == op) is { } attribute
                    && AttributeArguments.Read(attribute, default) is { } args && op.TakesSlope(args);
            bool residual = ResidualMarker.AnyMarked(method);
            int count = System.Math.Min(System.Math.Max(parameters.Length - first, op.MinimumBuffers(slope, residual)), op.MaximumBuffers(slope, residual));
            IReadOnlyList<string> roles = op.BufferRoles(count, slope, residual);
            Dictionary<string, int[]> shapes = BestKnownShapes(op, parsed, validated, diagnostics) ?? DeclaredShapes(op, parameters, first, roles);

            // Never a second member of a name the user's type already has, nor one named like a type around it: that
            // clash is reported once, as KG0017.
            var taken = new HashSet<string>(method.ContainingType.GetMembers().Select(member => member.Name));
            for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                taken.Add(type.Name);
            }

            // Overloads (KG0016) share the names of the generated members: the first declaration of the name writes them,
            // once, and a second declaration of one signature (the compiler's CS0111) gets no implementing part of its own.
            bool writesShared = !method.ContainingType.GetMembers(method.Name).Where(member => !member.IsImplicitlyDeclared)
                .TakeWhile(member => !SymbolEqualityComparer.Default.Equals(member, method)).Any();
            bool repeatsSignature = HintNames.EarlierWithSameSignature(method) > 0;

            var lengths = !writesShared || taken.Contains(KernelSignature.LengthsClassOf(method.Name))
                ? EquatableArray<StubLength>.Empty
                : roles.Select(role => new StubLength(role, shapes.TryGetValue(role, out int[]? shape) ? shape.ToEquatableArray() : EquatableArray<int>.Empty)).ToEquatableArray();
            bool foldBatchNorm = writesShared && op.HasWeight && roles.Contains("bias") && !taken.Contains(KernelSignature.FoldBatchNormMethodOf(method.Name));
            string errors = string.Join(", ", diagnostics.Select(d => d.Descriptor.Id).Distinct());
            return new KernelStub(HintNames.For(method), hierarchy, method.Name, MethodParser.Modifiers(syntax), repeatsSignature ? null : ImplementingPart(method, syntax), errors,
                ElementKeyword(parameters), lengths, foldBatchNorm);
        }

        /// <summary>
        /// The shapes of the declaration as its errors' fixes would leave it: the declared input and output, except that
        /// a wrong output shape (KG0001, which carries the computed one for its fix) is replaced by the computed one; the
        /// weight's where the operator's parameters are valid. Null when the parser could not read the declaration.
        /// </summary>
        private static Dictionary<string, int[]>? BestKnownShapes(KernelOperator op, ParsedKernel? parsed, OperatorSpec? validated, IReadOnlyList<DiagnosticInfo> diagnostics)
        {
            if (parsed is null)
            {
                return null;
            }

            KernelSignature signature = parsed.Signature;
            if (validated is null && diagnostics.SelectMany(d => d.Properties).FirstOrDefault(p => p.Key == FixProperties.ComputedShape) is { } computed
                && ParseShape(computed.Value) is { } output && output.Length == signature.OutputShape.Count)
            {
                signature = signature with { OutputShape = output.ToEquatableArray() };
                validated = op.Validate(new ParsedKernel(signature, parsed.Attribute, parsed.InputShapeLocation, parsed.OutputShapeLocation), new List<DiagnosticInfo>());
            }

            var shapes = new Dictionary<string, int[]>
            {
                ["input"] = signature.InputShape.ToArray(),
                ["output"] = signature.OutputShape.ToArray(),
                ["bias"] = new[] { signature.OutputShape[0] },
                ["residual"] = signature.OutputShape.ToArray(),
            };
            if (signature.OtherShape.Count > 0)
            {
                shapes["other"] = signature.OtherShape.ToArray();
            }

            if (validated is not null && op.WeightShape(signature, validated) is { } weight && ShapeText.ElementCount(weight) <= int.MaxValue)
            {
                shapes["weight"] = weight;
            }

            return shapes;
        }

        /// <summary>The [Shape]s of the input, the output and any second operand where they are valid, for a declaration the parser could not read.</summary>
        private static Dictionary<string, int[]> DeclaredShapes(KernelOperator op, System.Collections.Immutable.ImmutableArray<IParameterSymbol> parameters, int first, IReadOnlyList<string> roles)
        {
            var shapes = new Dictionary<string, int[]>();
            for (int i = 0; i < roles.Count && first + i < parameters.Length; i++)
            {
                // The output is the last parameter whatever the count.
                IParameterSymbol parameter = roles[i] == "output" ? parameters[parameters.Length - 1] : parameters[first + i];
                if (roles[i] is "input" or "other" or "output"
                    && parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == MethodParser.ShapeAttributeName) is { } attribute
                    && MethodParser.ReadShape(attribute, parameter.Name, op, null, new List<DiagnosticInfo>()) is { } dims)
                {
                    shapes[roles[i]] = dims.ToArray();
                }
            }

            if (shapes.TryGetValue("output", out int[]? output))
            {
                shapes["bias"] = new[] { output[0] };
                shapes["residual"] = output;
            }

            return shapes;
        }

        /// <summary><c>1, 5, 5</c> (a <see cref="FixProperties.ComputedShape"/>) as dimensions; null when one is past int.</summary>
        private static int[]? ParseShape(string text)
        {
            var dims = new List<int>();
            foreach (string part in text.Split(','))
            {
                if (!int.TryParse(part.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int dim) || dim < 1)
                {
                    return null;
                }

                dims.Add(dim);
            }

            return ShapeText.ElementCount(dims.ToArray()) <= int.MaxValue ? dims.ToArray() : null;
        }

        /// <summary>float or double: the element type of the first span parameter of one of them, float when none is.</summary>
        private static string ElementKeyword(System.Collections.Immutable.ImmutableArray<IParameterSymbol> parameters) =>
            parameters.Select(p => p.Type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } span ? span.TypeArguments[0].SpecialType : SpecialType.None)
                .FirstOrDefault(t => t is SpecialType.System_Single or SpecialType.System_Double) == SpecialType.System_Double ? "double" : "float";

        /// <summary>
        /// The implementing part's signature, for a partial method declaration without an implementation where the
        /// compiler would demand one (CS8795); null otherwise (a method with a body or extern already has one, and the
        /// compiler's own error is then the right one; a declaration without an accessibility modifier needs none, and
        /// one the compiler rejects for its modifiers, CS8796 or CS8798, would repeat that error). It repeats the
        /// declaration without <c>async</c> (a body with span parameters cannot be async, CS4012), with its type
        /// parameters and constraints, and with <c>scoped</c> where the declaration has it (CS8988).
        /// </summary>
        private static string? ImplementingPart(IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            bool isDeclaration = syntax.Modifiers.Any(SyntaxKind.PartialKeyword) && syntax.Body is null && syntax.ExpressionBody is null
                && !syntax.Modifiers.Any(SyntaxKind.ExternKeyword) && method.PartialImplementationPart is null;
            // An instance method in a static class is CS0708 at the declaration, which the stub repeats; without the stub
            // the compiler says CS8795 instead, which suggests the wrong fix, so the stub stays (a generator cannot
            // suppress an error).
            if (!isDeclaration || !PartialMethodRules.NeedsImplementation(syntax))
            {
                return null;
            }

            string parameters = string.Join(", ", method.Parameters.Select(parameter =>
                MethodParser.ParameterModifiers(parameter)
                + parameter.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", RefKind.RefReadOnlyParameter => "ref readonly ", _ => string.Empty }
                + parameter.Type.ToDisplayString(TypeFormat) + " " + Identifiers.Escape(parameter.Name)));
            string returnType = (method.ReturnsByRef ? "ref " : method.ReturnsByRefReadonly ? "ref readonly " : string.Empty) + method.ReturnType.ToDisplayString(TypeFormat);
            string modifiers = string.Join(" ", syntax.Modifiers.Where(m => !m.IsKind(SyntaxKind.AsyncKeyword)).Select(m => m.ValueText));
            string typeParameters = method.IsGenericMethod ? "<" + string.Join(", ", method.TypeParameters.Select(t => Identifiers.Escape(t.Name))) + ">" : string.Empty;
            return $"{modifiers} {returnType} {Identifiers.Escape(method.Name)}{typeParameters}({parameters}){Constraints(method)}";
        }

        /// <summary>The where clauses an implementing part must repeat, from the symbols, every type fully qualified.</summary>
        private static string Constraints(IMethodSymbol method)
        {
            var clauses = new List<string>();
            foreach (ITypeParameterSymbol type in method.TypeParameters)
            {
                var constraints = new List<string>();
                if (type.HasUnmanagedTypeConstraint)
                {
                    constraints.Add("unmanaged");
                }
                else if (type.HasValueTypeConstraint)
                {
                    constraints.Add("struct");
                }
                else if (type.HasReferenceTypeConstraint)
                {
                    constraints.Add(type.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
                }
                else if (type.HasNotNullConstraint)
                {
                    constraints.Add("notnull");
                }

                constraints.AddRange(type.ConstraintTypes.Select(constraint => constraint.ToDisplayString(TypeFormat)));
                if (type.HasConstructorConstraint)
                {
                    constraints.Add("new()");
                }

                if (constraints.Count > 0)
                {
                    clauses.Add($" where {Identifiers.Escape(type.Name)} : {string.Join(", ", constraints)}");
                }
            }

            return string.Concat(clauses);
        }
    }
}
