using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KernelGen.Generator.Analysis
{
    /// <summary>
    /// Finds the length of a buffer argument when the compiler can know it, and only then: array creations and
    /// <c>stackalloc</c> with a constant size (any constant expression, so <c>{Method}Lengths</c> constants and
    /// arithmetic on them), array initializers and collection expressions, a local or a readonly field whose only
    /// assignment is its initializer, and <c>AsSpan</c>, <c>Slice</c>, span constructors and ranges with constant
    /// bounds on such a buffer. Anything else is unknown (null), so that the analyzer never guesses.
    /// </summary>
    internal static class BufferLengths
    {
        /// <summary>Locals and fields lead to other expressions; a chain this long is not worth following.</summary>
        private const int MaximumDepth = 8;

        public static KnownLength? Of(IOperation operation, Compilation compilation) => Of(operation, compilation, 0);

        private static KnownLength? Of(IOperation? operation, Compilation compilation, int depth)
        {
            if (operation is null || depth > MaximumDepth)
            {
                return null;
            }

            // Forms that Roslyn 4.8 has no operation for are read from the syntax.
            if (FromSyntax(operation, compilation, depth) is { } fromSyntax)
            {
                return fromSyntax;
            }

            switch (operation)
            {
                case IConversionOperation conversion:
                    // Array to span, span to read-only span, user-defined implicit conversions between them: the
                    // length stays. A conversion to anything else (an object, an interface) ends the trail.
                    return IsBufferType(conversion.Type) && IsBufferType(conversion.Operand.Type) ? Of(conversion.Operand, compilation, depth + 1) : null;

                case IArrayCreationOperation creation when creation.DimensionSizes.Length == 1:
                    return FromArrayCreation(creation);

                case ILocalReferenceOperation local:
                    return FromLocal(local.Local, operation.SemanticModel, compilation, depth);

                case IFieldReferenceOperation field:
                    return FromField(field.Field, operation.SemanticModel, compilation, depth);

                case IInvocationOperation invocation:
                    return FromInvocation(invocation, compilation, depth);

                case IObjectCreationOperation created:
                    return FromSpanConstructor(created, compilation, depth);

                case IImplicitIndexerReferenceOperation { Argument: IRangeOperation range } indexer:
                    return Sliced(Of(indexer.Instance, compilation, depth + 1), range, operation.Syntax);

                case IArrayElementReferenceOperation { Indices.Length: 1 } element when element.Indices[0] is IRangeOperation range:
                    return Sliced(Of(element.ArrayReference, compilation, depth + 1), range, operation.Syntax);

                default:
                    return null;
            }
        }

        private static bool IsBufferType(ITypeSymbol? type) =>
            type is IArrayTypeSymbol { Rank: 1 }
            || (type is INamedTypeSymbol { IsGenericType: true } named && named.ConstructedFrom.ToDisplayString() is "System.Span<T>" or "System.ReadOnlySpan<T>");

        private static KnownLength? FromArrayCreation(IArrayCreationOperation creation)
        {
            SyntaxNode syntax = creation.Syntax;
            if (creation.DimensionSizes[0].ConstantValue is { HasValue: true, Value: int size })
            {
                // new float[N] { ... } must have N elements anyway; an implicit size (new[] { ... }) is a constant too.
                bool written = creation.DimensionSizes[0].Syntax is ExpressionSyntax expression && !expression.IsKind(SyntaxKind.OmittedArraySizeExpression)
                    && syntax is ArrayCreationExpressionSyntax && creation.Initializer is null;
                return size < 0 ? null : new KnownLength(size, KnownLength.Describe(syntax), written ? creation.DimensionSizes[0].Syntax : null);
            }

            return null;
        }

        /// <summary><c>stackalloc</c> and collection expressions.</summary>
        private static KnownLength? FromSyntax(IOperation operation, Compilation compilation, int depth)
        {
            SyntaxNode syntax = operation.Syntax;
            SemanticModel? model = operation.SemanticModel;
            if (model is null)
            {
                return null;
            }

            switch (syntax)
            {
                case StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax { RankSpecifiers.Count: 1 } type } stackAllocation
                    when type.RankSpecifiers[0].Sizes.Count == 1:
                    ExpressionSyntax sizeSyntax = type.RankSpecifiers[0].Sizes[0];
                    if (sizeSyntax.IsKind(SyntaxKind.OmittedArraySizeExpression))
                    {
                        return stackAllocation.Initializer is { } initializer ? new KnownLength(initializer.Expressions.Count, KnownLength.Describe(syntax), null) : null;
                    }

                    return model.GetConstantValue(sizeSyntax) is { HasValue: true, Value: int size } && size >= 0
                        ? new KnownLength(size, KnownLength.Describe(syntax), stackAllocation.Initializer is null ? sizeSyntax : null)
                        : null;

                case ImplicitStackAllocArrayCreationExpressionSyntax implicitStackalloc:
                    return new KnownLength(implicitStackalloc.Initializer.Expressions.Count, KnownLength.Describe(syntax), null);

                case CollectionExpressionSyntax collection:
                    return FromCollectionExpression(collection, model, compilation, depth);

                default:
                    return null;
            }
        }

        /// <summary>Its elements, each spread counted by its own known length; unknown if any spread is.</summary>
        private static KnownLength? FromCollectionExpression(CollectionExpressionSyntax collection, SemanticModel model, Compilation compilation, int depth)
        {
            long count = 0;
            foreach (CollectionElementSyntax element in collection.Elements)
            {
                if (element is ExpressionElementSyntax)
                {
                    count++;
                }
                else if (element is SpreadElementSyntax spread && model.GetOperation(spread.Expression) is { } spreadOperation
                    && Of(spreadOperation, compilation, depth + 1) is { } spreadLength)
                {
                    count += spreadLength.Length;
                }
                else
                {
                    return null;
                }
            }

            string origin = collection.Elements.Count <= 8 ? KnownLength.Describe(collection) : $"a collection expression of {count} elements";
            return new KnownLength(count, origin, null);
        }

        private static KnownLength? FromLocal(ILocalSymbol local, SemanticModel? model, Compilation compilation, int depth)
        {
            if (local.IsRef || model is null || local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer: { } initializer } declarator)
            {
                return null;
            }

            // The whole member (or the top-level statements) is the scope that lambdas and local functions share.
            SyntaxNode scope = declarator.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax and not GlobalStatementSyntax) ?? declarator.SyntaxTree.GetRoot();
            if (Reassignments.Any(scope, local.Name))
            {
                return null;
            }

            return Named(local.Name, Of(model.GetOperation(initializer.Value), compilation, depth + 1));
        }

#pragma warning disable RS1030 // The initializer of a field declared in another file than the call needs that file's model.
        private static SemanticModel NewModel(Compilation compilation, SyntaxTree tree) => compilation.GetSemanticModel(tree);
#pragma warning restore RS1030

        private static KnownLength? FromField(IFieldSymbol field, SemanticModel? callModel, Compilation compilation, int depth)
        {
            if (!field.IsReadOnly || field.DeclaringSyntaxReferences.Length != 1
                || field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer: { } initializer })
            {
                return null;
            }

            // A readonly field can be assigned again only in its type's constructors and init accessors, and, in a
            // struct, by any member that assigns 'this': look there, in every part of the type.
            bool isStruct = field.ContainingType.TypeKind == TypeKind.Struct;
            foreach (SyntaxReference part in field.ContainingType.DeclaringSyntaxReferences)
            {
                if (part.GetSyntax() is not TypeDeclarationSyntax type)
                {
                    return null;
                }

                foreach (MemberDeclarationSyntax member in type.Members)
                {
                    bool canAssign = isStruct || member is ConstructorDeclarationSyntax
                        || (member is PropertyDeclarationSyntax property && property.AccessorList?.Accessors.Any(a => a.IsKind(SyntaxKind.InitAccessorDeclaration)) == true);
                    if (canAssign && Reassignments.Any(member, field.Name))
                    {
                        return null;
                    }
                }
            }

            SyntaxTree tree = initializer.SyntaxTree;
            if (!compilation.ContainsSyntaxTree(tree))
            {
                return null;
            }

            // Usually the call's own model; another file's only for a field declared there.
            SemanticModel model = callModel?.SyntaxTree == tree ? callModel : NewModel(compilation, tree);
            return Named(field.Name, Of(model.GetOperation(initializer.Value), compilation, depth + 1));
        }

        private static KnownLength? Named(string name, KnownLength? value) =>
            value is null ? null : value with { Origin = $"{name} = {value.Origin}" };

        /// <summary><c>MemoryExtensions.AsSpan</c> on an array, and <c>Slice</c> on a span.</summary>
        private static KnownLength? FromInvocation(IInvocationOperation invocation, Compilation compilation, int depth)
        {
            IMethodSymbol method = invocation.TargetMethod;
            var arguments = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? int.MaxValue).Select(a => a.Value).ToList();
            IOperation? buffer;
            List<IOperation> bounds;
            if (method.Name == "AsSpan" && method.ContainingType?.ToDisplayString() == "System.MemoryExtensions"
                && method.Parameters.Length >= 1 && method.Parameters[0].Type is IArrayTypeSymbol && arguments.Count == method.Parameters.Length)
            {
                buffer = arguments[0];
                bounds = arguments.Skip(1).ToList();
            }
            else if (method.Name == "Slice" && IsBufferType(method.ContainingType) && invocation.Instance is not null)
            {
                buffer = invocation.Instance;
                bounds = arguments;
            }
            else
            {
                return null;
            }

            KnownLength? whole = Of(buffer, compilation, depth + 1);
            if (whole is null)
            {
                return null;
            }

            if (bounds.Count == 0)
            {
                return whole;
            }

            if (bounds.Count == 1 && Unwrap(bounds[0]) is IRangeOperation range)
            {
                return Sliced(whole, range, invocation.Syntax);
            }

            return StartAndLength(whole, bounds, invocation.Syntax);
        }

        /// <summary><c>new Span&lt;T&gt;(array)</c> and <c>new Span&lt;T&gt;(array, start, length)</c>, and the read-only ones.</summary>
        private static KnownLength? FromSpanConstructor(IObjectCreationOperation created, Compilation compilation, int depth)
        {
            if (!IsBufferType(created.Type) || created.Constructor is not { } constructor
                || constructor.Parameters.Length is not (1 or 3) || constructor.Parameters[0].Type is not IArrayTypeSymbol)
            {
                return null;
            }

            var arguments = created.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? int.MaxValue).Select(a => a.Value).ToList();
            KnownLength? whole = Of(arguments[0], compilation, depth + 1);
            return whole is null || arguments.Count == 1 ? whole : StartAndLength(whole, arguments.Skip(1).ToList(), created.Syntax);
        }

        /// <summary>(start) or (start, length), each a constant or a from-start index; null when out of range (the call throws).</summary>
        private static KnownLength? StartAndLength(KnownLength whole, List<IOperation> bounds, SyntaxNode syntax)
        {
            long? start = IndexFromStart(bounds[0], whole.Length);
            if (start is not { } s || s < 0 || s > whole.Length)
            {
                return null;
            }

            long length = whole.Length - s;
            if (bounds.Count == 2)
            {
                if (Unwrap(bounds[1]).ConstantValue is not { HasValue: true, Value: int given } || given < 0 || s + given > whole.Length)
                {
                    return null;
                }

                length = given;
            }

            return new KnownLength(length, Sliced(syntax, whole), null);
        }

        private static KnownLength? Sliced(KnownLength? whole, IRangeOperation range, SyntaxNode syntax)
        {
            if (whole is null)
            {
                return null;
            }

            long? start = range.LeftOperand is null ? 0 : IndexFromStart(range.LeftOperand, whole.Length);
            long? end = range.RightOperand is null ? whole.Length : IndexFromStart(range.RightOperand, whole.Length);
            if (start is not { } s || end is not { } e || s < 0 || e > whole.Length || s > e)
            {
                return null;
            }

            return new KnownLength(e - s, Sliced(syntax, whole), null);
        }

        private static string Sliced(SyntaxNode syntax, KnownLength whole) => $"{KnownLength.Describe(syntax)} of {whole.Origin}";

        /// <summary>A constant int, or a constant <c>^n</c>, as a position from the start of a buffer of <paramref name="length"/>.</summary>
        private static long? IndexFromStart(IOperation operation, long length)
        {
            IOperation value = Unwrap(operation);
            if (value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat } hat)
            {
                return Unwrap(hat.Operand).ConstantValue is { HasValue: true, Value: int fromEnd } ? length - fromEnd : null;
            }

            return value.ConstantValue is { HasValue: true, Value: int fromStart } ? fromStart : null;
        }

        /// <summary>Implicit conversions (int to Index, for one) do not change a bound.</summary>
        private static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}
