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
        /// </summary>
        public static KernelStub? Read(IMethodSymbol method, MethodDeclarationSyntax syntax, string errors)
        {
            bool isDeclaration = syntax.Modifiers.Any(SyntaxKind.PartialKeyword) && syntax.Body is null && syntax.ExpressionBody is null
                && !syntax.Modifiers.Any(SyntaxKind.ExternKeyword) && method.PartialImplementationPart is null && !method.IsGenericMethod;
            if (!isDeclaration || MethodParser.ReadHierarchy(method, syntax, new System.Collections.Generic.List<DiagnosticInfo>()) is not { } hierarchy)
            {
                return null;
            }

            string parameters = string.Join(", ", method.Parameters.Select(parameter =>
                MethodParser.ParameterModifiers(parameter)
                + parameter.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", RefKind.RefReadOnlyParameter => "ref readonly ", _ => string.Empty }
                + parameter.Type.ToDisplayString(TypeFormat) + " " + Identifiers.Escape(parameter.Name)));
            string returnType = (method.ReturnsByRef ? "ref " : method.ReturnsByRefReadonly ? "ref readonly " : string.Empty) + method.ReturnType.ToDisplayString(TypeFormat);
            return new KernelStub(HintNames.For(method), hierarchy, $"{MethodParser.Modifiers(syntax)} {returnType} {Identifiers.Escape(method.Name)}({parameters})", errors);
        }
    }
}
