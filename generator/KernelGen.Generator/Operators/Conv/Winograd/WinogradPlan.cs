using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Conv.Winograd
{
    /// <summary>
    /// Whether a convolution takes Winograd's form at one width, with which tile, and where that form reads and writes.
    /// <para>
    /// The output is cut into tiles of m x m; tile (ty, tx) reads the padded input's rows <c>m*ty + a</c> and columns
    /// <c>m*tx + b</c>, a and b in [0, m + 2). The padded input is stored split into phases on both axes: padded
    /// element (r, c) at phase plane <c>(r mod m, c mod m)</c>, row <c>r / m</c>, column <c>c / m</c>, each plane
    /// <see cref="Columns"/> wide. Tile (ty, tx) is then numbered <c>p = ty*Columns + tx</c>, and its element (a, b)
    /// sits at a fixed offset from <c>p</c> in plane <c>(a mod m, b mod m)</c>: consecutive tiles are consecutive
    /// elements, so a vector of tiles is one plain load per element of the tile, across rows of tiles too. Numbering
    /// by <see cref="Columns"/> = <c>tx count + 1</c> adds one column of tiles that no output keeps (its sums are
    /// discarded): the price of that flat numbering.
    /// </para>
    /// <para>
    /// The tiles are taken in chunks of <see cref="ChunkVectors"/> vectors: a chunk's input transform (every input
    /// channel), then per block of <see cref="ChannelBlock"/> output channels the T*T products as register tiles of
    /// those channels x the chunk's vectors, then their output transform into a staging buffer laid out like the input,
    /// in phases, each staged sum checked to be finite. A last pass interleaves the phases into the output's rows,
    /// adding the bias, the residual and the activation.
    /// </para>
    /// </summary>
    internal sealed class WinogradPlan
    {
        /// <summary>
        /// A chunk's transformed input should stay in a core's L2 (1 MiB on Zen 4 and 5) beside a block of the weight: at
        /// most this many bytes (128 channels at F(4x4, 3x3) in chunks of two vectors of 16 lanes take 576 KiB; measured, 495
        /// us against 581 for chunks of one vector).
        /// </summary>
        private const int ChunkBytes = 768 * 1024;

        private WinogradPlan(ConvVectorLayout layout, WinogradTile tile, VectorWidth interleaveWidth, int chunkVectors)
        {
            Layout = layout;
            Tile = tile;
            InterleaveWidth = interleaveWidth;
            ConvGeometry g = layout.Geometry;
            Lanes = layout.Lanes;
            int m = tile.M;
            TileRows = (g.OutputSize[0] + m - 1) / m;
            TileColumns = (g.OutputSize[1] + m - 1) / m;
            Columns = TileColumns + 1;
            PhaseRows = TileRows + 1;
            Vectors = ((TileRows * Columns) + Lanes - 1) / Lanes;
            int accumulators = layout.Width.Registers >= 32 ? ConvVectorEmitter.WideAccumulators : layout.Width.TileAccumulators;
            ChunkVectors = chunkVectors;
            Chunks = (Vectors + ChunkVectors - 1) / ChunkVectors;
            ChannelBlock = Math.Max(1, Math.Min(g.OutputChannels, accumulators / ChunkVectors));
        }

        public ConvVectorLayout Layout { get; }

        public WinogradTile Tile { get; }

        /// <summary>
        /// The width of the last pass, which stores whole vectors of an output row from m staged phases: the widest no
        /// wider than the method's with at most as many lanes as a row has columns and a whole number of tiles per vector.
        /// A 14x14 plane takes Vector512 for the products and Vector256 here.
        /// </summary>
        public VectorWidth InterleaveWidth { get; }

        public int Lanes { get; }

        /// <summary>Rows of tiles: the output rows / m, rounded up.</summary>
        public int TileRows { get; }

        /// <summary>Tiles per row: the output columns / m, rounded up.</summary>
        public int TileColumns { get; }

        /// <summary>The width of a phase plane and the tile numbering's row length: <see cref="TileColumns"/> + 1.</summary>
        public int Columns { get; }

        /// <summary>Rows of a phase plane: <see cref="TileRows"/> + 1 (a tile reads m + 2 rows).</summary>
        public int PhaseRows { get; }

        public int PhasePlane => PhaseRows * Columns;

        /// <summary>Elements of one input channel's m*m phase planes.</summary>
        public int ChannelPhases => Tile.M * Tile.M * PhasePlane;

        /// <summary>Vectors of tiles, numbered tiles padded to whole vectors.</summary>
        public int Vectors { get; }

        /// <summary>Vectors of tiles per chunk.</summary>
        public int ChunkVectors { get; }

        public int Chunks { get; }

        /// <summary>Tiles per chunk.</summary>
        public int ChunkTiles => ChunkVectors * Lanes;

        /// <summary>Output channels per register tile (the last block may hold fewer).</summary>
        public int ChannelBlock { get; }

        /// <summary>
        /// The phase-split padded input, with room after it for the last chunk's vectors: they read up to a row and a
        /// column of a plane past a tile's number, and the numbering runs past the last real tile to whole chunks.
        /// </summary>
        public int InputLength => (Layout.Geometry.InputChannels * ChannelPhases) + (Chunks * ChunkTiles) + Columns + 2;

        /// <summary>
        /// A chunk's transformed input: [input channels][T*T][chunk tiles]. An input channel's T*T vectors of a tile are
        /// then neighbours; with the channels outermost, they would sit a power-of-two apart and share one cache set.
        /// </summary>
        public int ChunkInputLength => Tile.Products * Layout.Geometry.InputChannels * ChunkTiles;

        /// <summary>A block's products: [block channels][T*T][chunk tiles].</summary>
        public int ProductsLength => Tile.Products * ChannelBlock * ChunkTiles;

        /// <summary>One staging plane (one output channel, one output phase), with room for the interleaving loads' overreach.</summary>
        public int StagePlane => (Chunks * ChunkTiles) + Lanes;

        public int StageLength => Layout.Geometry.OutputChannels * Tile.M * Tile.M * StagePlane;

        public int BufferLength => InputLength + ChunkInputLength + ProductsLength + StageLength;

        /// <summary>The transformed weight's elements: [T*T][input channels][output channels].</summary>
        public int WeightLength => Tile.Products * Layout.Geometry.InputChannels * Layout.Geometry.OutputChannels;

        /// <summary>The offset in an input channel's phases of element (a, b) of tile 0.</summary>
        public int InputOffset(int a, int b)
        {
            int m = Tile.M;
            return ((((a % m) * m) + (b % m)) * PhasePlane) + (a / m * Columns) + (b / m);
        }

        /// <summary>Vector multiply-adds of the products, per sample.</summary>
        public long ProductVectors => (long)Tile.Products * Layout.Geometry.OutputChannels * Layout.Geometry.InputChannels * Chunks * ChunkVectors;

        /// <summary>
        /// What the form costs per sample, in vector operations: the products, both transforms (their adds and
        /// multiplies by a constant, loads and stores), the interleaving pass, the copies, and the weight's reads.
        /// </summary>
        public long Cost
        {
            get
            {
                ConvGeometry g = Layout.Geometry;
                int t = Tile.T, m = Tile.M;
                long inputTransform = (2 * t * Nonzeros(Tile.BT)) + (3 * t * t);
                long outputTransform = (t + m) * Nonzeros(Tile.AT) + (t * t) + (m * m);
                long tileVectors = (long)Chunks * ChunkVectors;
                int interleaveLanes = InterleaveWidth.Lanes(Layout.ElementType);
                long interleave = (long)g.OutputChannels * g.OutputSize[0] * ((g.OutputSize[1] + interleaveLanes - 1) / interleaveLanes) * ((2 * m) + 4);
                long copies = (long)g.InputChannels * (ChannelPhases / Lanes + (g.InputSize[0] * ((g.InputSize[1] + Lanes - 1) / Lanes) * 2 * m));
                // Memory: each chunk streams the whole transformed weight through the cache (it rarely fits beside a
                // chunk's input), and each call compares the weight with the one transformed (two reads of it).
                long weightStream = ((long)Chunks * WeightLength / Lanes * MemoryVectorCost) + (2L * g.WeightElements / Lanes * MemoryVectorCost);
                return ProductVectors + (g.InputChannels * tileVectors * inputTransform) + (g.OutputChannels * tileVectors * outputTransform) + interleave + copies + weightStream;
            }
        }

        /// <summary>
        /// A vector read from beyond the core's L2, in vector operations: fitted to the one-thread times of the benchmark's
        /// 3x3 layers on a Zen 5 (64 channels at 32x32 and 56x56, 128 at 28x28, 256 at 14x14, 512 at 7x7).
        /// </summary>
        private const int MemoryVectorCost = 8;

        private static int Nonzeros(double[,] matrix) => Enumerable.Range(0, matrix.GetLength(0)).Sum(row => WinogradTile.Row(matrix, row).Length);

        /// <summary>
        /// Null when Winograd applies to the shape, else what it needs and what the convolution has, for KG0020. This
        /// version takes 2-D stride-1 3x3 windows without dilation or groups (any pad, batch and element type).
        /// </summary>
        public static (string Needs, string Has)? WhyNot(KernelSignature signature, ConvSpec spec)
        {
            const string Needs = "a 2-D convolution with a 3x3 window, stride 1, dilation 1 and one group";
            int rank = signature.SpatialRank;
            if (rank != 2)
            {
                return (Needs, $"{rank} spatial axis{(rank == 1 ? string.Empty : "es")}");
            }

            if (spec.Kernel.Any(k => k != 3))
            {
                return (Needs, $"a {ShapeText.Cross(spec.Kernel)} window");
            }

            if (spec.Stride.Any(s => s != 1))
            {
                return (Needs, $"stride {ShapeText.Cross(spec.Stride)}");
            }

            if (spec.Dilation.Any(d => d != 1))
            {
                return (Needs, $"dilation {ShapeText.Cross(spec.Dilation)}");
            }

            return spec.Groups != 1 ? (Needs, $"{spec.Groups} groups") : null;
        }

        /// <summary>
        /// The Winograd form for the layout's width, or null for direct convolution: never with
        /// <c>ConvAlgorithm.Direct</c> or where <see cref="WhyNot"/> objects; a tile needs an <see cref="InterleaveWidth"/>
        /// (rows of at least 4 columns in float, 2 in double). <c>Auto</c> takes the cheapest tile when its cost is at most
        /// <see cref="AutoShare"/> of the direct form's vector multiply-adds; <c>Winograd</c> takes the cheapest tile.
        /// </summary>
        public static WinogradPlan? For(ConvVectorLayout layout)
        {
            ConvSpec spec = layout.Spec;
            if (spec.Algorithm == ConvAlgorithm.Direct || WhyNot(layout.Signature, spec) is not null)
            {
                return null;
            }

            WinogradPlan? best = WinogradTile.All.Select(tile => Candidate(layout, tile)).OfType<WinogradPlan>().OrderBy(plan => plan.Cost).FirstOrDefault();
            if (best is null || spec.Algorithm == ConvAlgorithm.Winograd)
            {
                return best;
            }

            return best.Cost * AutoShareDenominator <= layout.VectorProducts * AutoShareNumerator ? best : null;
        }

        /// <summary>The form with <paramref name="tile"/> at the layout's width, or null where a row is too narrow for the last pass or a buffer too large.</summary>
        private static WinogradPlan? Candidate(ConvVectorLayout layout, WinogradTile tile)
        {
            if (tile.M > MostFloatTile && layout.ElementType == ElementType.Float && layout.Geometry.InputChannels > MostFloatChannelsAtLargeTile)
            {
                return null;
            }

            int columns = layout.Geometry.OutputSize[1];
            VectorWidth? interleave = VectorWidth.All.FirstOrDefault(width => width.Bytes <= layout.Width.Bytes
                && width.Lanes(layout.ElementType) <= columns && width.Lanes(layout.ElementType) % tile.M == 0);
            if (interleave is null)
            {
                return null;
            }

            // Chunks of one or two vectors of tiles (two when that pads no more vectors, and the chunk's transformed input
            // stays within ChunkBytes). Measured one worker on a Zen 5, chunks of 1, 2, 3, 4 vectors: 64->64 at 32x32 177,
            // 197, 217, 282 us; at 56x56 488, 458, 529, 585 us; 128->128 at 28x28 581, 495, 648, 584 us; 64->64 at 64x64
            // 619, 614, 688, 784 us. More vectors per chunk stream the weight fewer times but hold fewer channels per register tile.
            int vectors = (((columns + tile.M - 1) / tile.M + 1) * ((layout.Geometry.OutputSize[0] + tile.M - 1) / tile.M) + layout.Lanes - 1) / layout.Lanes;
            bool pairs = vectors % 2 == 0 && (long)tile.Products * layout.Geometry.InputChannels * 2 * layout.Width.Bytes <= ChunkBytes;
            var plan = new WinogradPlan(layout, tile, interleave, pairs ? 2 : 1);
            return (long)plan.BufferLength + layout.Lanes < int.MaxValue / 2 && (long)plan.WeightLength < int.MaxValue / 2 ? plan : null;
        }

        /// <summary>
        /// The error bound: F(4x4, 3x3) in float stays within 1e-5 of the output's largest magnitude (measured on the
        /// benchmark layers of 64 and 128 input channels, trained-scale and every-magnitude inputs: at most 9.1e-6; the
        /// error of its products grows with the reduction), so a float layer with more input channels takes F(2x2, 3x3),
        /// whose error is the direct form's. Double takes either.
        /// </summary>
        private const int MostFloatChannelsAtLargeTile = 128, MostFloatTile = 2;

        /// <summary><c>Auto</c> takes Winograd when its cost is at most this share of the direct form's: 3/4.</summary>
        private const int AutoShareNumerator = 3, AutoShareDenominator = 4;

        /// <summary>The header's lines on the algorithm: which widths take Winograd's form with which tile, and why.</summary>
        public static IEnumerable<string> Describe(KernelSignature signature, ConvSpec spec, VectorWidth[] widths)
        {
            string choice = spec.Algorithm switch
            {
                ConvAlgorithm.Direct => "ConvAlgorithm.Direct",
                ConvAlgorithm.Winograd => "ConvAlgorithm.Winograd",
                _ => "ConvAlgorithm.Auto",
            };
            (string Needs, string Has)? whyNot = WhyNot(signature, spec);
            if (spec.Algorithm == ConvAlgorithm.Direct || widths.Length == 0 || whyNot is not null)
            {
                yield return $"Algorithm ({choice}): direct convolution{(whyNot is { } why ? $" (Winograd's form needs {why.Needs})" : string.Empty)}.";
                yield break;
            }

            var plans = widths.Select(width => new ConvVectorLayout(signature, spec, width)).Select(layout => (Layout: layout, Plan: For(layout))).ToArray();
            if (plans.All(p => p.Plan is null))
            {
                // Auto declined (a forced Winograd always has a tile: every width's rows hold at least 4 columns, or WhyNot objected).
                ConvVectorLayout widest = plans[0].Layout;
                WinogradPlan? cheapest = WinogradTile.All.Select(tile => Candidate(widest, tile)).OfType<WinogradPlan>().OrderBy(plan => plan.Cost).FirstOrDefault();
                yield return $"Algorithm ({choice}): direct convolution; " + (cheapest is null
                    ? "the output rows are too narrow for Winograd's tiles."
                    : $"Winograd's form would cost more than {AutoShareNumerator}/{AutoShareDenominator} of it (with {widest.Width.Name}, {cheapest.Tile.Name}: "
                        + $"{cheapest.Cost} vector operations per sample against {widest.VectorProducts} multiply-adds).");
                yield break;
            }

            foreach (var (layout, plan) in plans)
            {
                yield return plan is null
                    ? $"Algorithm ({choice}), {layout.Width.Name}: direct convolution."
                    : $"Algorithm ({choice}), {layout.Width.Name}: Winograd's {plan.Tile.Name}, {plan.Cost} vector operations per sample against the direct form's {layout.VectorProducts} "
                        + "multiply-adds; a sample with a sum that is not finite is computed again by the direct form.";
            }
        }
    }
}
