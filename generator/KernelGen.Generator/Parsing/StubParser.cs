using System.Linq;
using KernelGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Parsing
{
    /// <summary>Reads what a stub implementation of a rejected kernel method needs, when one can be written.</summary>
    internal static class StubParser
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>
        /// A stub for a partial method declaration without an implementation, in types that can be reopened; null
        /// otherwise (a method with a body or extern already has one, and the compiler's own error is then the right one).
        /// Only where the compiler would demand an implementation (CS8795): a declaration without an accessibility
        /// modifier needs none, and an implementation of one that the compiler rejects for its modifiers (CS8796,
        /// CS8798) would repeat that error. The stub repeats the declaration without <c>async</c> (a body with span
        /// parameters cannot be async, CS4012), with its type parameters and constraints, and with <c>scoped</c> where
        /// the declaration has it (CS8988).
        /// </summary>
        public static KernelStub? Read(IMethodSymbol method, MethodDeclarationSyntax syntax, string errors)
        {
            bool isDeclaration = syntax.Modifiers.Any(SyntaxKind.PartialKeyword) && syntax.Body is null && syntax.ExpressionBody is null
                && !syntax.Modifiers.Any(SyntaxKind.ExternKeyword) && method.PartialImplementationPart is null;
            // An instance method in a static class is CS0708 at the declaration, which the stub repeats; without the stub
            // the compiler says CS8795 instead, which suggests the wrong fix, so the stub stays (a generator cannot
            // suppress an error).
            if (!isDeclaration || !PartialMethodRules.NeedsImplementation(syntax)
                || MethodParser.ReadHierarchy(method, syntax, new System.Collections.Generic.List<DiagnosticInfo>()) is not { } hierarchy)
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
            return new KernelStub(HintNames.For(method), hierarchy,
                $"{modifiers} {returnType} {Identifiers.Escape(method.Name)}{typeParameters}({parameters}){Constraints(method)}", errors);
        }

        /// <summary>The where clauses an implementing part must repeat, from the symbols, every type fully qualified.</summary>
        private static string Constraints(IMethodSymbol method)
        {
            var clauses = new System.Collections.Generic.List<string>();
            foreach (ITypeParameterSymbol type in method.TypeParameters)
            {
                var constraints = new System.Collections.Generic.List<string>();
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
