using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>The sizes and row-major strides of one transposed convolution, derived once from its signature and spec.</summary>
    internal sealed class ConvTransposeGeometry : WindowGeometry
    {
        public ConvTransposeGeometry(KernelSignature signature, ConvTransposeSpec spec)
            : base(signature, spec.Kernel, spec.Groups)
        {
            Spec = spec;
        }

        public ConvTransposeSpec Spec { get; }

        /// <summary>The input positions <c>[Lo, Hi)</c> on <paramref name="axis"/> that tap <paramref name="tap"/> carries into the output.</summary>
        public (int Lo, int Hi) InputRange(int axis, int tap) =>
            ConvTransposeShape.InputRange(InputSize[axis], OutputSize[axis], tap, Spec.Stride[axis], Spec.Pad[axis], Spec.Dilation[axis]);

        /// <summary>The weight element of input channel <paramref name="ci"/>, output channel <paramref name="co"/> (absolute), tap 0.</summary>
        public int WeightBase(int ci, int co) => ((ci * OutputChannelsPerGroup) + (co % OutputChannelsPerGroup)) * KernelTaps;
    }
}
