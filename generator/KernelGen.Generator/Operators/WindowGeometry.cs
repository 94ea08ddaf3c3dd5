using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// The sizes and row-major strides the convolutions and the pools derive from a signature and a window: channels,
    /// groups, spatial sizes, and each buffer's strides and plane.
    /// </summary>
    internal abstract class WindowGeometry
    {
        protected WindowGeometry(KernelSignature signature, EquatableArray<int> kernel, int groups)
        {
            Rank = signature.SpatialRank;
            InputChannels = signature.InputShape[0];
            OutputChannels = signature.OutputShape[0];
            Groups = groups;
            InputSize = signature.InputShape.Skip(1).ToArray();
            OutputSize = signature.OutputShape.Skip(1).ToArray();
            Kernel = kernel.ToArray();
            InputStrides = ShapeText.RowMajorStrides(InputSize);
            OutputStrides = ShapeText.RowMajorStrides(OutputSize);
            KernelStrides = ShapeText.RowMajorStrides(Kernel);
        }

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

        /// <summary>Weights of the whole layer: every input channel meets every output channel of its group at every tap.</summary>
        public long WeightElements => (long)InputChannels * OutputChannelsPerGroup * KernelTaps;

        /// <summary>Output elements of one sample.</summary>
        public long OutputElements => (long)OutputChannels * OutputPlane;

        /// <summary>True when the vector paths check their output for NaN rather than every weight for finiteness (see <see cref="Emit.FiniteWeights"/>).</summary>
        public bool ChecksOutput => Emit.FiniteWeights.ChecksOutput(WeightElements, OutputElements);
    }
}
