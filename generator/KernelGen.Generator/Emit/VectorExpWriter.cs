using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// The exponential the float activations are built on, written into the kernel's class per vector width.
    /// <c>Vector512.Exp(Vector512&lt;float&gt;)</c> computes in double precision and is a call into .NET's helpers, which
    /// start unoptimized (tier 0): measured over 65 536 floats, 120 us once tiered and 750 us for the first calls,
    /// against 46 us for this form from the first call. Error within 1 ulp over the normal range (largest relative
    /// error 8.2e-8 over 200 000 random arguments, against double-precision <c>Math.Exp</c>). Double keeps .NET's.
    /// </summary>
    internal static class VectorExpWriter
    {
        private const string Method = "Exp";

        /// <summary>The call that computes exp on every lane of <paramref name="value"/>.</summary>
        public static string Call(VectorWidth width, ElementType type, string value) =>
            type == ElementType.Float ? $"{Method}({value})" : $"{width.Type}.Exp({value})";

        /// <summary>The float method for <paramref name="width"/>; nothing for double, which calls .NET's.</summary>
        public static void WriteMethod(IndentedWriter writer, VectorWidth width, ElementType type)
        {
            if (type != ElementType.Float)
            {
                return;
            }

            string v = width.Type, vector = $"{v}<float>";
            string C(double value) => $"{v}.Create({Literals.Real(value, ElementType.Float)})";
            writer.WriteLine("/// <summary>");
            writer.WriteLine("/// exp on every lane, to within 1 ulp: 2^n * exp(r) with n = round(x / ln 2) and r = x - n ln 2, |r| &lt;= ln 2 / 2;");
            writer.WriteLine("/// exp(r) = 1 + r + r^2 P(r) with a degree-5 minimax P. ln 2 is subtracted in two parts, the first with few");
            writer.WriteLine("/// enough bits that n times it is exact. Overflow gives infinity, below -104 the result is 0, NaN stays NaN.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            using (writer.Block($"private static {vector} {Method}({vector} x)"))
            {
                void WriteReduced(double low)
                {
                    writer.WriteLine($"var clamped = {v}.Min({v}.Max(x, {C(low)}), {C(88.72284)});");
                    writer.WriteLine($"var n = {v}.Round(clamped * {C(1.4426950408889634)});");
                    writer.WriteLine($"var r = {width.Fma("n", C(-0.693359375), "clamped")};");
                    writer.WriteLine($"r = {width.Fma("n", C(2.12194440e-4), "r")};");
                    double[] p = { 1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1 };
                    writer.WriteLine($"var p = {C(p[0])};");
                    for (int i = 1; i < p.Length; i++)
                    {
                        writer.WriteLine($"p = {width.Fma("p", "r", C(p[i]))};");
                    }

                    writer.WriteLine($"p = {width.Fma("p * r", "r", "r")} + {vector}.One;");
                }

                if (width == VectorWidth.Vector512)
                {
                    // AVX-512's scale instruction (vscalefps) multiplies by 2^n in one step, rounding once, a subnormal
                    // included and 0 below it: no exponent arithmetic and no select (measured, SiLU over 2 MiB on the
                    // Intel machine: 241 -> 168-180 us). Every machine with Vector512 accelerated has it so far.
                    using (writer.Block("if (global::System.Runtime.Intrinsics.X86.Avx512F.IsSupported)"))
                    {
                        WriteReduced(-150);
                        writer.WriteLine("return global::System.Runtime.Intrinsics.X86.Avx512F.Scale(p, n);");
                    }
                }

                void WriteTwoFactors()
                {
                    WriteReduced(-104);
                    writer.WriteLine("// 2^n as two factors, so that a subnormal result (n down to -150) needs no exponent outside the normal range.");
                    writer.WriteLine($"var whole = {v}.ConvertToInt32(n);");
                    writer.WriteLine("var half = whole >> 1;");
                    writer.WriteLine($"var scaled = p * {v}.AsSingle((half + {v}.Create(127)) << 23) * {v}.AsSingle((whole - half + {v}.Create(127)) << 23);");
                    writer.WriteLine($"return {v}.ConditionalSelect({v}.LessThan(x, {C(-104)}), {vector}.Zero, scaled);");
                }

                if (width != VectorWidth.Vector512)
                {
                    WriteTwoFactors();
                    return;
                }

                using (writer.Block("else"))
                {
                    WriteTwoFactors();
                }
            }
        }
    }
}
