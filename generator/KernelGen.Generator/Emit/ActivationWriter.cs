using System.Globalization;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// The fused activation: a scalar <c>Activate</c> and one overload per vector width, written into the kernel's
    /// implementation class, and applied by every form to each output value: before it is stored, or, for an activation
    /// built on <c>Exp</c> after a vector form, in one vector pass (<see cref="IsFusedInRegisters"/>). PyTorch's behaviour on
    /// NaN, infinities and large magnitudes is kept by the formulas themselves (an IEEE maximum propagates NaN; an
    /// exponential that overflows to infinity drives a quotient to 0), not by special cases.
    /// </summary>
    internal static class ActivationWriter
    {
        private const string Function = "Activate";

        /// <summary><paramref name="value"/> through the activation, or unchanged when there is none.</summary>
        public static string Apply(ActivationSpec activation, string value) => Open(activation) + value + Close(activation);

        /// <summary>
        /// True when the vector forms apply the activation to their accumulators before storing them: for the piecewise-linear
        /// ones, one or two instructions per vector. One built on <c>Exp</c> is dozens of instructions, which the JIT does
        /// not inline at every accumulator of a kernel method thousands of lines long; called per accumulator, SiLU made a
        /// 1x1 convolution 3.2x slower and GELU a 3x3 convolution 5x slower than without an activation. Those run in one
        /// vector pass over the finished output instead (<see cref="VectorPass"/>), a small method where the body inlines once.
        /// </summary>
        public static bool IsFusedInRegisters(ActivationSpec activation) =>
            activation.Kind is ActivationKind.None or ActivationKind.Relu or ActivationKind.LeakyRelu or ActivationKind.Relu6
                or ActivationKind.HardSigmoid or ActivationKind.HardSwish or ActivationKind.Clamp;

        /// <summary>What a vector form stores for <paramref name="value"/>: through the activation where it is fused in registers, else unchanged (the pass follows).</summary>
        public static string InRegisters(ActivationSpec activation, string value) => IsFusedInRegisters(activation) ? Apply(activation, value) : value;

        /// <summary>The statement that runs the activation's vector pass over <c>output</c> after a vector form, or null when the form applied it in registers.</summary>
        public static string? VectorPass(ActivationSpec activation, VectorWidth width) =>
            IsFusedInRegisters(activation) ? null : $"{PassMethod}_{width.Name}(output);";

        private const string PassMethod = "ActivateOutput";

        /// <summary>The start of the activation's call, for a value written over several lines; empty when there is none.</summary>
        public static string Open(ActivationSpec activation) => activation.IsNone ? string.Empty : Function + "(";

        public static string Close(ActivationSpec activation) => activation.IsNone ? string.Empty : ")";

        /// <summary>The scalar function and, on .NET 9 or later, its overloads for the vector widths the kernel uses.</summary>
        public static void WriteMembers(IndentedWriter writer, KernelSignature signature, ActivationSpec activation, VectorWidth[] widths)
        {
            if (activation.IsNone)
            {
                return;
            }

            string t = signature.ElementKeyword;
            writer.WriteLine();
            writer.WriteLine($"/// <summary>{Describe(activation)}, as PyTorch computes it.</summary>");
            using (writer.Block($"private static {t} {Function}({t} x)"))
            {
                foreach (string line in ScalarBody(activation, signature.ElementType).Split('\n'))
                {
                    writer.WriteLine(line);
                }
            }

            if (activation.Kind == ActivationKind.Gelu)
            {
                ScalarMathWriter.WriteErfc(writer);
            }
            else if (activation.Kind == ActivationKind.Elu)
            {
                ScalarMathWriter.WriteExpM1(writer);
            }
            else if (activation.Kind == ActivationKind.Softplus)
            {
                ScalarMathWriter.WriteLog1P(writer);
            }

            if (widths.Length == 0)
            {
                return;
            }

            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            foreach (VectorWidth width in widths)
            {
                string vector = $"{width.Type}<{t}>";
                writer.WriteLine($"/// <summary>{activation.Kind} on every lane.</summary>");
                writer.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
                using (writer.Block($"private static {vector} {Function}({vector} x)"))
                {
                    WriteVectorBody(writer, activation, width, signature.ElementType);
                }

                if (!IsFusedInRegisters(activation))
                {
                    VectorExpWriter.WriteMethod(writer, width, signature.ElementType);
                    WriteVectorPass(writer, signature, activation, width);
                }
            }

            writer.WriteLine("#endif");
        }

        /// <summary>The activation over a finished output, a vector at a time and the last elements one by one.</summary>
        private static void WriteVectorPass(IndentedWriter writer, KernelSignature signature, ActivationSpec activation, VectorWidth width)
        {
            string t = signature.ElementKeyword;
            int lanes = width.Lanes(signature.ElementType);
            writer.WriteLine($"/// <summary>{activation.Kind} over the finished output with {width.Name}: one loop, into which the activation inlines.</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: false);
            using (writer.Block($"private static void {PassMethod}_{width.Name}(global::System.Span<{t}> output)"))
            {
                writer.WriteLine(Code.StartRef(t, "output"));
                writer.WriteLine("int i = 0;");
                using (writer.Block($"for (; i <= output.Length - {lanes}; i += {lanes})"))
                {
                    writer.WriteLine(width.Store($"{Function}({width.Load("outputStart", "i")})", "outputStart", "i"));
                }

                using (writer.Block("for (; i < output.Length; i++)"))
                {
                    writer.WriteLine($"{Code.At("outputStart", "i")} = {Function}({Code.At("outputStart", "i")});");
                }
            }
        }

        private static string Describe(ActivationSpec a) => a.Kind switch
        {
            ActivationKind.Relu => "x < 0 ? 0 : x",
            ActivationKind.LeakyRelu => $"x where positive, else x * {a.NegativeSlope.ToString("R", CultureInfo.InvariantCulture)}",
            ActivationKind.Relu6 => "x < 0 ? 0 : x > 6 ? 6 : x",
            ActivationKind.Tanh => "tanh(x)",
            ActivationKind.Sigmoid => "1 / (1 + exp(-x))",
            ActivationKind.Silu => "x * sigmoid(x)",
            ActivationKind.Gelu => "x/2 * (1 + erf(x / sqrt(2)))",
            ActivationKind.HardSigmoid => "min(max(x + 3, 0), 6) / 6",
            ActivationKind.HardSwish => "x * min(max(x + 3, 0), 6) / 6",
            ActivationKind.Elu => $"x where positive, else {Invariant(a.Alpha)} * (exp(x) - 1)",
            ActivationKind.Softplus => "log(1 + exp(x)), and x above 20",
            ActivationKind.Mish => "x * tanh(softplus(x))",
            ActivationKind.Clamp => $"min(max(x, {Invariant(a.Min)}), {Invariant(a.Max)})",
            _ => "x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))",
        };

        private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>
        /// In double precision, as the reference for every vector form and exact for the piecewise-linear ones. Every
        /// formula keeps its relative precision everywhere: the sigmoid family from exp(-|x|), which never overflows, so
        /// that a tail is computed as the small number it is, not as 1 minus something close to 1 or x over infinity;
        /// GELU from erfc, for the same reason in its negative tail.
        /// </summary>
        private static string ScalarBody(ActivationSpec a, ElementType type)
        {
            string t = type == ElementType.Float ? "float" : "double", zero = Literals.Real(0, type), math = "global::System.Math";
            string sigmoid = $"double e = {math}.Exp(-{math}.Abs(s)), r = 1.0 / (1.0 + e), sigmoid = s >= 0 ? r : e * r;";
            return a.Kind switch
            {
                ActivationKind.Relu => $"return x < {zero} ? {zero} : x;",
                ActivationKind.LeakyRelu => $"return x > {zero} ? x : x * {Literals.Real(a.NegativeSlope, type)};",
                ActivationKind.Relu6 => $"return x < {zero} ? {zero} : x > {Literals.Real(6, type)} ? {Literals.Real(6, type)} : x;",
                ActivationKind.Tanh => $"return ({t}){math}.Tanh(x);",
                ActivationKind.Sigmoid => $"double s = x;\n{sigmoid}\nreturn ({t})sigmoid;",
                ActivationKind.Silu => $"double s = x;\n{sigmoid}\nreturn ({t})(s * sigmoid);",
                ActivationKind.Gelu => $"return ({t})(0.5 * x * Erfc(x * -0.7071067811865476));",
                ActivationKind.HardSigmoid or ActivationKind.HardSwish =>
                    $"// In the element type, each step rounded as PyTorch rounds it; NaN passes the clamps.\n{t} c = x + {Literals.Real(3, type)};\nc = c < {zero} ? {zero} : c > {Literals.Real(6, type)} ? {Literals.Real(6, type)} : c;\n"
                    + (a.Kind == ActivationKind.HardSigmoid ? $"return c / {Literals.Real(6, type)};" : $"return x * c / {Literals.Real(6, type)};"),
                ActivationKind.Elu => $"return x > {zero} ? x : ({t})({Literals.Real(a.Alpha, ElementType.Double)} * ExpM1(x));",
                ActivationKind.Softplus => $"// PyTorch's threshold: above 20, x itself.\ndouble s = x;\nreturn ({t})(s > 20 ? s : Log1P({math}.Exp(s)));",
                ActivationKind.Mish => "// tanh(log(1 + e)) = n / (n + 2) with n = e (e + 2), e = exp(x): no cancellation in either tail; 1 in double above 20.\n"
                    + $"double s = x;\nif (!(s <= 20)) return x;\n"
                    + (type == ElementType.Float ? string.Empty : "// Below -512, x exp(x) as x exp(x + 512) exp(-512): exp(x) alone would be a subnormal with few bits.\nif (s < -512) return s * global::System.Math.Exp(s + 512) * " + Literals.Real(System.Math.Exp(-512), ElementType.Double) + ";\n")
                    + $"double e = {math}.Exp(s), n = e * (e + 2);\nreturn ({t})(s * n / (n + 2));",
                ActivationKind.Clamp => "// PyTorch's order: the lower bound, then the upper; NaN passes.\n" + ClampReturn(a, type, "x"),
                _ => $"// x/2 * (1 + tanh(u)) = x * sigmoid(2u): no 1 + tanh(u) to cancel where tanh(u) nears -1.\ndouble v = x, s = 1.5957691216057308 * (v + 0.044715 * v * v * v);\n{sigmoid}\nreturn ({t})(v * sigmoid);",
            };
        }

        /// <summary>Clamp's scalar form in the element type; a bound that is not given (infinite) is not tested.</summary>
        private static string ClampReturn(ActivationSpec a, ElementType type, string x)
        {
            string result = x;
            if (!double.IsInfinity(a.Max))
            {
                result = $"{x} > {Literals.Real(a.Max, type)} ? {Literals.Real(a.Max, type)} : {result}";
            }

            if (!double.IsInfinity(a.Min))
            {
                result = $"{x} < {Literals.Real(a.Min, type)} ? {Literals.Real(a.Min, type)} : {result}";
            }

            return $"return {result};";
        }

        private static void WriteVectorBody(IndentedWriter writer, ActivationSpec a, VectorWidth w, ElementType type)
        {
            string v = w.Type, t = type == ElementType.Float ? "float" : "double", vt = $"{v}<{t}>";
            string C(double value) => $"{v}.Create({Literals.Real(value, type)})";
            string Exp(string value) => VectorExpWriter.Call(w, type, value);
            void Sigmoid(string s)
            {
                writer.WriteLine($"// sigmoid from exp(-|s|), which never overflows: the negative tail is e/(1 + e), not 1 over an infinity.");
                writer.WriteLine($"var e = {Exp($"-{v}.Abs({s})")};");
                writer.WriteLine($"var r = {vt}.One / ({vt}.One + e);");
                writer.WriteLine($"var sigmoid = {v}.ConditionalSelect({v}.GreaterThanOrEqual({s}, {vt}.Zero), r, e * r);");
            }

            switch (a.Kind)
            {
                case ActivationKind.Relu:
                    writer.WriteLine("// PyTorch's x < 0 ? 0 : x: -0 and NaN pass unchanged (IEEE's maximum, Vector.Max, turns -0 into +0).");
                    writer.WriteLine($"return {v}.ConditionalSelect({v}.LessThan(x, {vt}.Zero), {vt}.Zero, x);");
                    break;
                case ActivationKind.LeakyRelu:
                    writer.WriteLine($"return {v}.ConditionalSelect({v}.GreaterThan(x, {vt}.Zero), x, x * {C(a.NegativeSlope)});");
                    break;
                case ActivationKind.HardSigmoid or ActivationKind.HardSwish:
                    writer.WriteLine("// PyTorch's order of steps: x + 3, clamped to [0, 6] (NaN passes), then the product and the division.");
                    writer.WriteLine($"var six = {C(6)};");
                    writer.WriteLine($"var c = x + {C(3)};");
                    writer.WriteLine($"c = {v}.ConditionalSelect({v}.GreaterThan(c, six), six, {v}.ConditionalSelect({v}.LessThan(c, {vt}.Zero), {vt}.Zero, c));");
                    writer.WriteLine(a.Kind == ActivationKind.HardSigmoid ? "return c / six;" : "return x * c / six;");
                    break;
                case ActivationKind.Relu6:
                    writer.WriteLine("// PyTorch's hardtanh(x, 0, 6): -0 and NaN pass unchanged.");
                    writer.WriteLine($"var six = {C(6)};");
                    writer.WriteLine($"return {v}.ConditionalSelect({v}.GreaterThan(x, six), six, {v}.ConditionalSelect({v}.LessThan(x, {vt}.Zero), {vt}.Zero, x));");
                    break;
                case ActivationKind.Clamp:
                    writer.WriteLine("// PyTorch's order: the lower bound, then the upper; -0 and NaN pass unchanged.");
                    string clamped = "x";
                    if (!double.IsInfinity(a.Min))
                    {
                        clamped = $"{v}.ConditionalSelect({v}.LessThan(x, {C(a.Min)}), {C(a.Min)}, {clamped})";
                    }

                    writer.WriteLine(double.IsInfinity(a.Max) ? $"return {clamped};" : $"var low = {clamped};");
                    if (!double.IsInfinity(a.Max))
                    {
                        writer.WriteLine($"return {v}.ConditionalSelect({v}.GreaterThan(low, {C(a.Max)}), {C(a.Max)}, low);");
                    }

                    break;
                case ActivationKind.Elu:
                    WriteVectorElu(writer, a, w, type, C, Exp);
                    break;
                case ActivationKind.Softplus:
                    WriteVectorSoftplus(writer, w, type, C, Exp);
                    break;
                case ActivationKind.Mish:
                    writer.WriteLine("// tanh(log(1 + e)) = n / (n + 2) with n = e (e + 2), e = exp(x): no tanh, no log, no cancellation in either tail; 1 to the last bit above 20, where x itself is the result (and the argument of exp is held there).");
                    // Where exp(x) nears the subnormals it has few bits left: there mish is x exp(x) to the last bit, computed as
                    // x exp(x + shift) exp(-shift), x + shift exact for x in [-2 shift, -shift / 2].
                    double shift = type == ElementType.Float ? 64 : 512;
                    writer.WriteLine($"// Below -{Literals.Int((long)shift)}, x exp(x) as x exp(x + {Literals.Int((long)shift)}) exp(-{Literals.Int((long)shift)}): exp(x) alone would be a subnormal with few bits.");
                    writer.WriteLine($"var tail = {v}.LessThan(x, {C(-shift)});");
                    writer.WriteLine($"var argument = {v}.ConditionalSelect({v}.LessThan(x, {C(20)}), x, {C(20)});");
                    writer.WriteLine($"var e = {Exp($"{v}.ConditionalSelect(tail, x + {C(shift)}, argument)")};");
                    writer.WriteLine($"var n = e * (e + {C(2)});");
                    writer.WriteLine($"var mish = {v}.ConditionalSelect(tail, x * e * {C(System.Math.Exp(-shift))}, x * n / (n + {C(2)}));");
                    writer.WriteLine($"return {v}.ConditionalSelect({v}.GreaterThan(x, {C(20)}), x, mish);");
                    break;
                case ActivationKind.Tanh:
                    WriteVectorTanh(writer, w, type, C, Exp);
                    break;
                case ActivationKind.Sigmoid:
                    Sigmoid("x");
                    writer.WriteLine("return sigmoid;");
                    break;
                case ActivationKind.Silu:
                    Sigmoid("x");
                    writer.WriteLine("return x * sigmoid;");
                    break;
                case ActivationKind.GeluTanh:
                    writer.WriteLine("// x/2 * (1 + tanh(u)) = x * sigmoid(2u): no 1 + tanh(u) to cancel where tanh(u) nears -1.");
                    writer.WriteLine($"var twiceU = {C(1.5957691216057308)} * (x + {C(0.044715)} * x * x * x);");
                    Sigmoid("twiceU");
                    writer.WriteLine("return x * sigmoid;");
                    break;
                case ActivationKind.Gelu when type == ElementType.Float:
                    WriteVectorGelu(writer, w, C, vt, Exp);
                    break;
                default:
                    writer.WriteLine("// erfc to double precision has no vector form here: lane by lane.");
                    writer.WriteLine($"global::System.Span<{t}> lanes = stackalloc {t}[{vt}.Count];");
                    writer.WriteLine($"{v}.CopyTo(x, lanes);");
                    using (writer.Block("for (int i = 0; i < lanes.Length; i++)"))
                    {
                        writer.WriteLine($"lanes[i] = {Function}(lanes[i]);");
                    }

                    writer.WriteLine($"return {v}.Create((global::System.ReadOnlySpan<{t}>)lanes);");
                    break;
            }
        }

        /// <summary>
        /// Elu: alpha * expm1(x) below 0, expm1 from its Taylor series where |x| &lt; 0.5 (degree 8 in float, 14 in double:
        /// the first term left out is below 1.5e-8 and 7e-17 of the result there), exp(x) - 1 beyond, where it loses at
        /// most one bit; -0 kept.
        /// </summary>
        private static void WriteVectorElu(IndentedWriter writer, ActivationSpec a, VectorWidth w, ElementType type, System.Func<double, string> c, System.Func<string, string> exp)
        {
            string v = w.Type, vt = $"{v}<{(type == ElementType.Float ? "float" : "double")}>";
            int degree = type == ElementType.Float ? 8 : 14;
            writer.WriteLine("// Near 0, x + x^2 (1/2! + x/3! + ...): exp(x) - 1 would cancel to nothing.");
            writer.WriteLine($"var p = {c(1.0 / Factorial(degree))};");
            for (int n = degree - 1; n >= 2; n--)
            {
                writer.WriteLine($"p = {w.Fma("p", "x", c(1.0 / Factorial(n)))};");
            }

            writer.WriteLine($"var small = {w.Fma("p * x", "x", "x")};");
            writer.WriteLine($"var expM1 = {v}.ConditionalSelect({v}.LessThan({v}.Abs(x), {c(0.5)}), small, {exp("x")} - {vt}.One);");
            writer.WriteLine("// elu(-0) is alpha * -0, which x + x^2 P(x) rounds to +0.");
            writer.WriteLine($"expM1 = {v}.ConditionalSelect({v}.Equals(x, {vt}.Zero), x, expM1);");
            writer.WriteLine($"return {v}.ConditionalSelect({v}.GreaterThan(x, {vt}.Zero), x, {c(a.Alpha)} * expM1);");
        }

        private static double Factorial(int n)
        {
            double product = 1;
            for (int i = 2; i <= n; i++)
            {
                product *= i;
            }

            return product;
        }

        /// <summary>
        /// Softplus as max(x, 0) + log1p(exp(-|x|)): exp never overflows and the negative tail keeps its relative precision.
        /// log1p(t) = 2 atanh(s) with s = t / (2 + t) &lt;= 1/3, from atanh's series to s^15 in float and s^33 in double (the
        /// first term left out is below 1.2e-8 and 1.5e-17 of the result); PyTorch's threshold, x itself above 20.
        /// </summary>
        private static void WriteVectorSoftplus(IndentedWriter writer, VectorWidth w, ElementType type, System.Func<double, string> c, System.Func<string, string> exp)
        {
            string v = w.Type, vt = $"{v}<{(type == ElementType.Float ? "float" : "double")}>";
            int terms = type == ElementType.Float ? 7 : 16;
            writer.WriteLine($"var t = {exp($"-{v}.Abs(x)")};");
            writer.WriteLine($"var s = t / ({c(2)} + t);");
            writer.WriteLine("var z = s * s;");
            writer.WriteLine("// 1 + z/3 + z^2/5 + ...: log1p(t) = 2 s times it.");
            writer.WriteLine($"var p = {c(1.0 / (2 * terms + 1))};");
            for (int k = terms - 1; k >= 1; k--)
            {
                writer.WriteLine($"p = {w.Fma("p", "z", c(1.0 / (2 * k + 1)))};");
            }

            writer.WriteLine($"p = {w.Fma("p", "z", $"{vt}.One")};");
            writer.WriteLine($"var softplus = {v}.ConditionalSelect({v}.GreaterThan(x, {vt}.Zero), x, {vt}.Zero) + {c(2)} * s * p;");
            writer.WriteLine($"return {v}.ConditionalSelect({v}.GreaterThan(x, {c(20)}), x, softplus);");
        }

        /// <summary>
        /// tanh: below |x| = 0.625 an odd polynomial (float) or rational function (double), Cephes' tanhf and tanh
        /// (largest relative error 7.7e-8 and 3.3e-16 on that range), because 1 - 2/(exp(2|x|) + 1) cancels there (it
        /// gave 0 for 1e-8); above, that formula with x's sign, whose quotient goes to 0 as exp overflows to infinity.
        /// </summary>
        private static void WriteVectorTanh(IndentedWriter writer, VectorWidth w, ElementType type, System.Func<double, string> c, System.Func<string, string> exp)
        {
            string v = w.Type, vt = $"{v}<{(type == ElementType.Float ? "float" : "double")}>";
            writer.WriteLine("// Near 0, x + x^3 P(x^2): 1 - 2/(exp(2|x|) + 1) would cancel to nothing.");
            writer.WriteLine("var z = x * x;");
            if (type == ElementType.Float)
            {
                double[] p = { -5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1 };
                writer.WriteLine($"var p = {c(p[0])};");
                for (int i = 1; i < p.Length; i++)
                {
                    writer.WriteLine($"p = {w.Fma("p", "z", c(p[i]))};");
                }

                writer.WriteLine($"var small = {w.Fma("p * z", "x", "x")};");
            }
            else
            {
                double[] p = { -9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3 };
                double[] q = { 1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3 };
                writer.WriteLine($"var p = {w.Fma(w.Fma(c(p[0]), "z", c(p[1])), "z", c(p[2]))};");
                writer.WriteLine($"var q = {w.Fma(w.Fma("z + " + c(q[0]), "z", c(q[1])), "z", c(q[2]))};");
                writer.WriteLine($"var small = {w.Fma("z * (p / q)", "x", "x")};");
            }

            writer.WriteLine($"var a = {v}.Abs(x);");
            writer.WriteLine($"var twice = {exp("a + a")};");
            writer.WriteLine($"var large = {v}.CopySign({vt}.One - {c(2)} / (twice + {vt}.One), x);");
            writer.WriteLine("// tanh(-0) is -0, which x + x^3 P(x^2) rounds to +0.");
            writer.WriteLine($"return {v}.ConditionalSelect({v}.Equals(x, {vt}.Zero), x, {v}.ConditionalSelect({v}.LessThan(a, {c(0.625)}), small, large));");
        }

        /// <summary>
        /// x/2 * erfc(-x / sqrt(2)), erfc from a Chebyshev fit (fractional error below 1.2e-7 everywhere, within float
        /// rounding): erfc(a) = t * exp(-a^2 + P(t)), t = 1 / (1 + a/2), for a = |z|, and 2 - erfc(|z|) for z below 0.
        /// </summary>
        private static void WriteVectorGelu(IndentedWriter writer, VectorWidth w, System.Func<double, string> c, string vt, System.Func<string, string> exp)
        {
            string v = w.Type;
            double[] p = { -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277 };
            writer.WriteLine($"var z = x * {c(-0.7071067811865476)};");
            writer.WriteLine($"var a = {v}.Abs(z);");
            writer.WriteLine($"var t = {vt}.One / ({vt}.One + {c(0.5)} * a);");
            writer.WriteLine($"var poly = {c(p[p.Length - 1])};");
            foreach (double coefficient in p.Take(p.Length - 1).Reverse())
            {
                writer.WriteLine($"poly = {w.Fma("poly", "t", c(coefficient))};");
            }

            writer.WriteLine($"var tail = t * {exp("poly - a * a")};");
            writer.WriteLine($"var erfc = {v}.ConditionalSelect({v}.GreaterThanOrEqual(z, {vt}.Zero), tail, {c(2)} - tail);");
            writer.WriteLine($"return {c(0.5)} * x * erfc;");
        }
    }
}
