using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;

namespace KernelGen.Generator.Emit
{
    /// <summary>One span parameter of a kernel as the emitter sees it: its role, the user's name for it, and its shape.</summary>
    internal sealed class KernelBuffer
    {
        public KernelBuffer(string role, string parameterName, int[] shape, string layout)
        {
            Role = role;
            ParameterName = parameterName;
            Shape = shape;
            Layout = layout;
            PerSample = IsPerSample(role);
            Length = (int)ShapeText.ElementCount(shape);
        }

        /// <summary><c>input</c>, <c>weight</c>, <c>bias</c>, <c>other</c>, <c>residual</c>, <c>slope</c> or <c>output</c>; also the name of the per-sample method's parameter.</summary>
        public string Role { get; }

        public string ParameterName { get; }

        public int[] Shape { get; }

        /// <summary>The names of the dimensions, such as <c>C_in, H, W</c>.</summary>
        public string Layout { get; }

        /// <summary>True for input, other, residual and output, which hold one slice per sample of a batch (<see cref="IsPerSample"/>).</summary>
        public bool PerSample { get; }

        public int Length { get; }

        /// <summary>The name of the constant in the lengths class: <c>Input</c>, <c>Weight</c>, <c>Bias</c>, <c>Output</c>.</summary>
        public string ConstantName => ConstantNameOf(Role);

        /// <summary>
        /// Whether a role's buffer holds one slice per sample of a batch: the input, a second operand, a residual and the output; the
        /// weight, the bias and PReLU's slopes are shared by every sample. The generated checks and the call-site analyzer both ask here.
        /// </summary>
        public static bool IsPerSample(string role) => role is "input" or "other" or "residual" or "output";

        /// <summary>The lengths constant of a role: <c>Input</c> for <c>input</c>. The call-site analyzer looks constants up by it.</summary>
        public static string ConstantNameOf(string role) => char.ToUpperInvariant(role[0]) + role.Substring(1);
    }

    internal static class KernelBuffers
    {
        public static List<KernelBuffer> Of(KernelSignature signature, OperatorSpec spec, KernelOperator op)
        {
            int rank = signature.SpatialRank;
            // A vector of features ([Linear]) has no spatial dimension to name.
            string spatial = string.Concat(Enumerable.Range(0, rank).Select(axis => ", " + ShapeText.AxisName(rank, axis)));
            string inputChannels = op.HasWeight ? "C_in" : "C";
            string outputChannels = op.HasWeight ? "C_out" : "C";
            var buffers = new List<KernelBuffer>
            {
                new("input", signature.InputParameter, signature.InputShape.ToArray(), $"{inputChannels}{spatial}"),
            };
            if (signature.WeightParameter is { } weight && op.WeightShape(signature, spec) is { } weightShape)
            {
                buffers.Add(new KernelBuffer("weight", weight, weightShape, op.WeightLayout(rank)));
            }

            if (signature.BiasParameter is { } bias)
            {
                buffers.Add(new KernelBuffer("bias", bias, new[] { signature.OutputShape[0] }, outputChannels));
            }

            if (signature.OtherParameter is { } other)
            {
                // Broadcast dimensions are 1 in the other operand's layout, as PyTorch writes [C, 1, 1].
                string otherLayout = string.Join(", ", signature.OtherShape.Select((d, axis) => d == 1 && signature.InputShape[axis] != 1 ? "1" : axis == 0 ? "C" : ShapeText.AxisName(rank, axis - 1)));
                buffers.Add(new KernelBuffer("other", other, signature.OtherShape.ToArray(), otherLayout));
            }

            if (signature.ResidualParameter is { } residual)
            {
                buffers.Add(new KernelBuffer("residual", residual, signature.OutputShape.ToArray(), $"{outputChannels}{spatial}"));
            }

            if (signature.SlopeParameter is { } slope)
            {
                buffers.Add(new KernelBuffer("slope", slope, signature.SlopeShape.ToArray(), signature.SlopeShape[0] == 1 ? "one for all channels" : outputChannels));
            }

            buffers.Add(new KernelBuffer("output", signature.OutputParameter, signature.OutputShape.ToArray(), $"{outputChannels}{spatial}"));
            return buffers;
        }
    }
}
