using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Parsing
{
    /// <summary>
    /// Reads a kernel method's declaration: its form, its containing types, its parameters and their [Shape]s.
    /// The only place besides <see cref="AttributeArguments"/> that touches symbols and syntax.
    /// </summary>
    internal static class MethodParser
    {
        public const string ShapeAttributeName = "KernelGen.ShapeAttribute";

        /// <summary>Returns null, with the reasons added to <paramref name="diagnostics"/>, when no code can be generated.</summary>
        public static ParsedKernel? Parse(GeneratorAttributeSyntaxContext context, KernelOperator op, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.Attributes.Length != 1)
            {
                return null;
            }

            if (context.TargetNode is not MethodDeclarationSyntax syntax)
            {
                // A local function or a lambda cannot be partial: nothing would ever compute its output.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMethod, LocationInfo.From(context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken)),
                    method.MethodKind == MethodKind.LambdaMethod ? "lambda" : method.Name,
                    "a static partial void method declared in a type; a local function or a lambda cannot be partial, so KernelGen cannot write its body"));
                return null;
            }

            // A type the compiler cannot resolve (a missing 'using System;' makes every span one) is the compiler's error,
            // CS0246, at each use: a KernelGen error about the same parameters, or a part repeating them, would add more.
            if (method.Parameters.Any(parameter => ContainsErrorType(parameter.Type)) || ContainsErrorType(method.ReturnType))
            {
                return null;
            }

            AttributeArguments? attribute = AttributeArguments.Read(context.Attributes[0], cancellationToken);
            if (attribute is null)
            {
                return null;
            }

            LocationInfo? methodLocation = LocationInfo.From(syntax.Identifier.GetLocation());
            if (!CheckMethodForm(method, syntax, op, methodLocation, diagnostics) || ReadHierarchy(method, syntax, diagnostics) is not { } hierarchy
                || !CheckGeneratedNames(method, methodLocation, diagnostics))
            {
                return null;
            }

            return ReadParameters(method, syntax, op, hierarchy, attribute, methodLocation, diagnostics);
        }

        private static bool ContainsErrorType(ITypeSymbol type) => type switch
        {
            { TypeKind: TypeKind.Error } => true,
            INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType),
            IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
            IPointerTypeSymbol pointer => ContainsErrorType(pointer.PointedAtType),
            _ => false,
        };

        /// <summary>False when no code can be generated; the reasons, if any are to be reported here, go to <paramref name="diagnostics"/>.</summary>
        private static bool CheckMethodForm(IMethodSymbol method, MethodDeclarationSyntax syntax, KernelOperator op, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            int errorsBefore = diagnostics.Count;
            var kernelAttributes = method.GetAttributes().Select(a => a.AttributeClass?.ToDisplayString()).Where(KernelOperator.IsKernelAttribute).ToList();
            if (kernelAttributes.Count > 1)
            {
                // Every operator's pipeline sees this method; only the first attribute's reports it, once.
                if (kernelAttributes[0] == op.AttributeName)
                {
                    // The attributes as written, [Upsample] for KernelGen.UpsampleAttribute, whichever operators there are.
                    string Written(string? name) => "[" + name!.Substring("KernelGen.".Length, name.Length - "KernelGen.".Length - "Attribute".Length) + "]";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleKernelAttributes, location, method.Name,
                        string.Join(", ", kernelAttributes.Take(kernelAttributes.Count - 1).Select(Written)) + " and " + Written(kernelAttributes[kernelAttributes.Count - 1])));
                }

                return false;
            }

            bool isPartial = syntax.Modifiers.Any(SyntaxKind.PartialKeyword);
            bool hasBody = syntax.Body is not null || syntax.ExpressionBody is not null;
            // One reason per rule, so that the message names the fix.
            string? reason = hasBody || method.PartialImplementationPart is not null ? "a partial declaration without a body: KernelGen writes the body, remove yours"
                : !isPartial ? "declared 'partial': KernelGen writes its body in a part of its own"
                : !method.IsStatic ? "'static': a kernel reads and writes only its spans"
                : !method.ReturnsVoid ? "'void': a kernel writes into its output span and returns nothing"
                : null;
            if (reason is not null)
            {
                var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMethod, location, method.Name, reason);
                // A declaration that lacks only modifiers gets a fix that adds them, both at once.
                string missing = string.Join(" ", new[] { method.IsStatic ? null : "static", isPartial ? null : "partial" }.Where(m => m is not null));
                diagnostics.Add(!hasBody && method.PartialImplementationPart is null && method.ReturnsVoid && missing.Length > 0
                    ? diagnostic.WithProperty(FixProperties.MissingModifiers, missing)
                    : diagnostic);
            }
            else if (syntax.Modifiers.Any(SyntaxKind.ExternKeyword) || syntax.Modifiers.Any(SyntaxKind.AsyncKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMethod, location, method.Name,
                    "declared without 'extern' and 'async': an extern partial method is already an implementation, and KernelGen's body does not await"));
            }
            else if (method.IsGenericMethod)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMethod, location, method.Name,
                    "non-generic: its element type and shapes are fixed by its parameters"));
            }
            // Only members the user declared: a record's compiler-written ToString, Equals or GetHashCode takes no name
            // KernelGen generates, so a kernel of that name is no overload to refuse.
            else if (method.ContainingType.GetMembers(method.Name).Count(member => !member.IsImplicitlyDeclared) > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OverloadedKernel, location, method.Name));
            }

            return diagnostics.Count == errorsBefore;
        }

        /// <summary>
        /// The containing types as the generated part must reopen them, read from the symbols (names escaped, type
        /// parameters with their variance and nothing else), and the namespace; null when a type cannot be reopened.
        /// </summary>
        public static TypeHierarchy? ReadHierarchy(IMethodSymbol method, MethodDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics)
        {
            var types = new List<ContainingType>();
            INamedTypeSymbol? symbol = method.ContainingType;
            for (SyntaxNode? node = syntax.Parent; node is not null && symbol is not null; node = node.Parent)
            {
                if (node is not TypeDeclarationSyntax type)
                {
                    continue;
                }

                // A type declared without 'partial' is reopened as partial all the same: the compiler then reports CS0260
                // ("missing partial modifier") once at that declaration, its one error; without the generated part it
                // would report two errors for each kernel in it (CS0751, CS8795) and one for each use of a generated member.
                LocationInfo? typeLocation = LocationInfo.From(type.Identifier.GetLocation());
                // The generated part is another file, so a file-local type cannot be reopened there; and the lengths
                // class it declares is a class, which an interface with variant type parameters cannot contain.
                string? unsupported = type.Modifiers.Any(SyntaxKind.FileKeyword)
                    ? "is file-local ('file'): the generated part lives in another file, where this type does not exist"
                    : symbol.TypeKind == TypeKind.Interface && symbol.TypeParameters.Any(t => t.Variance != VarianceKind.None)
                        ? "is an interface with 'in' or 'out' type parameters, which cannot contain the generated lengths class"
                        : null;
                if (unsupported is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedContainingType, typeLocation, type.Identifier.ValueText, method.Name, unsupported));
                    return null;
                }

                string keyword = type switch
                {
                    RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
                    RecordDeclarationSyntax => "record",
                    _ => type.Keyword.ValueText,
                };
                string typeParameters = symbol.TypeParameters.Length == 0 ? string.Empty
                    : "<" + string.Join(", ", symbol.TypeParameters.Select(t => Variance(t.Variance) + Identifiers.Escape(t.Name))) + ">";
                types.Insert(0, new ContainingType(keyword, Identifiers.Escape(symbol.Name), typeParameters));
                symbol = symbol.ContainingType;
            }

            var namespaces = new List<string>();
            for (INamespaceSymbol? ns = method.ContainingType.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                namespaces.Insert(0, Identifiers.Escape(ns.Name));
            }

            return new TypeHierarchy(namespaces.Count == 0 ? null : string.Join(".", namespaces), types.ToEquatableArray());
        }

        private static string Variance(VarianceKind variance) => variance switch
        {
            VarianceKind.In => "in ",
            VarianceKind.Out => "out ",
            _ => string.Empty,
        };

        /// <summary>
        /// KernelGen adds two names to the type of kernel M, <c>MLengths</c> and <c>MImplementation</c> (every helper is
        /// nested in the second); a member or containing type of the user's with one of these names would clash, so it
        /// is reported instead of producing code that does not compile. The compilation the generator sees holds no
        /// generated member, so every name found is the user's.
        /// </summary>
        private static bool CheckGeneratedNames(IMethodSymbol method, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            string[] generated = KernelSignature.GeneratedNamesOf(method.Name);
            bool Reserved(string name) => generated.Contains(name);
            var clashes = method.ContainingType.GetMembers().Select(member => member.Name).Where(Reserved).ToList();
            for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                if (Reserved(type.Name))
                {
                    clashes.Add(type.Name);
                }
            }

            if (clashes.Count == 0)
            {
                return true;
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, location, method.Name, string.Join("', '", clashes.Distinct().OrderBy(n => n, System.StringComparer.Ordinal)),
                $"'{generated[0]}', '{generated[1]}' and '{generated[2]}'"));
            return false;
        }

        private static ParsedKernel? ReadParameters(IMethodSymbol method, MethodDeclarationSyntax syntax, KernelOperator op, TypeHierarchy hierarchy,
            AttributeArguments attribute, LocationInfo? methodLocation, List<DiagnosticInfo> diagnostics)
        {
            var parameters = method.Parameters;
            int first = 0;
            string? batch = null;
            if (parameters.Length > 0 && parameters[0].Type.SpecialType == SpecialType.System_Int32 && parameters[0].RefKind == RefKind.None)
            {
                batch = Identifiers.Escape(parameters[0].Name);
                first = 1;
                if (parameters[0].GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ShapeAttributeName) is { } misplaced)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameters, LocationInfo.From(misplaced.ApplicationSyntaxReference?.GetSyntax()),
                        $"[Shape] belongs on the input and the output only; '{parameters[0].Name}' is the batch count, which the shapes do not include"));
                    return null;
                }
            }

            // An integer anywhere else is a batch count in the wrong form: say so, rather than count it as a buffer.
            for (int i = first; i < parameters.Length; i++)
            {
                if (parameters[i].Type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_UInt64)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameters, LocationInfo.From(syntax.ParameterList.Parameters[i]),
                        $"Parameter '{parameters[i].Name}' looks like a batch count: the batch count must be an int, passed by value, and come first; it is {parameters[i].ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} at position {i + 1}"));
                    return null;
                }
            }

            int buffers = parameters.Length - first;
            bool slope = op.TakesSlope(attribute);
            bool residual = ResidualMarker.AnyMarked(method);
            if (residual && !op.TakesResidual)
            {
                AttributeData mark = parameters.Select(ResidualMarker.Mark).First(m => m is not null)!;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameters, LocationInfo.From(mark.ApplicationSyntaxReference?.GetSyntax()),
                    $"[Residual] belongs to the weighted layers ([Conv], [ConvTranspose], [Conv1x1], [Linear]), which add it before their activation; add a residual to this kernel's output with a following [Add]"));
                return null;
            }

            if (!op.AcceptsBuffers(buffers, slope, residual))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameters, methodLocation,
                    $"Kernel method '{method.Name}' takes {op.ParameterDescription}, but it has {buffers} buffer parameter(s)"));
                return null;
            }

            IReadOnlyList<string> roles = op.BufferRoles(buffers, slope, residual);

            ElementType? elementType = null;
            EquatableArray<int>? inputShape = null, outputShape = null, otherShape = null, slopeShape = null, residualShape = null;
            LocationInfo? inputShapeLocation = null, outputShapeLocation = null, otherShapeLocation = null, slopeShapeLocation = null, residualShapeLocation = null;
            int errorsBefore = diagnostics.Count;
            for (int i = 0; i < roles.Count; i++)
            {
                IParameterSymbol parameter = parameters[first + i];
                LocationInfo? parameterLocation = LocationInfo.From(syntax.ParameterList.Parameters[first + i]);
                string role = roles[i];
                bool isOutput = role == "output";
                ElementType? type = ReadSpanType(parameter, isOutput);
                if (type is null || (elementType is not null && type != elementType))
                {
                    string element = elementType is null ? "float or double" : (elementType == ElementType.Float ? "float" : "double");
                    string expected = isOutput ? $"Span<{element}>" : $"ReadOnlySpan<{element}>";
                    string rule = type is not null && elementType is not null
                        ? $"every buffer has the input's element type, {element}"
                        : $"the parameters come in the order {op.ParameterDescription}";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameters, parameterLocation,
                        $"Parameter '{parameter.Name}' is the {role}, so it must be a {expected} passed by value ({rule}); it is {parameter.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}"));
                    continue;
                }

                elementType ??= type;
                AttributeData? shape = parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ShapeAttributeName);
                if (role != "residual" && ResidualMarker.Mark(parameter) is { } mark)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameters, LocationInfo.From(mark.ApplicationSyntaxReference?.GetSyntax()) ?? parameterLocation,
                        $"[Residual] marks the buffer added before the activation, which comes after the weight and any bias and before {(slope ? "the slopes and " : string.Empty)}the output; '{parameter.Name}' is the {role}"));
                    continue;
                }

                if (role == "residual")
                {
                    // The output's shape, which a [Shape] may repeat (checked against the output below).
                    if (shape is not null)
                    {
                        LocationInfo? residualLocation = LocationInfo.From(shape.ApplicationSyntaxReference?.GetSyntax()) ?? parameterLocation;
                        (residualShape, residualShapeLocation) = ((ShapeValues(shape) ?? new int[0]).ToEquatableArray(), residualLocation);
                    }

                    continue;
                }

                if (role == "slope")
                {
                    // PReLU's slopes: one per output channel unless [Shape(1)] says one for all (checked against the output below).
                    if (shape is not null)
                    {
                        LocationInfo? slopeLocation = LocationInfo.From(shape.ApplicationSyntaxReference?.GetSyntax()) ?? parameterLocation;
                        // Its dimensions as written; which of them are valid is checked against the output below.
                        (slopeShape, slopeShapeLocation) = ((ShapeValues(shape) ?? new int[0]).ToEquatableArray(), slopeLocation);
                    }

                    continue;
                }

                if (role is "weight" or "bias")
                {
                    if (shape is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameters, LocationInfo.From(shape.ApplicationSyntaxReference?.GetSyntax()),
                            $"[Shape] belongs on the input and the output only; the {role} '{parameter.Name}' has the layout the operator defines"));
                    }

                    continue;
                }

                if (shape is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingShape, parameterLocation, parameter.Name));
                    continue;
                }

                LocationInfo? shapeLocation = LocationInfo.From(shape.ApplicationSyntaxReference?.GetSyntax()) ?? parameterLocation;
                EquatableArray<int>? dims = ReadShape(shape, parameter.Name, op, shapeLocation, diagnostics);
                if (isOutput)
                {
                    (outputShape, outputShapeLocation) = (dims, shapeLocation);
                }
                else if (role == "other")
                {
                    (otherShape, otherShapeLocation) = (dims, shapeLocation);
                }
                else
                {
                    (inputShape, inputShapeLocation) = (dims, shapeLocation);
                }
            }

            if (diagnostics.Count > errorsBefore || inputShape is null || outputShape is null || elementType is null || (op.HasOther && otherShape is null))
            {
                return null;
            }

            if (otherShape is { } other && other.Count != inputShape.Value.Count)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, otherShapeLocation, parameters[first + 1].Name,
                    $"has {other.Count} dimension(s), but the input's has {inputShape.Value.Count}: give every dimension, 1 where a value is shared along it (as PyTorch broadcasts [C, 1, 1] over [C, H, W])"));
                return null;
            }

            if (slope && slopeShape is { } slopes && !(slopes.Count == 1 && (slopes[0] == 1 || slopes[0] == outputShape.Value[0])))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, slopeShapeLocation, parameters[first + roles.Count - 2].Name,
                    $"is {ShapeText.Format(slopes)}: PReLU's slopes are [{Emit.Literals.Int(outputShape.Value[0])}], one per output channel (nn.PReLU(C), the default without a [Shape]), or [1], one for all (nn.PReLU())"));
                return null;
            }

            if (residualShape is { } residualDims && !residualDims.SequenceEqual(outputShape.Value))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, residualShapeLocation, parameters[first + roles.ToList().IndexOf("residual")].Name,
                    $"is {ShapeText.Format(residualDims)}: the residual is added to the output element by element, so it has the output's shape, {ShapeText.Format(outputShape.Value)} (or no [Shape], which means that)"));
                return null;
            }

            if (inputShape.Value.Count != outputShape.Value.Count)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, outputShapeLocation, roles[roles.Count - 1],
                    $"has {outputShape.Value.Count - 1} spatial dimension(s), but the input's has {inputShape.Value.Count - 1}"));
                return null;
            }

            var roleList = roles.ToList();
            string? RoleParameter(string role) => roleList.IndexOf(role) is int at and >= 0 ? Identifiers.Escape(parameters[first + at].Name) : null;

            var signature = new KernelSignature(
                hierarchy,
                method.Name,
                HintNames.For(method),
                Modifiers(syntax),
                parameters.Select(ParameterModifiers).ToEquatableArray(),
                elementType.Value,
                batch,
                Identifiers.Escape(parameters[first].Name),
                RoleParameter("weight"),
                RoleParameter("bias"),
                Identifiers.Escape(parameters[parameters.Length - 1].Name),
                inputShape.Value,
                outputShape.Value)
            {
                OtherParameter = RoleParameter("other"),
                SlopeParameter = RoleParameter("slope"),
                ResidualParameter = RoleParameter("residual"),
                SlopeShape = !slope ? EquatableArray<int>.Empty : slopeShape is { } given && given[0] == 1 ? given : new[] { outputShape.Value[0] }.ToEquatableArray(),
                OtherShape = otherShape ?? EquatableArray<int>.Empty,
            };
            return new ParsedKernel(signature, attribute, inputShapeLocation, outputShapeLocation, otherShapeLocation);
        }

        /// <summary>The method's modifiers as written, which the implementing part repeats: <c>public static partial</c>.</summary>
        public static string Modifiers(MethodDeclarationSyntax syntax) => string.Join(" ", syntax.Modifiers.Select(m => m.ValueText));

        /// <summary>What a partial implementation must repeat of a parameter's declaration before its type.</summary>
        public static string ParameterModifiers(IParameterSymbol parameter) =>
            (parameter.Ordinal == 0 && parameter.ContainingSymbol is IMethodSymbol { IsExtensionMethod: true } ? "this " : string.Empty)
            + (parameter.IsParams ? "params " : string.Empty)
            + (parameter.ScopedKind is ScopedKind.ScopedValue or ScopedKind.ScopedRef ? "scoped " : string.Empty);

        /// <summary>The element type of a <c>ReadOnlySpan&lt;T&gt;</c> (or <c>Span&lt;T&gt;</c> for the output) of float or double.</summary>
        private static ElementType? ReadSpanType(IParameterSymbol parameter, bool isOutput)
        {
            if (parameter.RefKind != RefKind.None || parameter.Type is not INamedTypeSymbol { IsGenericType: true } type || type.TypeArguments.Length != 1)
            {
                return null;
            }

            string definition = type.ConstructedFrom.ToDisplayString();
            if (definition != (isOutput ? "System.Span<T>" : "System.ReadOnlySpan<T>"))
            {
                return null;
            }

            return type.TypeArguments[0].SpecialType switch
            {
                SpecialType.System_Single => ElementType.Float,
                SpecialType.System_Double => ElementType.Double,
                _ => null,
            };
        }

        /// <summary>A [Shape]'s dimensions when they are valid; null, with the reason in <paramref name="diagnostics"/>, when not.</summary>
        /// <summary>A <c>[Shape]</c>'s values as written (0 for one that is not a constant int); null when it has none or they are null.</summary>
        private static int[]? ShapeValues(AttributeData shape) =>
            shape.ConstructorArguments.Length == 1 && shape.ConstructorArguments[0].Kind == TypedConstantKind.Array && !shape.ConstructorArguments[0].IsNull
                ? shape.ConstructorArguments[0].Values.Select(v => v.Value is int d ? d : 0).ToArray()
                : null;

        /// <param name="op">The operator, whose buffers' ranks (<see cref="KernelOperator.BufferRanks"/>) a shape must have.</param>
        public static EquatableArray<int>? ReadShape(AttributeData shape, string parameterName, KernelOperator op, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            if (shape.ConstructorArguments.Length != 1 || shape.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                return null;
            }

            if (ShapeValues(shape) is not { } dims)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, location, parameterName,
                    "is null; give its dimensions, channels first, such as [Shape(3, 32, 32)]"));
                return null;
            }

            if (dims.Length < op.BufferRanks.Min || dims.Length > op.BufferRanks.Max)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, location, parameterName,
                    $"has {dims.Length} dimension(s); {op.BufferRanks.Rule}"));
                return null;
            }

            for (int i = 0; i < dims.Length; i++)
            {
                if (dims[i] < 1)
                {
                    string dimension = i == 0 ? "C, the channels" : ShapeText.AxisName(dims.Length - 1, i - 1);
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, location, parameterName,
                        $"has {dims[i]} for {dimension} (dimension {i + 1} of {dims.Length}); every dimension must be at least 1"));
                    return null;
                }
            }

            long count = ShapeText.ElementCount(dims);
            if (count > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeTooLarge, location, "[Shape] " + ShapeText.Format(dims), parameterName, ShapeText.ExactElementCount(dims), DiagnosticDescriptors.SpanLimit));
                return null;
            }

            return new EquatableArray<int>(dims);
        }
    }
}
