namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// When copying the input pays: both convolutions' vector forms can read shifted copies of their padded input
    /// (<see cref="Conv.ConvVectorLayout.Flat"/>, <see cref="ConvTranspose.ConvTransposePhaseLayout.ColumnCopies"/>), so that
    /// no lane goes to a padding column. The copies are written once per call and the products they save are counted per
    /// call too: the saving must be at least <see cref="SavedProductsPerCopiedVector"/> vector multiply-adds per vector
    /// the copies write.
    /// </summary>
    internal static class ShiftedCopies
    {
        public const int SavedProductsPerCopiedVector = 4;

        public static bool Pay(long savedProducts, long copiedVectors) => savedProducts >= SavedProductsPerCopiedVector * copiedVectors;
    }
}
