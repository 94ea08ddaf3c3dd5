using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Analysis
{
    /// <summary>
    /// Whether a variable may be given another value than its initializer, found by its name in the syntax of its scope.
    /// By name, not by symbol: another variable of the same name makes the answer "yes", which only makes the analyzer
    /// stay silent, never report a length the buffer may not have.
    /// </summary>
    internal static class Reassignments
    {
        public static bool Any(SyntaxNode scope, string name)
        {
            foreach (SyntaxNode node in scope.DescendantNodes())
            {
                switch (node)
                {
                    // buffer = ..., buffer ??= ..., (buffer, other) = ..., this = ... (a struct's every field).
                    case AssignmentExpressionSyntax assignment when Targets(assignment.Left, name):
                        return true;
                    // ref buffer, out buffer: the callee or a ref local may assign it.
                    case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword)
                        && Targets(argument.Expression, name):
                        return true;
                    case RefExpressionSyntax reference when Targets(reference.Expression, name):
                        return true;
                }
            }

            return false;
        }

        /// <summary>Whether writing to <paramref name="target"/> writes the variable itself (not one of its elements).</summary>
        private static bool Targets(ExpressionSyntax target, string name) => target switch
        {
            ParenthesizedExpressionSyntax parenthesized => Targets(parenthesized.Expression, name),
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText == name,
            ThisExpressionSyntax => true,
            TupleExpressionSyntax tuple => tuple.Arguments.Any(a => Targets(a.Expression, name)),
            _ => false,
        };
    }
}
