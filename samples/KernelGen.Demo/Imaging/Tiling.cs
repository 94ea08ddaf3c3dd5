namespace KernelGen.Demo.Imaging;

/// <summary>
/// One tile along one axis: the kernel reads input <c>[Origin, Origin + tile)</c> and the result keeps the output
/// of input positions <c>[First, End)</c>, whose neighbourhood (the halo) lies inside the tile or is the image's own
/// border.
/// </summary>
public readonly record struct AxisTile(int Origin, int First, int End);

/// <summary>
/// Splits an axis of any length into fixed-size tiles that overlap by the halo a kernel needs, so that stitching the
/// tiles' outputs gives exactly the output of the whole axis.
/// </summary>
public static class Tiling
{
    /// <summary>
    /// The tiles covering <paramref name="length"/> input positions. An output position depends on the inputs within
    /// <paramref name="halo"/> positions of its source, so a tile keeps only positions at least a halo from its edges,
    /// except where its edge is the image's: there the kernel's own border rule (clamping, zero padding) is the whole
    /// image's. The first tile starts at 0 and the last ends at the image's end (tiles overlap rather than run past
    /// it); an axis shorter than a tile gets one tile, padded by the caller beyond <paramref name="length"/>.
    /// </summary>
    public static AxisTile[] Split(int length, int tile, int halo)
    {
        if (length < 1 || tile < 1 || halo < 0 || tile <= 2 * halo)
        {
            throw new ArgumentException($"Cannot tile {length} positions with tiles of {tile} and a halo of {halo}.");
        }

        if (length <= tile)
        {
            return [new AxisTile(0, 0, length)];
        }

        var tiles = new List<AxisTile>();
        int first = 0;
        while (first < length)
        {
            int origin = first == 0 ? 0 : first - halo;
            int end = origin + tile - halo;
            if (origin + tile >= length)
            {
                origin = length - tile;
                end = length;
            }

            tiles.Add(new AxisTile(origin, first, end));
            first = end;
        }

        return [.. tiles];
    }
}
