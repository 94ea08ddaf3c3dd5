using KernelGen.Tests.Infrastructure;
using KernelGen.Tests.Reference;

// These tests pass wrong lengths on purpose, to check the run-time argument checks; the call-site analyzer (KG0019)
// sees the constant ones at compile time, which is what it is for, and is silenced here for that reason only.
#pragma warning disable KG0019

namespace KernelGen.Tests;

/// <summary>Generated kernels at run time: argument checks, batches, allocations, threads.</summary>
public sealed class RunTimeTests
{
    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)rng.Next(-3, 4)).ToArray();
    }

    [Fact]
    public void Lengths_are_compile_time_constants()
    {
        Span<float> output = stackalloc float[BuiltKernels.DeconvLengths.Output];
        Assert.Equal(25, output.Length);
        Assert.Equal(4, BuiltKernels.DeconvLengths.Input);
        Assert.Equal(9, BuiltKernels.DeconvLengths.Weight);
        Assert.Equal(8 * 4 * 4 * 4, BuiltKernels.DecodeBatchLengths.Weight);
        Assert.Equal(4, BuiltKernels.DecodeBatchLengths.Bias);
    }

    [Theory]
    [InlineData("input", 3, 9, 25)]
    [InlineData("input", 5, 9, 25)]
    [InlineData("weight", 4, 8, 25)]
    [InlineData("output", 4, 9, 24)]
    [InlineData("output", 4, 9, 26)]
    public void A_wrong_length_throws_before_anything_is_written(string parameter, int inputLength, int weightLength, int outputLength)
    {
        float[] output = Enumerable.Repeat(-7f, outputLength).ToArray();
        var error = Assert.Throws<ArgumentException>(() => BuiltKernels.Deconv(new float[inputLength], new float[weightLength], output));
        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith("BuiltKernels.Deconv: expected ", error.Message);
        Assert.Contains("shape [", error.Message);
        Assert.All(output, v => Assert.Equal(-7f, v));
    }

    /// <summary>
    /// Where the project does not keep its generated files, the file and line a kernel's stack trace names do not exist:
    /// every argument exception then says how to keep them, and says nothing of it where they are kept. The batch-norm
    /// fold names itself as the kernels do.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Argument_exceptions_say_how_to_see_the_line_their_trace_names(bool generatedFilesKept)
    {
        const string Source = """
            using System;
            using KernelGen;
            public static partial class Layers
            {
                [Conv(k: 3, pad: 1)]
                public static partial void Encode(int batch, [Shape(2, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(4, 8)] Span<float> output);

                public static void Run(int batch, float[] x, float[] w, float[] b, float[] y) => Encode(batch, x, w, b, y);
                public static void Fold(float[] w, float[] b, float[] statistics) => EncodeFoldBatchNorm(w, b, statistics, statistics, statistics, statistics);
            }
            """;
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess: null, generatedFilesKept, Source).GetType("Layers")!;
        float[] input = new float[16], weight = new float[24], bias = new float[4], output = new float[32];
        Exception Thrown(string method, params object[] arguments) =>
            Assert.Throws<System.Reflection.TargetInvocationException>(() => layers.GetMethod(method)!.Invoke(null, arguments)).InnerException!;
        Exception[] errors =
        [
            Thrown("Run", -1, input, weight, bias, output),
            Thrown("Run", 1, new float[15], weight, bias, output),
            Thrown("Run", 1, input, new float[23], bias, output),
            Thrown("Run", 1, input, weight, bias, input),
            Thrown("Fold", weight, new float[3], bias),
        ];
        Assert.All(errors, error => Assert.IsAssignableFrom<ArgumentException>(error));
        Assert.StartsWith("Layers.EncodeFoldBatchNorm: expected 4 elements (shape [4]), but the span has 3.", errors[4].Message);
        const string Hint = "<EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles> in the project keeps its file, under obj/, for the stack trace.";
        Assert.All(errors, error => Assert.Equal(!generatedFilesKept, error.Message.Contains(Hint, StringComparison.Ordinal)));
    }

    [Fact]
    public void Upsample_and_Conv1x1_check_lengths_too()
    {
        var output = new float[16];
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => BuiltKernels.Up(new float[5], output)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => BuiltKernels.Up(new float[4], new float[15])).ParamName);
        double[] x = new double[16 * 64], w = new double[64], b = new double[4], y = new double[4 * 64];
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => BuiltKernels.Project(x, new double[63], b, y)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => BuiltKernels.Project(x, w, new double[5], y)).ParamName);
    }

    [Fact]
    public void An_output_that_overlaps_the_input_is_refused()
    {
        float[] buffer = new float[25];
        var error = Assert.Throws<ArgumentException>(() => BuiltKernels.Up(buffer.AsSpan(0, 4), buffer.AsSpan(3, 16)));
        Assert.Equal("output", error.ParamName);
        BuiltKernels.Up(buffer.AsSpan(0, 4), buffer.AsSpan(4, 16));
    }

    /// <summary>
    /// The residual may be the input's memory (ResNet's identity, x feeding both), since both are only read; it may not
    /// overlap the output, which the layer writes before it adds the residual, so that the sum would read its own result.
    /// </summary>
    [Fact]
    public void A_residual_may_be_the_input_but_not_overlap_the_output()
    {
        float[] x = Random(72, 4), w = Random(BuiltKernels.BlockLengths.Weight, 5), b = Random(2, 6), y = new float[72], separate = new float[72];
        BuiltKernels.Block(x, w, b, x.ToArray(), separate);
        BuiltKernels.Block(x, w, b, x, y);
        Assert.Equal(separate, y);
        double[] expected = NaiveReference.Conv(x.Select(v => (double)v).ToArray(), w.Select(v => (double)v).ToArray(), 2, 2, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], 1, [6, 6]);
        for (int i = 0; i < 72; i++)
        {
            Assert.Equal(Math.Max(0, expected[i] + b[i / 36] + x[i]), y[i], 1e-5);
        }

        float[] shared = new float[72];
        var error = Assert.Throws<ArgumentException>(() => BuiltKernels.Block(x, w, b, shared, shared));
        Assert.Equal("output", error.ParamName);
        Assert.Contains("residual", error.Message);
        Assert.Equal("residual", Assert.Throws<ArgumentException>(() => BuiltKernels.Block(x, w, b, new float[71], y)).ParamName);
    }

    [Fact]
    public void A_batch_runs_each_sample_as_the_single_sample_kernel_would()
    {
        const int batch = 3, inLength = 8 * 8 * 8, outLength = 4 * 16 * 16;
        float[] x = Random(batch * inLength, 1), w = Random(BuiltKernels.DecodeBatchLengths.Weight, 2), b = Random(4, 3);
        var y = new float[batch * outLength];
        BuiltKernels.DecodeBatch(batch, x, w, b, y);
        int[] k = [4, 4], s = [2, 2], p = [1, 1], zero = [0, 0], one = [1, 1];
        for (int n = 0; n < batch; n++)
        {
            double[] expected = NaiveReference.ConvTranspose(x[(n * inLength)..((n + 1) * inLength)].Select(v => (double)v).ToArray(),
                w.Select(v => (double)v).ToArray(), b.Select(v => (double)v).ToArray(), 8, 4, [8, 8], k, s, p, zero, one, 1);
            Assert.Equal(expected.Select(v => (float)v), y[(n * outLength)..((n + 1) * outLength)]);
        }

        BuiltKernels.DecodeBatch(0, [], w, b, []);
        Assert.Throws<ArgumentOutOfRangeException>(() => BuiltKernels.DecodeBatch(-1, [], w, b, []));
        var wrong = Assert.Throws<ArgumentException>(() => BuiltKernels.DecodeBatch(2, x, w, b, y));
        Assert.Equal("input", wrong.ParamName);
        Assert.Contains("2 * 512 = 1024", wrong.Message);
    }

    /// <summary>
    /// Layers whose generated code once grew with their width or window (megabytes of source, over 8 MiB of stack in
    /// Debug): each runs on a thread with a 256 KiB stack, as on hosts that give threads little, and matches the
    /// definition.
    /// </summary>
    [Fact]
    public void Wide_and_large_window_layers_run_on_a_256_KiB_stack()
    {
        float[] wideInput = Random(4 * 4 * 8192, 3), wideWeight = Random(4 * 4 * 4 * 4, 4);
        float[] windowInput = Random(4 * 64 * 64, 5), windowWeight = Random(4 * 4 * 31 * 31, 6);
        float[] smoothInput = Random(4 * 16384, 7);
        float[] wide = new float[4 * 8 * 16384], window = new float[4 * 94 * 94], smooth = new float[8 * 32768];
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                BuiltKernels.WideDeconv(wideInput, wideWeight, wide);
                BuiltKernels.LargeWindow(windowInput, windowWeight, window);
                BuiltKernels.WideSmooth(smoothInput, smooth);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);

        static double[] D(float[] values) => values.Select(v => (double)v).ToArray();
        AssertClose(NaiveReference.ConvTranspose(D(wideInput), D(wideWeight), null, 4, 4, [4, 8192], [4, 4], [2, 2], [1, 1], [0, 0], [1, 1], 1), wide, "WideDeconv");
        AssertClose(NaiveReference.ConvTranspose(D(windowInput), D(windowWeight), null, 4, 4, [64, 64], [31, 31], [1, 1], [0, 0], [0, 0], [1, 1], 1), window, "LargeWindow");
        AssertClose(NaiveReference.Bilinear(D(smoothInput), 1, 4, 16384, 2), smooth, "WideSmooth");
    }

    private static void AssertClose(double[] expected, float[] actual, string kernel)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"{kernel} output {i}: {actual[i]} but the definition gives {expected[i]}");
        }
    }

    [Fact]
    public void Large_bilinear_upsampling_matches_the_definition()
    {
        float[] x = Random(2 * 130 * 70, 9);
        var y = new float[2 * 260 * 140];
        BuiltKernels.LargeSmooth(x, y);
        double[] expected = NaiveReference.Bilinear(x.Select(v => (double)v).ToArray(), 2, 130, 70, 2);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-5, $"output {i}: {y[i]} but the definition gives {expected[i]}");
        }

        Assert.Equal(0, Allocations.Fewest(() => BuiltKernels.LargeSmooth(x, y)));
    }

    [Fact]
    public void Kernels_allocate_nothing_per_call()
    {
        float[] x = Random(4, 1), w = Random(9, 2), y = new float[25], up = new float[16];
        float[] xb = Random(2 * 512, 3), wb = Random(512, 4), bb = Random(4, 5), yb = new float[2 * 1024];
        float[] xs = Random(3 * 256, 6), ys = new float[3 * 1024];
        double[] xp = new double[16 * 64], wp = new double[64], bp = new double[4], yp = new double[4 * 64];
        float[] xh = Random(6 * 70, 7), wh = Random(9 * 70, 8), bh = Random(9, 9), rh = Random(6 * 9, 10), yh = new float[6 * 9];
        void CallAll()
        {
            BuiltKernels.Hidden(6, xh, wh, bh, rh, yh);
            BuiltKernels.Deconv(x, w, y);
            BuiltKernels.Up(x, up);
            BuiltKernels.DecodeBatch(2, xb, wb, bb, yb);
            BuiltKernels.Smooth(xs, ys);
            BuiltKernels.Project(xp, wp, bp, yp);
        }

        CallAll();
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                CallAll();
            }
        }));
    }

    [Fact]
    public void Kernels_are_safe_to_call_from_many_threads()
    {
        float[] w = Random(BuiltKernels.DecodeBatchLengths.Weight, 2), b = Random(4, 3);
        float[][] inputs = Enumerable.Range(0, 8).Select(i => Random(512, 10 + i)).ToArray();
        float[][] expected = inputs.Select(x =>
        {
            var y = new float[1024];
            BuiltKernels.DecodeBatch(1, x, w, b, y);
            return y;
        }).ToArray();

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var y = new float[1024];
            BuiltKernels.DecodeBatch(1, inputs[i % 8], w, b, y);
            Assert.Equal(expected[i % 8], y);
        });
    }
}
