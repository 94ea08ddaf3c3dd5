using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;
using KernelGen.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Analysis
{
    /// <summary>One span parameter of a generated kernel, as a call must fill it.</summary>
    /// <param name="Constant">The <c>{Method}Lengths</c> constant that holds <paramref name="Length"/>.</param>
    internal sealed record CalleeBuffer(int Ordinal, string Name, string Role, int Length, int[] Shape, IFieldSymbol Constant)
    {
        /// <summary>Input, a second operand and output hold one slice per sample of a batch; weight, bias and slopes are shared by all samples.</summary>
        public bool PerSample => KernelBuffer.IsPerSample(Role);

        public string Verb => Role == "output" ? "writes" : "reads";
    }

    /// <summary>
    /// A kernel method as its callers see it, read from the symbols only: the kernel attribute on the declaration,
    /// and the generated <c>{Method}Lengths</c> class, whose constants carry each buffer's length and (in their
    /// <c>[Shape]</c>) its shape. So the call-site check uses exactly what the generator wrote, and says nothing about a
    /// kernel the generator rejected (the lengths class it writes for one has no <c>[Shape]</c>s).
    /// </summary>
    internal sealed class KernelCallee
    {
        private const string ShapeAttributeName = "KernelGen.ShapeAttribute";

        private KernelCallee(string name, int? batchOrdinal, IReadOnlyList<CalleeBuffer> buffers)
        {
            Name = name;
            BatchOrdinal = batchOrdinal;
            Buffers = buffers;
        }

        public string Name { get; }

        /// <summary>The ordinal of the leading <c>int</c> batch count, when the kernel has one.</summary>
        public int? BatchOrdinal { get; }

        public IReadOnlyList<CalleeBuffer> Buffers { get; }

        /// <summary>The kernel <paramref name="method"/> is, or null when it is not a kernel KernelGen generated.</summary>
        public static KernelCallee? Read(IMethodSymbol method)
        {
            IMethodSymbol declaration = method.PartialDefinitionPart ?? method;
            if (!declaration.IsStatic || declaration.ContainingType is not { } type)
            {
                return null;
            }

            KernelOperator? op = null;
            bool slope = false;
            foreach (AttributeData attribute in declaration.GetAttributes())
            {
                if (KernelOperator.ForAttribute(attribute.AttributeClass?.ToDisplayString()) is { } found)
                {
                    op = found;
                    slope = AttributeArguments.Read(attribute, default) is { } args && found.TakesSlope(args);
                    break;
                }
            }

            if (op is null || type.GetTypeMembers(KernelSignature.LengthsClassOf(declaration.Name)).FirstOrDefault() is not { } lengths)
            {
                return null;
            }

            var parameters = declaration.Parameters;
            int first = parameters.Length > 0 && parameters[0].Type.SpecialType == SpecialType.System_Int32 ? 1 : 0;
            int count = parameters.Length - first;
            bool residual = ResidualMarker.AnyMarked(declaration);
            if (!op.AcceptsBuffers(count, slope, residual))
            {
                return null;
            }

            IReadOnlyList<string> roles = op.BufferRoles(count, slope, residual);
            var buffers = new List<CalleeBuffer>();
            for (int i = 0; i < roles.Count; i++)
            {
                if (lengths.GetMembers(KernelBuffer.ConstantNameOf(roles[i])).FirstOrDefault() is not IFieldSymbol { HasConstantValue: true, ConstantValue: int length } constant
                    || ShapeOf(constant) is not { } shape)
                {
                    return null;
                }

                IParameterSymbol parameter = parameters[first + i];
                buffers.Add(new CalleeBuffer(parameter.Ordinal, parameter.Name, roles[i], length, shape, constant));
            }

            return new KernelCallee(declaration.Name, first == 1 ? 0 : null, buffers);
        }

        private static int[]? ShapeOf(IFieldSymbol constant)
        {
            AttributeData? shape = constant.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ShapeAttributeName);
            if (shape is null || shape.ConstructorArguments.Length != 1 || shape.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                return null;
            }

            return shape.ConstructorArguments[0].Values.Select(v => v.Value is int d ? d : 0).ToArray();
        }
    }
}
