using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Conv
{
    /// <summary>The sizes and row-major strides of one convolution, derived once from its signature and spec.</summary>
    internal sealed class ConvGeometry
    {
        public ConvGeometry(KernelSignature signature, ConvSpec spec)
        {
            Spec = spec;
            Rank = signature.SpatialRank;
            InputChannels = signature.InputShape[0];
            OutputChannels = signature.OutputShape[0];
            Groups = spec.Groups;
            InputSize = signature.InputShape.Skip(1).ToArray();
            OutputSize = signature.OutputShape.Skip(1).ToArray();
            Kernel = spec.Kernel.ToArray();
            InputStrides = ShapeText.RowMajorStrides(InputSize);
            OutputStrides = ShapeText.RowMajorStrides(OutputSize);
            KernelStrides = ShapeText.RowMajorStrides(Kernel);
        }

        public ConvSpec Spec { get; }

        public int Rank { get; }

        public int InputChannels { get; }

        public int OutputChannels { get; }

        public int Groups { get; }

        public int InputChannelsPerGroup => InputChannels / Groups;

        public int OutputChannelsPerGroup => OutputChannels / Groups;

        public int[] InputSize { get; }

        public int[] OutputSize { get; }

        public int[] Kernel { get; }

        /// <summary>Elements between neighbours on each spatial axis of one channel.</summary>
        public int[] InputStrides { get; }

        public int[] OutputStrides { get; }

        public int[] KernelStrides { get; }

        public int InputPlane => InputStrides[0] * InputSize[0];

        public int OutputPlane => OutputStrides[0] * OutputSize[0];

        public int KernelTaps => KernelStrides[0] * Kernel[0];

        /// <summary>The output positions <c>[Lo, Hi)</c> on <paramref name="axis"/> whose tap <paramref name="tap"/> reads inside the input.</summary>
        public (int Lo, int Hi) OutputRange(int axis, int tap) =>
            ConvShape.OutputRange(InputSize[axis], OutputSize[axis], tap, Spec.Stride[axis], Spec.Pad[axis], Spec.Dilation[axis]);

        /// <summary>The weight element of output channel <paramref name="co"/>, input channel <paramref name="j"/> of its group, tap 0.</summary>
        public int WeightBase(int co, int j) => ((co * InputChannelsPerGroup) + j) * KernelTaps;

        /// <summary>The first input channel of output channel <paramref name="co"/>'s group.</summary>
        public int FirstInputChannel(int co) => co / OutputChannelsPerGroup * InputChannelsPerGroup;
    }
}
