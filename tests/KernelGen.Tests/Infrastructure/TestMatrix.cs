namespace KernelGen.Tests.Infrastructure;

/// <summary>
/// The two sizes of the test run. <c>dotnet test</c> runs every test but those in the Full category, which rerun whole
/// suites in other settings and take most of the time: the numeric suites in child processes on narrower hardware and
/// with checked access, the random configurations in checked mode, and the package's pack-install-build-run.
/// <c>dotnet test -p:KernelGenTests=full</c> (what CI runs) runs them too; KernelGen.Tests.csproj sets the filter.
/// </summary>
public static class TestMatrix
{
    /// <summary>The trait name, as VSTest's <c>--filter</c> reads it.</summary>
    public const string Category = "Category";

    /// <summary>The category of the tests only the full run includes.</summary>
    public const string Full = "Full";
}
