using System;
using System.Linq;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// When the channels a reduction reads crowd into a few sets of the L1 data cache. L1 caches of 32-48 KiB are
    /// indexed by address bits 6-11 (64 sets of 64-byte lines) and hold 8-12 lines per set: the same place of channels
    /// 4 KiB apart (a 32x32 or 16x16x16 float plane, a row of 1024) falls into one set, so a tile that reads part of a
    /// line of each of 64 channels finds that line evicted when the next tile comes for the rest of it, and every
    /// read goes to L2. Adding a line's worth of slack to the channel stride spreads them over the sets. Measured with
    /// Vector128 tiles of 2 vectors: U-Net 64->32 at 32x32, 698-715 -> 613-646 us with the copy; a 1x1 convolution
    /// 64->64 over 32x32, 276-283 -> 242-245 us. Tiles that read whole lines gain less than the copy costs (AVX-512:
    /// U-Net 154 -> 159 us). Used by the transposed and the 1x1 convolution; <c>[Conv]</c> ran no slower at 4 KiB
    /// strides (3x3 over 62x62, padded to 64x64: 33 GFLOP/s with Vector128; over 63x63, 29-30), so it keeps its strides.
    /// </summary>
    internal static class CacheSets
    {
        private const int LineBytes = 64;

        private const int Sets = 64;

        /// <summary>Lines per set of the smallest L1 data caches assumed (8 ways).</summary>
        private const int Ways = 8;

        /// <summary>
        /// Elements to add after each channel of a buffer whose channels are <paramref name="stride"/> elements apart, so
        /// that the same place of <paramref name="channels"/> channels never puts more than <see cref="Ways"/> lines in
        /// one set; 0 when they already do not, or when the reads cover whole lines (<paramref name="readBytes"/>, the
        /// bytes a tile reads at a time from one channel, is a line or more: each line is then used up in one visit).
        /// The slack is whole lines, so every read keeps its alignment within a line.
        /// </summary>
        public static int StrideSlack(int stride, int elementBytes, int channels, int readBytes)
        {
            if (channels <= Ways || readBytes >= LineBytes)
            {
                return 0;
            }

            int lineElements = LineBytes / elementBytes;
            for (int slack = 0; slack <= Sets * lineElements; slack += lineElements)
            {
                if (MostLinesInOneSet((long)(stride + slack) * elementBytes, channels) <= Ways)
                {
                    return slack;
                }
            }

            return 0;
        }

        /// <summary>The generated comment over a copy made only to space the channels.</summary>
        public static string SpacedCopyComment(int stride) =>
            $"// The input, copied to a pooled buffer (no allocation once the pool holds one) with its channels {stride} elements apart.";

        /// <summary>The generated comment that says why a buffer's channels have <paramref name="slack"/> elements after them.</summary>
        public static string SlackComment(int slack, long channelBytes) =>
            $"// The {slack} elements after each channel are never read: {channelBytes}-byte channels would put the same place of every channel in one set of the L1 cache, and a tile reads only part of each line.";

        /// <summary>The most lines that the first byte of <paramref name="channels"/> channels puts into any one set.</summary>
        private static int MostLinesInOneSet(long strideBytes, int channels) =>
            Enumerable.Range(0, channels).GroupBy(c => (int)(c * strideBytes / LineBytes % Sets)).Max(set => set.Count());
    }
}
