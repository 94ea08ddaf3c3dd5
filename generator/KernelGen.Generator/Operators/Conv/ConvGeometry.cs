using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Conv
{
    /// <summary>The sizes and row-major strides of one convolution, derived once from its signature and spec.</summary>
    internal sealed class ConvGeometry : WindowGeometry
    {
        public ConvGeometry(KernelSignature signature, ConvSpec spec)
            : base(signature, spec.Kernel, spec.Groups)
        {
            Spec = spec;
        }

        public ConvSpec Spec { get; }

        /// <summary>The output positions <c>[Lo, Hi)</c> on <paramref name="axis"/> whose tap <paramref name="tap"/> reads inside the input.</summary>
        public (int Lo, int Hi) OutputRange(int axis, int tap) =>
            ConvShape.OutputRange(InputSize[axis], OutputSize[axis], tap, Spec.Stride[axis], Spec.Pad[axis], Spec.Dilation[axis]);

        /// <summary>The weight element of output channel <paramref name="co"/>, input channel <paramref name="j"/> of its group, tap 0.</summary>
        public int WeightBase(int co, int j) => ((co * InputChannelsPerGroup) + j) * KernelTaps;

        /// <summary>The first input channel of output channel <paramref name="co"/>'s group.</summary>
        public int FirstInputChannel(int co) => co / OutputChannelsPerGroup * InputChannelsPerGroup;
    }
}
