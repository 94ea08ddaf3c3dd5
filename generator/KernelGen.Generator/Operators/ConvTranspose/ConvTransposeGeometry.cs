using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>The sizes and row-major strides of one transposed convolution, derived once from its signature and spec.</summary>
    internal sealed class ConvTransposeGeometry
    {
        public ConvTransposeGeometry(KernelSignature signature, ConvTransposeSpec spec)
        {
            Spec = spec;
            Rank = signature.SpatialRank;
            InputChannels = signature.InputShape[0];
            OutputChannels = signature.OutputShape[0];
            Groups = spec.Groups;
            InputSize = Spatial(signature.InputShape);
            OutputSize = Spatial(signature.OutputShape);
            Kernel = spec.Kernel.ToArray();
            InputStrides = ShapeText.RowMajorStrides(InputSize);
            OutputStrides = ShapeText.RowMajorStrides(OutputSize);
            KernelStrides = ShapeText.RowMajorStrides(Kernel);
        }

        public ConvTransposeSpec Spec { get; }

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

        /// <summary>The input positions <c>[Lo, Hi)</c> on <paramref name="axis"/> that tap <paramref name="tap"/> carries into the output.</summary>
        public (int Lo, int Hi) InputRange(int axis, int tap) =>
            ConvTransposeShape.InputRange(InputSize[axis], OutputSize[axis], tap, Spec.Stride[axis], Spec.Pad[axis], Spec.Dilation[axis]);

        /// <summary>The weight element of input channel <paramref name="ci"/>, output channel <paramref name="co"/> (absolute), tap 0.</summary>
        public int WeightBase(int ci, int co) => ((ci * OutputChannelsPerGroup) + (co % OutputChannelsPerGroup)) * KernelTaps;

        private static int[] Spatial(EquatableArray<int> shape)
        {
            var dims = new int[shape.Count - 1];
            for (int i = 0; i < dims.Length; i++)
            {
                dims[i] = shape[i + 1];
            }

            return dims;
        }
    }
}
