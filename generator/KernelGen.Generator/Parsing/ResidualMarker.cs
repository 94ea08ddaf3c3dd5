using System.Linq;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Parsing
{
    /// <summary>
    /// The residual is the one buffer a declaration names by an attribute (<c>[Residual]</c>) rather than by its place:
    /// without the mark, a residual after the weight would read as a bias. The parser, the parts written for rejected
    /// declarations and the call-site analyzer all ask here whether a kernel has one.
    /// </summary>
    internal static class ResidualMarker
    {
        public const string AttributeName = "KernelGen.ResidualAttribute";

        /// <summary>The parameter's <c>[Residual]</c>, or null: where a diagnostic about the mark points.</summary>
        public static AttributeData? Mark(IParameterSymbol parameter) =>
            parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AttributeName);

        public static bool IsMarked(IParameterSymbol parameter) => Mark(parameter) is not null;

        /// <summary>Whether any parameter of <paramref name="method"/> is marked <c>[Residual]</c>.</summary>
        public static bool AnyMarked(IMethodSymbol method) => method.Parameters.Any(IsMarked);
    }
}
