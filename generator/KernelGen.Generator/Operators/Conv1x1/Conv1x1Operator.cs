using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Conv1x1
{
    /// <summary><c>[Conv1x1]</c>: PyTorch's <c>conv{1,2,3}d</c> with a kernel of 1, a matrix product over channels.</summary>
    internal sealed class Conv1x1Operator : KernelOperator
    {
        public static readonly Conv1x1Operator Instance = new();

        public override string AttributeName => "KernelGen.Conv1x1Attribute";

        public override bool HasWeight => true;

        public override string Name(int spatialRank, OperatorSpec spec) => $"Conv1x1 {spatialRank}d";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            AttributeArguments args = kernel.Attribute;
            KernelSignature signature = kernel.Signature;
            int groups = args.GetInt("Groups", 1);
            int inputChannels = signature.InputShape[0], outputChannels = signature.OutputShape[0];
            if (groups < 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Groups"), "Groups", "at least 1", groups));
                return null;
            }

            if (inputChannels % groups != 0 || outputChannels % groups != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GroupsDoNotDivide, args.LocationOf("Groups"), groups, inputChannels, outputChannels));
                return null;
            }

            var spatialInput = signature.InputShape.Skip(1).ToArray();
            var spatialOutput = signature.OutputShape.Skip(1).ToArray();
            if (!spatialInput.SequenceEqual(spatialOutput))
            {
                long[] computedShape = new[] { outputChannels }.Concat(spatialInput).Select(d => (long)d).ToArray();
                string arithmetic = string.Join("; ", Enumerable.Range(0, signature.SpatialRank).Select(axis =>
                    $"{ShapeText.AxisName(signature.SpatialRank, axis)}: kept = {Literals.Int(spatialInput[axis])}"));
                diagnostics.Add(OutputShapes.Mismatch(kernel, computedShape, "a 1x1 convolution keeps the spatial size, " + arithmetic));
                return null;
            }

            return new Conv1x1Spec(groups);
        }

        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec) =>
            (long)signature.OutputShape[0] * (signature.InputShape[0] / ((Conv1x1Spec)spec).Groups) * Positions(signature);

        public override int[] WeightShape(KernelSignature signature, OperatorSpec spec) =>
            new[] { signature.OutputShape[0], signature.InputShape[0] / ((Conv1x1Spec)spec).Groups };

        public override string WeightLayout(int spatialRank) => "C_out, C_in/groups";

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            int groups = ((Conv1x1Spec)spec).Groups;
            int cin = signature.InputShape[0], cout = signature.OutputShape[0];
            yield return string.Empty;
            yield return $"As PyTorch's conv{signature.SpatialRank}d with a 1x1 kernel, groups {groups} (weight [C_out, C_in/groups, 1...] flattened).";
            yield return groups == 1
                ? $"A matrix product: output[{cout} x {Positions(signature)}] = weight[{cout} x {cin}] * input[{cin} x {Positions(signature)}]{(signature.BiasParameter is null ? string.Empty : " + bias")}."
                : $"{groups} matrix products, one per group: [{cout / groups} x {cin / groups}] * [{cin / groups} x {Positions(signature)}].";
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec)
        {
            int groups = ((Conv1x1Spec)spec).Groups;
            int cinPerGroup = signature.InputShape[0] / groups, coutPerGroup = signature.OutputShape[0] / groups;
            int positions = Positions(signature);
            bool hasBias = signature.BiasParameter is not null;
            for (int co = 0; co < signature.OutputShape[0]; co++)
            {
                int firstInput = co / coutPerGroup * cinPerGroup;
                for (int p = 0; p < positions; p++)
                {
                    var terms = Enumerable.Range(0, cinPerGroup).Select(j => Term.Weighted(((firstInput + j) * positions) + p, (co * cinPerGroup) + j)).ToList();
                    yield return new UnrolledOutput((co * positions) + p, hasBias ? co : -1, terms, p == 0 ? $"output channel {co}" : null);
                }
            }
        }

        /// <summary>
        /// One output channel at a time: start from the bias, then add each input channel's plane times its weight.
        /// The innermost loop runs over contiguous positions in both planes, which the JIT keeps simple.
        /// </summary>
        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => VectorWidth.All;

        /// <summary>The product's tiles store whole vectors of consecutive positions (its tail a scalar per position): every width adds the residual there.</summary>
        public override bool ResidualInRegisters(KernelSignature signature, OperatorSpec spec, VectorWidth width) => true;

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec)
        {
            int groups = ((Conv1x1Spec)spec).Groups;
            int cinPerGroup = signature.InputShape[0] / groups, coutPerGroup = signature.OutputShape[0] / groups;
            int positions = Positions(signature);
            string element = signature.ElementKeyword;
            VectorWidth.WriteDispatch(writer, signature.MethodName, signature.BiasParameter is null ? "input, weight, output" : "input, weight, bias, output",
                width => EpilogueOf(signature, spec, width));
            writer.WriteLine("// Without hardware vectors: one output channel at a time, each input channel's plane times its weight.");
            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "weight"));
            writer.WriteLine(Code.StartRef(element, "output"));
            using (writer.Block($"for (int co = 0; co < {signature.OutputShape[0]}; co++)"))
            {
                writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("co", positions)));
                writer.WriteLine($"output.Slice({Code.Times("co", positions)}, {positions}).Fill({(signature.BiasParameter is null ? Literals.Real(0, signature.ElementType) : "bias[co]")});");
                string firstInput = groups == 1 ? "0" : $"co / {coutPerGroup} * {cinPerGroup}";
                using (writer.Block($"for (int j = 0; j < {cinPerGroup}; j++)"))
                {
                    writer.WriteLine($"{element} w = {Code.At("weightStart", $"{Code.Times("co", cinPerGroup)} + j")};");
                    string channel = firstInput == "0" ? "j" : $"({firstInput} + j)";
                    writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times(channel, positions)));
                    using (writer.Block($"for (int p = 0; p < {positions}; p++)"))
                    {
                        writer.WriteLine($"{Code.At("y", "p")} += w * {Code.At("x", "p")};");
                    }
                }
            }
        }

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan)
        {
            if (plan.Form == KernelForm.Looped)
            {
                Conv1x1GemmEmitter.WriteMethods(writer, plan.Signature, (Conv1x1Spec)plan.Operator);
            }
        }

        private static int Positions(KernelSignature signature) => (int)ShapeText.ElementCount(signature.InputShape.Skip(1).ToArray());
    }
}
