namespace KernelGen.Benchmarks;

/// <summary>
/// The code a user writes by hand today: straightforward loops with every size a run-time parameter. The baseline each
/// generated kernel is compared with (and checked against before timing).
/// </summary>
public static class PlainLoops
{
    public static void ConvTranspose2d(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        int cin, int cout, int h, int wIn, int k, int stride, int pad, int outputPadding, int groups, int dilation = 1)
    {
        int span = (dilation * (k - 1)) + 1;
        int oh = ((h - 1) * stride) - (2 * pad) + span + outputPadding, ow = ((wIn - 1) * stride) - (2 * pad) + span + outputPadding;
        int cinG = cin / groups, coutG = cout / groups;
        for (int co = 0; co < cout; co++)
        {
            y.Slice(co * oh * ow, oh * ow).Fill(bias.IsEmpty ? 0 : bias[co]);
        }

        for (int ci = 0; ci < cin; ci++)
        {
            for (int j = 0; j < coutG; j++)
            {
                int co = (ci / cinG * coutG) + j;
                for (int iy = 0; iy < h; iy++)
                {
                    for (int ix = 0; ix < wIn; ix++)
                    {
                        float v = x[(((ci * h) + iy) * wIn) + ix];
                        for (int ky = 0; ky < k; ky++)
                        {
                            int oy = (iy * stride) - pad + (ky * dilation);
                            if (oy < 0 || oy >= oh)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < k; kx++)
                            {
                                int ox = (ix * stride) - pad + (kx * dilation);
                                if (ox >= 0 && ox < ow)
                                {
                                    y[(((co * oh) + oy) * ow) + ox] += v * w[(((((ci * coutG) + j) * k) + ky) * k) + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A convolution as a user writes it: for every output element, the sum over input channels and taps, skipping the
    /// padding with a bound test. 3-D; a 2-D layer has depth 1 and a 1-D one height 1 too, with a kernel of 1 there.
    /// </summary>
    public static void Conv3d(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        int cin, int cout, (int D, int H, int W) size, (int D, int H, int W) k, int stride, int pad, int groups = 1, int dilation = 1)
    {
        int Out(int n, int kk, int p) => ((n + (2 * p) - (dilation * (kk - 1)) - 1) / stride) + 1;
        (int pd, int ph) = (k.D == 1 ? 0 : pad, k.H == 1 ? 0 : pad);
        int od = Out(size.D, k.D, pd), oh = Out(size.H, k.H, ph), ow = Out(size.W, k.W, pad);
        int sd = k.D == 1 ? 1 : stride, sh = k.H == 1 ? 1 : stride;
        int cinG = cin / groups, coutG = cout / groups;
        for (int co = 0; co < cout; co++)
        {
            int firstInput = co / coutG * cinG;
            for (int z = 0; z < od; z++)
            {
                for (int r = 0; r < oh; r++)
                {
                    for (int c = 0; c < ow; c++)
                    {
                        float sum = bias.IsEmpty ? 0 : bias[co];
                        for (int j = 0; j < cinG; j++)
                        {
                            for (int kz = 0; kz < k.D; kz++)
                            {
                                int iz = (z * sd) - pd + (kz * dilation);
                                for (int ky = 0; ky < k.H; ky++)
                                {
                                    int iy = (r * sh) - ph + (ky * dilation);
                                    for (int kx = 0; kx < k.W; kx++)
                                    {
                                        int ix = (c * stride) - pad + (kx * dilation);
                                        if (iz >= 0 && iz < size.D && iy >= 0 && iy < size.H && ix >= 0 && ix < size.W)
                                        {
                                            sum += x[(((((firstInput + j) * size.D) + iz) * size.H) + iy) * size.W + ix]
                                                * w[(((((((co * cinG) + j) * k.D) + kz) * k.H) + ky) * k.W) + kx];
                                        }
                                    }
                                }
                            }
                        }

                        y[(((((co * od) + z) * oh) + r) * ow) + c] = sum;
                    }
                }
            }
        }
    }

    public static void ConvTranspose1d(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        int cin, int cout, int length, int k, int stride, int pad)
    {
        int outLength = ((length - 1) * stride) - (2 * pad) + k;
        for (int co = 0; co < cout; co++)
        {
            y.Slice(co * outLength, outLength).Fill(bias.IsEmpty ? 0 : bias[co]);
        }

        for (int ci = 0; ci < cin; ci++)
        {
            for (int co = 0; co < cout; co++)
            {
                for (int i = 0; i < length; i++)
                {
                    float v = x[(ci * length) + i];
                    for (int t = 0; t < k; t++)
                    {
                        int o = (i * stride) - pad + t;
                        if (o >= 0 && o < outLength)
                        {
                            y[(co * outLength) + o] += v * w[(((ci * cout) + co) * k) + t];
                        }
                    }
                }
            }
        }
    }

    /// <summary>A cubic 3-D transposed convolution as a user writes it: every input element scatters its kernel, bound-tested.</summary>
    public static void ConvTranspose3d(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        int cin, int cout, int size, int k, int stride, int pad)
    {
        int o = ((size - 1) * stride) - (2 * pad) + k;
        int volume = o * o * o;
        for (int co = 0; co < cout; co++)
        {
            y.Slice(co * volume, volume).Fill(bias.IsEmpty ? 0 : bias[co]);
        }

        for (int ci = 0; ci < cin; ci++)
        {
            for (int co = 0; co < cout; co++)
            {
                for (int iz = 0; iz < size; iz++)
                {
                    for (int iy = 0; iy < size; iy++)
                    {
                        for (int ix = 0; ix < size; ix++)
                        {
                            float v = x[(((((ci * size) + iz) * size) + iy) * size) + ix];
                            for (int kz = 0; kz < k; kz++)
                            {
                                int oz = (iz * stride) - pad + kz;
                                for (int ky = 0; ky < k; ky++)
                                {
                                    int oy = (iy * stride) - pad + ky;
                                    for (int kx = 0; kx < k; kx++)
                                    {
                                        int ox = (ix * stride) - pad + kx;
                                        if (oz >= 0 && oz < o && oy >= 0 && oy < o && ox >= 0 && ox < o)
                                        {
                                            y[(co * volume) + (((oz * o) + oy) * o) + ox] += v * w[(((((((ci * cout) + co) * k) + kz) * k) + ky) * k) + kx];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public static void Conv1x1(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, int cin, int cout, int positions)
    {
        for (int co = 0; co < cout; co++)
        {
            for (int p = 0; p < positions; p++)
            {
                float sum = bias.IsEmpty ? 0 : bias[co];
                for (int ci = 0; ci < cin; ci++)
                {
                    sum += w[(co * cin) + ci] * x[(ci * positions) + p];
                }

                y[(co * positions) + p] = sum;
            }
        }
    }

    public static void UpsampleNearest2d(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, int scale)
    {
        int oh = h * scale, ow = w * scale;
        for (int ch = 0; ch < c; ch++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    y[(((ch * oh) + oy) * ow) + ox] = x[(((ch * h) + (oy / scale)) * w) + (ox / scale)];
                }
            }
        }
    }

    /// <summary>Bilinear, align_corners=False, as PyTorch computes it.</summary>
    /// <summary>
    /// Linear upsampling (align_corners=False) by whole factors per axis, as a user writes it: every output element
    /// computes its source positions and blends eight inputs. A 1-D layer has depth and height 1 with factor 1 there.
    /// </summary>
    public static void UpsampleLinear3d(ReadOnlySpan<float> x, Span<float> y, int c, (int D, int H, int W) size, (int D, int H, int W) scale)
    {
        (int od, int oh, int ow) = (size.D * scale.D, size.H * scale.H, size.W * scale.W);
        static (int I0, int I1, float L0, float L1) Source(int o, int n, int factor)
        {
            float s = Math.Max(((o + 0.5f) / factor) - 0.5f, 0);
            int i0 = (int)s, i1 = i0 < n - 1 ? i0 + 1 : i0;
            return (i0, i1, 1 - (s - i0), s - i0);
        }

        for (int ch = 0; ch < c; ch++)
        {
            int volume = ch * size.D * size.H * size.W;
            for (int z = 0; z < od; z++)
            {
                var d = Source(z, size.D, scale.D);
                for (int r = 0; r < oh; r++)
                {
                    var h = Source(r, size.H, scale.H);
                    for (int col = 0; col < ow; col++)
                    {
                        var w = Source(col, size.W, scale.W);
                        int r00 = volume + (((d.I0 * size.H) + h.I0) * size.W), r01 = volume + (((d.I0 * size.H) + h.I1) * size.W);
                        int r10 = volume + (((d.I1 * size.H) + h.I0) * size.W), r11 = volume + (((d.I1 * size.H) + h.I1) * size.W);
                        float front = (h.L0 * ((w.L0 * x[r00 + w.I0]) + (w.L1 * x[r00 + w.I1]))) + (h.L1 * ((w.L0 * x[r01 + w.I0]) + (w.L1 * x[r01 + w.I1])));
                        float back = (h.L0 * ((w.L0 * x[r10 + w.I0]) + (w.L1 * x[r10 + w.I1]))) + (h.L1 * ((w.L0 * x[r11 + w.I0]) + (w.L1 * x[r11 + w.I1])));
                        y[(((((ch * od) + z) * oh) + r) * ow) + col] = (d.L0 * front) + (d.L1 * back);
                    }
                }
            }
        }
    }

    /// <summary>Nearest-exact by a fractional factor: source <c>min(floor((o + 0.5) / scale), in - 1)</c> on each axis.</summary>
    public static void UpsampleNearestExact2d(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, double scale)
    {
        int oh = (int)Math.Floor(h * scale), ow = (int)Math.Floor(w * scale);
        float inverse = (float)(1.0 / scale);
        int Source(int o, int n) => Math.Min((int)Math.Floor((float)((o + 0.5) * inverse)), n - 1);
        for (int ch = 0; ch < c; ch++)
        {
            for (int r = 0; r < oh; r++)
            {
                for (int col = 0; col < ow; col++)
                {
                    y[(((ch * oh) + r) * ow) + col] = x[(((ch * h) + Source(r, h)) * w) + Source(col, w)];
                }
            }
        }
    }

    /// <summary>Bicubic (A = -0.75, align_corners=False) by a whole factor: 4 x 4 inputs per output, the indices clamped to the edge.</summary>
    public static void UpsampleBicubic2d(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, int scale)
    {
        const float A = -0.75f;
        int oh = h * scale, ow = w * scale;
        static float Near(float t) => (((A + 2) * t) - (A + 3)) * t * t + 1;
        static float Far(float t) => ((((A * t) - (5 * A)) * t) + (8 * A)) * t - (4 * A);
        (int I, float W0, float W1, float W2, float W3) Source(int o)
        {
            float s = ((o + 0.5f) / scale) - 0.5f;
            int i = (int)Math.Floor(s);
            float t = Math.Clamp(s - i, 0, 1);
            return (i, Far(t + 1), Near(t), Near(1 - t), Far(2 - t));
        }

        for (int ch = 0; ch < c; ch++)
        {
            for (int r = 0; r < oh; r++)
            {
                var sy = Source(r);
                float[] wy = [sy.W0, sy.W1, sy.W2, sy.W3];
                for (int col = 0; col < ow; col++)
                {
                    var sx = Source(col);
                    float[] wx = [sx.W0, sx.W1, sx.W2, sx.W3];
                    float sum = 0;
                    for (int ky = 0; ky < 4; ky++)
                    {
                        int iy = Math.Clamp(sy.I - 1 + ky, 0, h - 1);
                        float row = 0;
                        for (int kx = 0; kx < 4; kx++)
                        {
                            row += wx[kx] * x[(((ch * h) + iy) * w) + Math.Clamp(sx.I - 1 + kx, 0, w - 1)];
                        }

                        sum += wy[ky] * row;
                    }

                    y[(((ch * oh) + r) * ow) + col] = sum;
                }
            }
        }
    }

    /// <summary>Bilinear upsampling by a whole factor (align_corners=False), by its definition.</summary>
    public static void UpsampleBilinear2d(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, int scale) =>
        ResizeBilinear2d(x, y, c, h, w, h * scale, w * scale);

    /// <summary>Bilinear resizing to a size (align_corners=False), by its definition: PyTorch's F.interpolate(x, size=(oh, ow)).</summary>
    public static void ResizeBilinear2d(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, int oh, int ow)
    {
        float inverseH = (float)h / oh, inverseW = (float)w / ow;
        for (int ch = 0; ch < c; ch++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                float sy = Math.Max((inverseH * (oy + 0.5f)) - 0.5f, 0);
                int y0 = (int)sy, y1 = y0 < h - 1 ? y0 + 1 : y0;
                float ly1 = sy - y0, ly0 = 1 - ly1;
                for (int ox = 0; ox < ow; ox++)
                {
                    float sx = Math.Max((inverseW * (ox + 0.5f)) - 0.5f, 0);
                    int x0 = (int)sx, x1 = x0 < w - 1 ? x0 + 1 : x0;
                    float lx1 = sx - x0, lx0 = 1 - lx1;
                    int plane = ch * h * w;
                    y[(((ch * oh) + oy) * ow) + ox] =
                        (ly0 * ((lx0 * x[plane + (y0 * w) + x0]) + (lx1 * x[plane + (y0 * w) + x1])))
                        + (ly1 * ((lx0 * x[plane + (y1 * w) + x0]) + (lx1 * x[plane + (y1 * w) + x1])));
                }
            }
        }
    }

    /// <summary>A 2-D max or average pool (count_include_pad) by its definition, for checking the pool workloads.</summary>
    public static void Pool2d(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, int k, int s, int p, bool max)
    {
        int oh = ((h + (2 * p) - k) / s) + 1, ow = ((w + (2 * p) - k) / s) + 1;
        for (int ch = 0; ch < c; ch++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    float best = float.NegativeInfinity, sum = 0;
                    for (int ty = 0; ty < k; ty++)
                    {
                        for (int tx = 0; tx < k; tx++)
                        {
                            int iy = (oy * s) - p + ty, ix = (ox * s) - p + tx;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                            {
                                float v = x[(((ch * h) + iy) * w) + ix];
                                best = Math.Max(best, v);
                                sum += v;
                            }
                        }
                    }

                    y[(((ch * oh) + oy) * ow) + ox] = max ? best : sum / (k * k);
                }
            }
        }
    }

    /// <summary>softmax over the channels at each position by its definition: the max subtracted, the sum in double.</summary>
    public static void Softmax(float[] input, float[] output, int channels, int plane)
    {
        for (int start = 0; start < input.Length; start += channels * plane)
        {
            for (int p = 0; p < plane; p++)
            {
                float max = float.NegativeInfinity;
                for (int c = 0; c < channels; c++)
                {
                    max = Math.Max(max, input[start + (c * plane) + p]);
                }

                double sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    sum += Math.Exp(input[start + (c * plane) + p] - max);
                }

                for (int c = 0; c < channels; c++)
                {
                    output[start + (c * plane) + p] = (float)(Math.Exp(input[start + (c * plane) + p] - max) / sum);
                }
            }
        }
    }

    /// <summary>PyTorch's group_norm by its definition: each group's mean and biased variance in double, then the affine map and the activation.</summary>
    public static void GroupNorm(float[] input, float[] weight, float[] bias, float[] output, int channels, int plane, int groups, Func<float, float> activation)
    {
        int length = channels / groups * plane;
        for (int start = 0; start < input.Length; start += length)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < length; i++)
            {
                mean += input[start + i];
            }

            mean /= length;
            for (int i = 0; i < length; i++)
            {
                variance += (input[start + i] - mean) * (input[start + i] - mean);
            }

            double reciprocal = 1 / Math.Sqrt((variance / length) + 1e-5);
            for (int i = 0; i < length; i++)
            {
                int channel = (start + i) / plane % channels;
                output[start + i] = activation((float)(((input[start + i] - mean) * reciprocal * weight[channel]) + bias[channel]));
            }
        }
    }

    /// <summary>PyTorch's pixel_shuffle by its definition: output (c, h*r + i, w*r + j) is input (c*r*r + i*r + j, h, w).</summary>
    public static void PixelShuffle(float[] input, float[] output, int channels, int height, int width, int r)
    {
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < r; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    for (int h = 0; h < height; h++)
                    {
                        for (int w = 0; w < width; w++)
                        {
                            output[(((c * height * r) + (h * r) + i) * width * r) + (w * r) + j] = input[((((c * r * r) + (i * r) + j) * height) + h) * width + w];
                        }
                    }
                }
            }
        }
    }
}
