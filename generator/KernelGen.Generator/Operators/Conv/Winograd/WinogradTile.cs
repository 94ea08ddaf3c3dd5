using System.Linq;

namespace KernelGen.Generator.Operators.Conv.Winograd
{
    /// <summary>
    /// Winograd's minimal filtering F(m, 3) (Lavin and Gray, 2016): m outputs of a 3-tap correlation,
    /// <c>y[i] = sum_k g[k] d[i + k]</c>, from <c>T = m + 2</c> products, <c>y = AT [(G g) * (BT d)]</c>. The 2-D
    /// form F(m x m, 3 x 3) nests it on both axes: <c>Y = AT [(G g GT) * (BT d B)] A</c>, T*T products for m*m outputs
    /// where direct convolution does 9*m*m. The matrices come from Toom-Cook interpolation at the points listed; the
    /// transforms' coefficients are small integers (the input's and output's) or are applied once per weight in double.
    /// </summary>
    internal sealed class WinogradTile
    {
        /// <summary>F(2, 3) at the points 0, 1, -1 and infinity: 16 products for 36 in 2-D (2.25x fewer).</summary>
        public static readonly WinogradTile F2 = new(2, "0, 1, -1 and infinity",
            at: new double[,] { { 1, 1, 1, 0 }, { 0, 1, -1, -1 } },
            g: new double[,] { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } },
            bt: new double[,] { { 1, 0, -1, 0 }, { 0, 1, 1, 0 }, { 0, -1, 1, 0 }, { 0, 1, 0, -1 } });

        /// <summary>F(4, 3) at the points 0, 1, -1, 2, -2 and infinity: 36 products for 144 in 2-D (4x fewer).</summary>
        public static readonly WinogradTile F4 = new(4, "0, 1, -1, 2, -2 and infinity",
            at: new double[,]
            {
                { 1, 1, 1, 1, 1, 0 },
                { 0, 1, -1, 2, -2, 0 },
                { 0, 1, 1, 4, 4, 0 },
                { 0, 1, -1, 8, -8, 1 },
            },
            g: new double[,]
            {
                { 1.0 / 4, 0, 0 },
                { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
                { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
                { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
                { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
                { 0, 0, 1 },
            },
            bt: new double[,]
            {
                { 4, 0, -5, 0, 1, 0 },
                { 0, -4, -4, 1, 1, 0 },
                { 0, 4, -4, -1, 1, 0 },
                { 0, -2, -1, 2, 1, 0 },
                { 0, 2, -1, -2, 1, 0 },
                { 0, 4, 0, -5, 0, 1 },
            });

        /// <summary>The tiles the planner may take, largest first.</summary>
        public static readonly WinogradTile[] All = { F4, F2 };

        private WinogradTile(int m, string points, double[,] at, double[,] g, double[,] bt)
        {
            M = m;
            Points = points;
            AT = at;
            G = g;
            BT = bt;
        }

        /// <summary>Outputs per tile and axis.</summary>
        public int M { get; }

        /// <summary>Inputs per tile and axis: m + 2 (a 3-tap window).</summary>
        public int T => M + 2;

        /// <summary>Products per tile in 2-D, one per transformed position.</summary>
        public int Products => T * T;

        public string Points { get; }

        /// <summary>The output transform, m x T.</summary>
        public double[,] AT { get; }

        /// <summary>The weight transform, T x 3.</summary>
        public double[,] G { get; }

        /// <summary>The input transform, T x T.</summary>
        public double[,] BT { get; }

        public string Name => $"F({M}x{M}, 3x3)";

        /// <summary>The nonzero coefficients of row <paramref name="row"/> of <paramref name="matrix"/>, as (column, value).</summary>
        public static (int Column, double Value)[] Row(double[,] matrix, int row) =>
            Enumerable.Range(0, matrix.GetLength(1)).Where(column => matrix[row, column] != 0).Select(column => (column, matrix[row, column])).ToArray();

        /// <summary>
        /// <c>row · x</c> as source, for scalars or vectors: the nonzero terms only, positive ones first, a coefficient of
        /// 1 unwritten, others as a multiply by a literal of <paramref name="type"/> (the transforms' integers are exact).
        /// </summary>
        public static string Combination(double[,] matrix, int row, System.Func<int, string> value, Model.ElementType type)
        {
            var text = new System.Text.StringBuilder();
            foreach ((int column, double coefficient) in Row(matrix, row).OrderBy(term => term.Value < 0))
            {
                string magnitude = System.Math.Abs(coefficient) == 1 ? value(column) : $"{value(column)} * {Emit.Literals.Real(System.Math.Abs(coefficient), type)}";
                text.Append(text.Length == 0 ? (coefficient < 0 ? $"-({magnitude})" : magnitude) : (coefficient < 0 ? " - " : " + ") + magnitude);
            }

            return text.Length == 0 ? Emit.Literals.Real(0, type) : text.ToString();
        }
    }
}
