namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// The double-precision functions .NET lacks or computes with cancellation, written into a kernel's class for the
    /// scalar activations that need them: expm1 (ELU), log1p (softplus), erfc (GELU).
    /// </summary>
    internal static class ScalarMathWriter
    {
        /// <summary>
        /// exp(x) - 1 in double precision to a few ulps everywhere, Kahan's form: u = exp(x) rounded, then (u - 1) * x / log(u),
        /// in which the rounding error of u cancels; exp(x) - 1 alone loses every digit near 0.
        /// </summary>
        public static void WriteExpM1(IndentedWriter writer)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary>exp(x) - 1 without cancellation near 0: .NET's double.ExpM1 is exp(x) - 1.</summary>");
            using (writer.Block("private static double ExpM1(double x)"))
            {
                writer.WriteLine("double u = global::System.Math.Exp(x);");
                writer.WriteLine("if (u == 1.0) return x;");
                writer.WriteLine("double uMinus1 = u - 1.0;");
                writer.WriteLine("if (uMinus1 == -1.0) return -1.0;");
                writer.WriteLine("return uMinus1 * x / global::System.Math.Log(u);");
            }
        }

        /// <summary>log(1 + y) in double precision to a few ulps, Goldberg's form: log(u) * y / (u - 1) with u = 1 + y rounded.</summary>
        public static void WriteLog1P(IndentedWriter writer)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary>log(1 + y) without losing a small y: .NET's double.LogP1 is log(y + 1).</summary>");
            using (writer.Block("private static double Log1P(double y)"))
            {
                writer.WriteLine("double u = 1.0 + y;");
                writer.WriteLine("return u == 1.0 ? y : global::System.Math.Log(u) * y / (u - 1.0);");
            }
        }

        /// <summary>
        /// erfc in double precision, to a relative error of about 1e-13 wherever the result is a normal double: 1 - erf
        /// from erf's Maclaurin series below 1.5 (where erfc is at least 0.03, so the subtraction loses little), erfc's
        /// continued fraction from 1.5, evaluated from a fixed depth backwards; 0 (or 2) where erfc underflows.
        /// </summary>
        public static void WriteErfc(IndentedWriter writer)
        {
            writer.WriteLine();
            writer.WriteLine("/// <summary>erfc(z) in double precision: .NET has no erf or erfc of its own.</summary>");
            using (writer.Block("private static double Erfc(double z)"))
            {
                writer.WriteLine("double a = global::System.Math.Abs(z);");
                using (writer.Block("if (a < 1.5)"))
                {
                    writer.WriteLine("// erf(a) = 2/sqrt(pi) * sum over n of (-1)^n a^(2n+1) / (n! (2n+1))");
                    writer.WriteLine("double term = a, sum = a, square = a * a;");
                    using (writer.Block("for (int n = 1; n < 60; n++)"))
                    {
                        writer.WriteLine("term *= -square / n;");
                        writer.WriteLine("double next = term / (2 * n + 1);");
                        writer.WriteLine("sum += next;");
                        writer.WriteLine("if (global::System.Math.Abs(next) < 1e-17 * sum) break;");
                    }

                    writer.WriteLine("double erf = sum * 1.1283791670955126;");
                    writer.WriteLine("return z < 0 ? 1.0 + erf : 1.0 - erf;");
                }

                using (writer.Block("if (!(a < 27.3))"))
                {
                    writer.WriteLine("return double.IsNaN(z) ? z : z < 0 ? 2.0 : 0.0;");
                }

                writer.WriteLine("// erfc(a) = exp(-a^2) / sqrt(pi) / (a + (1/2)/(a + (2/2)/(a + (3/2)/(a + ...))))");
                writer.WriteLine("double f = a;");
                using (writer.Block("for (int k = 100; k >= 1; k--)"))
                {
                    writer.WriteLine("f = a + k * 0.5 / f;");
                }

                writer.WriteLine("double tail = global::System.Math.Exp(-a * a) * 0.5641895835477563 / f;");
                writer.WriteLine("return z < 0 ? 2.0 - tail : tail;");
            }
        }
    }
}
