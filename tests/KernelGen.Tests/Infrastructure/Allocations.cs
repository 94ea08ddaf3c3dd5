namespace KernelGen.Tests.Infrastructure;

/// <summary>What warm calls allocate on the calling thread.</summary>
public static class Allocations
{
    /// <summary>
    /// The fewest bytes <paramref name="calls"/> allocate in any of three tries. A kernel that allocates on every call
    /// allocates in all three; a gen-2 collection may trim <c>ArrayPool.Shared</c> between a warm-up and a try (it does
    /// so under memory pressure, as when other processes share the machine), and the rent after it allocates once,
    /// in that try only.
    /// </summary>
    public static long Fewest(Action calls)
    {
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < 3 && fewest != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            calls();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
