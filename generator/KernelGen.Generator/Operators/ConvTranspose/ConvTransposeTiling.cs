using System;
using System.Linq;
using KernelGen.Generator.Emit;
using Layout = KernelGen.Generator.Operators.ConvTranspose.ConvTransposePhaseLayout;
using PhaseSet = KernelGen.Generator.Operators.ConvTranspose.ConvTransposePhaseSet;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>The register tiles of a transposed convolution's stride phases, and the blocks of output channels they run in.</summary>
    internal static class ConvTransposeTiling
    {
        /// <summary>
        /// Accumulators of a tile at most, but for the wide tiles below: with 16 registers the rest hold loads and
        /// broadcasts. A width that may lack FMA holds fewer (<see cref="VectorWidth.TileAccumulators"/>).
        /// </summary>
        private const int MaxAccumulators = 12;

        /// <summary>Accumulators of a row-form tile with 32 registers (AVX-512).</summary>
        private const int WideRowAccumulators = 16;

        /// <summary>Accumulators of a flat-form tile with 32 registers (AVX-512).</summary>
        private const int WideFlatAccumulators = 24;

        /// <summary>
        /// Weights of one block of output channels, at most: a quarter of this machine's 1 MiB L2, so that they stay
        /// there, with the input and the outputs, while every phase reads them (see <see cref="ChannelBlock"/>).
        /// </summary>
        private const int WeightBlockBytes = 256 * 1024;

        /// <summary>The tile of a phase set: the flat form's, or the row form's for the phase's rows and columns.</summary>
        public static Tile TileOf(Layout l, PhaseSet set) =>
            l.Flat ? FlatTile(l, set) : RowTile(l, set, l.Rows.Count(set.Rh), l.Columns.Count(set.Rws[0]));

        /// <summary>
        /// Row form: up to four channels, then as many vectors of a row (at most three) and rows as registers allow; when
        /// that takes every row of the phase and leaves registers over, more channels instead (below).
        /// With 32 registers (AVX-512) a tile of several channels holds 16 accumulators: measured here,
        /// U-Net 64->32 went from 188 to 100 us and DCGAN stayed level; with one channel per group each loaded vector
        /// feeds a single accumulator, and 16 made the depthwise layer 20% slower than 12.
        /// With Vector128 on x86 without AVX2 a broadcast is a load and a shuffle, which competes with the multiplies
        /// and adds: a tile of 4 channels x 2 interleaved phases x 1 vector did one per multiply-add; 2 x 2 x 2 does one
        /// per two (measured without AVX2: 3-D U-Net 5.79 -> 5.1-5.5 ms; U-Net level).
        /// </summary>
        private static Tile RowTile(Layout l, PhaseSet set, int qh, int qw)
        {
            int channels = Math.Min(4, l.OutputChannelsPerGroup);
            int accumulators = l.Width.Registers >= 32 && channels > 1 ? WideRowAccumulators : Math.Min(MaxAccumulators, l.Width.TileAccumulators);
            // Where a broadcast may be a shuffle (below), each one feeds at least two vectors: fewer channels, not one vector.
            if (l.Width.BroadcastMayShuffle && accumulators / (channels * set.Rws.Length) < 2 && l.VectorsFor(qw) >= 2)
            {
                channels = Math.Max(1, accumulators / (set.Rws.Length * 2));
            }

            int perRowVector = channels * set.Rws.Length;
            int vectors = Math.Min(Math.Min(3, l.VectorsFor(qw)), Math.Max(1, accumulators / perRowVector));
            int rows = Math.Max(1, Math.Min(qh, accumulators / (perRowVector * vectors)));
            if (rows < qh || l.OutputChannelsPerGroup <= channels)
            {
                return new Tile(channels, rows, vectors);
            }

            // Every row of the phase fits in one tile (a 1-D layer has one): the registers rows would have taken go to
            // more channels, a number that divides them, and as many vectors as then fit; of equal products, the
            // squarer tile, which loads fewer vectors and broadcasts per multiply-add.
            return (from v in Enumerable.Range(1, Math.Min(3, l.VectorsFor(qw)))
                    from c in Enumerable.Range(channels, l.OutputChannelsPerGroup - channels + 1)
                    where l.OutputChannelsPerGroup % c == 0 && c * v * rows * set.Rws.Length <= accumulators
                    orderby c * v descending, c + v
                    select new Tile(c, rows, v)).DefaultIfEmpty(new Tile(channels, rows, vectors)).First();
        }

        /// <summary>Flat form: up to four vectors of the flat row, and as many channels as registers allow.</summary>
        private static Tile FlatTile(Layout l, PhaseSet set)
        {
            // The flat row in as few tiles as the registers allow, of as even a size as possible: a remainder tile of
            // one vector loads a vector per broadcast (the 3-D GAN layer's 5 vectors were a tile of 4 and one of 1).
            int total = l.VectorsFor(l.FlatLength(set.Rh, set.Rws[0], l.PaddedWidth));
            int tiles = (total + MaxFlatTileVectors(l) - 1) / MaxFlatTileVectors(l);
            int vectors = (total + tiles - 1) / tiles;
            int accumulators = l.Width.Registers >= 32 ? WideFlatAccumulators : Math.Min(MaxAccumulators, l.Width.TileAccumulators);
            int most = Math.Max(1, Math.Min(l.OutputChannelsPerGroup, accumulators / (vectors * set.Rws.Length)));

            // A last tile of fewer channels reuses each loaded vector less: take a count that divides the channels
            // when one is at least half the most (measured on 32->16 at 7x7: 2 channels x 8 vectors 3.4 us, 3 x 8 3.9 us).
            int even = Enumerable.Range(1, most).Last(c => l.OutputChannelsPerGroup % c == 0);
            return new Tile(even * 2 >= most ? even : most, 1, vectors);
        }

        /// <summary>Vectors of a flat tile at most: 6 with 32 registers (with two channels and two interleaved column phases, 24 accumulators), else 4.</summary>
        private static int MaxFlatTileVectors(Layout l) => l.Width.Registers >= 32 ? 6 : 4;

        /// <summary>
        /// Output channels per block, when all the weights of a group do not fit in <see cref="WeightBlockBytes"/>: every
        /// phase then runs over one block before the next starts, so each weight is fetched from memory once and read
        /// from L2 by the other phases, rather than fetched again by each phase (a phase reads a few taps of every
        /// channel's weights, spread over all their cache lines). The block divides the channels and is a whole number
        /// of every phase's tiles; the largest that fits, else the smallest there is. Without such a block, or when the
        /// weights fit, it is all the channels of a group: no blocking.
        /// </summary>
        public static int ChannelBlock(Layout l)
        {
            int channels = l.OutputChannelsPerGroup;
            long channelBytes = l.OutputChannelWeightBytes;
            if (l.Flat || channelBytes * channels <= WeightBlockBytes)
            {
                return channels;
            }

            int unit = l.PhaseSets.Select(set => RowTile(l, set, l.Rows.Count(set.Rh), l.Columns.Count(set.Rws[0])).Channels).Aggregate(1, LeastCommonMultiple);
            int[] blocks = Enumerable.Range(1, channels - 1).Where(b => channels % b == 0 && b % unit == 0).ToArray();
            return blocks.Length == 0 ? channels
                : blocks.Where(b => channelBytes * b <= WeightBlockBytes).DefaultIfEmpty(blocks[0]).Max();
        }

        private static int LeastCommonMultiple(int a, int b)
        {
            int x = a, y = b;
            while (y != 0)
            {
                (x, y) = (y, x % y);
            }

            return a / x * b;
        }

        /// <summary>The accumulators of one tile: output channels x output rows x vectors of a row (or of the flat row).</summary>
        public readonly record struct Tile(int Channels, int Rows, int Vectors);
    }
}
