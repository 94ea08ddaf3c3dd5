using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Norm
{
    /// <summary>The sizes a normalization's loops run over, per sample: groups of consecutive channels, each channel a plane.</summary>
    internal readonly struct NormGeometry
    {
        private NormGeometry(int groups, int channelsPerGroup, int plane)
        {
            Groups = groups;
            ChannelsPerGroup = channelsPerGroup;
            Plane = plane;
        }

        public int Groups { get; }

        public int ChannelsPerGroup { get; }

        /// <summary>The positions of one channel: the product of the spatial sizes.</summary>
        public int Plane { get; }

        /// <summary>The elements of one group, which lie one after another in the buffer.</summary>
        public int GroupLength => ChannelsPerGroup * Plane;

        public static NormGeometry Of(KernelSignature signature, NormSpec spec)
        {
            int channels = signature.InputShape[0];
            return new NormGeometry(spec.Groups, channels / spec.Groups, (int)(ShapeText.ElementCount(signature.InputShape) / channels));
        }
    }
}
