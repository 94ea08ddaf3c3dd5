namespace KernelGen.Tests.Reference;

/// <summary>
/// Textbook definitions, written for clarity and independently of the generator's shape code: the references that the
/// property tests compare generated kernels with. One sample, row-major, channels first, any spatial rank.
/// </summary>
public static class NaiveReference
{
    /// <summary>PyTorch's output size of a transposed convolution.</summary>
    public static int ConvTransposeSize(int input, int k, int s, int p, int op, int d) => (input - 1) * s - 2 * p + d * (k - 1) + op + 1;

    /// <summary>PyTorch's output size of a convolution: floor((in + 2p - d(k-1) - 1)/s) + 1.</summary>
    public static int ConvSize(int input, int k, int s, int p, int d)
    {
        int span = input + (2 * p) - (d * (k - 1)) - 1;
        return span < 0 ? 0 : (span / s) + 1;
    }

    /// <summary>Transposed convolution by its definition: input position i spreads w * x over output i*s - p + t*d.</summary>
    public static double[] ConvTranspose(double[] x, double[] w, double[]? bias, int cin, int cout, int[] inSize, int[] k, int[] s, int[] p, int[] op, int[] d, int groups)
    {
        int[] outSize = inSize.Select((n, a) => ConvTransposeSize(n, k[a], s[a], p[a], op[a], d[a])).ToArray();
        int cinG = cin / groups, coutG = cout / groups;
        var y = new double[cout * Product(outSize)];
        for (int co = 0; co < cout; co++)
        {
            for (int i = 0; i < Product(outSize); i++)
            {
                y[(co * Product(outSize)) + i] = bias?[co] ?? 0;
            }
        }

        for (int ci = 0; ci < cin; ci++)
        {
            int g = ci / cinG;
            foreach (int[] position in Indices(inSize))
            {
                double value = x[(ci * Product(inSize)) + Flat(position, inSize)];
                for (int j = 0; j < coutG; j++)
                {
                    int co = (g * coutG) + j;
                    foreach (int[] tap in Indices(k))
                    {
                        int[] target = position.Select((i, a) => (i * s[a]) - p[a] + (tap[a] * d[a])).ToArray();
                        if (target.Where((o, a) => o < 0 || o >= outSize[a]).Any())
                        {
                            continue;
                        }

                        y[(co * Product(outSize)) + Flat(target, outSize)] += value * w[(((ci * coutG) + j) * Product(k)) + Flat(tap, k)];
                    }
                }
            }
        }

        return y;
    }

    /// <summary>
    /// Direct (cross-correlation) convolution as PyTorch's conv{1,2,3}d with weight [C_out, C_in/g, k...]: the forward
    /// operator whose adjoint a transposed convolution is. Out size floor((in + 2p - d(k-1) - 1)/s) + 1.
    /// </summary>
    public static double[] Conv(double[] x, double[] w, int cin, int cout, int[] inSize, int[] k, int[] s, int[] p, int[] d, int groups, int[] outSize)
    {
        int cinG = cin / groups, coutG = cout / groups;
        var y = new double[cout * Product(outSize)];
        for (int co = 0; co < cout; co++)
        {
            int g = co / coutG;
            foreach (int[] o in Indices(outSize))
            {
                double sum = 0;
                for (int j = 0; j < cinG; j++)
                {
                    int ci = (g * cinG) + j;
                    foreach (int[] tap in Indices(k))
                    {
                        int[] source = o.Select((v, a) => (v * s[a]) - p[a] + (tap[a] * d[a])).ToArray();
                        if (source.Where((i, a) => i < 0 || i >= inSize[a]).Any())
                        {
                            continue;
                        }

                        sum += x[(ci * Product(inSize)) + Flat(source, inSize)] * w[(((co * cinG) + j) * Product(k)) + Flat(tap, k)];
                    }
                }

                y[(co * Product(outSize)) + Flat(o, outSize)] = sum;
            }
        }

        return y;
    }

    /// <summary>The 1x1 convolution as a matrix product per group: y[co, p] = b[co] + sum_j W[co, j] x[g*cinG + j, p].</summary>
    public static double[] MatMulOverChannels(double[] x, double[] w, double[]? bias, int cin, int cout, int positions, int groups)
    {
        int cinG = cin / groups, coutG = cout / groups;
        var y = new double[cout * positions];
        for (int co = 0; co < cout; co++)
        {
            for (int pos = 0; pos < positions; pos++)
            {
                double sum = bias?[co] ?? 0;
                for (int j = 0; j < cinG; j++)
                {
                    sum += w[(co * cinG) + j] * x[((((co / coutG) * cinG) + j) * positions) + pos];
                }

                y[(co * positions) + pos] = sum;
            }
        }

        return y;
    }

    /// <summary>PyTorch's bilinear upsampling, align_corners=False, by a whole factor: source (o + 0.5)/s - 0.5, clamped at 0, and the next row and column clamped at the edge.</summary>
    public static double[] Bilinear(double[] x, int channels, int h, int w, int scale)
    {
        int oh = h * scale, ow = w * scale;
        var y = new double[channels * oh * ow];
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < oh; i++)
            {
                double sy = Math.Max(((i + 0.5) / scale) - 0.5, 0);
                int y0 = (int)sy, y1 = Math.Min(y0 + 1, h - 1);
                double ly = sy - y0;
                for (int j = 0; j < ow; j++)
                {
                    double sx = Math.Max(((j + 0.5) / scale) - 0.5, 0);
                    int x0 = (int)sx, x1 = Math.Min(x0 + 1, w - 1);
                    double lx = sx - x0;
                    double At(int r, int col) => x[(((c * h) + r) * w) + col];
                    y[(((c * oh) + i) * ow) + j] = ((1 - ly) * (((1 - lx) * At(y0, x0)) + (lx * At(y0, x1)))) + (ly * (((1 - lx) * At(y1, x0)) + (lx * At(y1, x1))));
                }
            }
        }

        return y;
    }

    public static int Product(int[] dims) => dims.Aggregate(1, (a, b) => a * b);

    public static int Flat(int[] index, int[] dims)
    {
        int flat = 0;
        for (int a = 0; a < dims.Length; a++)
        {
            flat = (flat * dims[a]) + index[a];
        }

        return flat;
    }

    public static IEnumerable<int[]> Indices(int[] dims)
    {
        for (int flat = 0; flat < Product(dims); flat++)
        {
            var index = new int[dims.Length];
            int remaining = flat;
            for (int a = dims.Length - 1; a >= 0; a--)
            {
                index[a] = remaining % dims[a];
                remaining /= dims[a];
            }

            yield return index;
        }
    }
}
