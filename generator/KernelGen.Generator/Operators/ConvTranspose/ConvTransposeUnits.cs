using System;
using System.Linq;
using KernelGen.Generator.Emit;
using Layout = KernelGen.Generator.Operators.ConvTranspose.ConvTransposePhaseLayout;
using PhaseSet = KernelGen.Generator.Operators.ConvTranspose.ConvTransposePhaseSet;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>
    /// The split of a large transposed convolution across the workers (<see cref="ParallelParts"/>). A phase call (a
    /// phase set, and in 3-D one output plane of its depth phase) writes outputs no other call writes; a unit is one
    /// call over one group's chunk of that set's tiles of output channels. Unit u is group
    /// <c>u / (Chunks * Calls)</c>, chunk <c>u / Calls % Chunks</c>, call <c>u % Calls</c>: a worker's contiguous
    /// share runs every phase of its channels, so each of their weights is read from memory once and then from its
    /// core's cache, as the one-thread form's channel blocks do (<see cref="ConvTransposeTiling.ChannelBlock"/>).
    /// </summary>
    internal sealed class ConvTransposeUnits
    {
        private ConvTransposeUnits(int calls, int chunks, int groups)
        {
            Calls = calls;
            Chunks = chunks;
            Count = groups * chunks * calls;
        }

        /// <summary>The phase calls: each phase set's, one per output plane of its depth phase (one in 1-D and 2-D), in the sets' order.</summary>
        public int Calls { get; }

        /// <summary>
        /// Chunks of each set's channel tiles per group: as many as bring the units near <see cref="ParallelParts.TargetUnits"/>
        /// and at least as many as the one-thread form's blocks of channels, at most one per tile.
        /// </summary>
        public int Chunks { get; }

        public int Count { get; }

        /// <summary>The split of <paramref name="l"/>, or null when it has too little work (or one unit): it runs on the calling thread.</summary>
        public static ConvTransposeUnits? For(Layout l)
        {
            if (l.PhaseSets.Count == 0)
            {
                return null;
            }

            int calls = l.PhaseSets.Sum(set => l.Depth.Count(set.Rd));
            int fewestTiles = l.PhaseSets.Min(set => TilesOf(l, set));
            int perChunk = l.Groups * calls;
            // At least the one-thread form's blocks of channels, whose weights stay in a core's cache while every phase reads them.
            int blocks = l.OutputChannelsPerGroup / l.ChannelBlock;
            int chunks = Math.Max(1, Math.Min(fewestTiles, Math.Max(blocks, (ParallelParts.TargetUnits + perChunk - 1) / perChunk)));
            // Multiply-adds: every input element times every tap into the output channels of its group.
            long work = (long)l.InputChannels * l.InputVolume * l.OutputChannelsPerGroup * l.KernelTaps;
            var units = new ConvTransposeUnits(calls, chunks, l.Groups);
            return ParallelParts.Applies(work, units.Count) ? units : null;
        }

        /// <summary>A set's tiles of output channels in one group, the last of them narrower when the tile does not divide the channels.</summary>
        public static int TilesOf(Layout l, PhaseSet set)
        {
            int channels = ConvTransposeTiling.TileOf(l, set).Channels;
            return (l.OutputChannelsPerGroup + channels - 1) / channels;
        }
    }
}
