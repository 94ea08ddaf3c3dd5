#if NETSTANDARD2_1
using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace KernelGen
{
    /// <summary>
    /// The threads that generated kernels split their work across: a process-wide pool of persistent workers, the
    /// calling thread doing a share of every call. A kernel splits its work into units chosen at generation time (tiles
    /// of output channels, of positions) and asks for one part per worker, each a contiguous range of units; a unit
    /// computes its outputs in the same order on whatever thread runs it, so results are bit-identical for any number
    /// of workers.
    /// <para>
    /// <see cref="Count"/> workers in all (the calling thread among them): by default the number of processors the
    /// process may use, as ONNX Runtime and PyTorch choose, or the environment variable <c>KERNELGEN_WORKERS</c>; set
    /// it to 1 to run every kernel on its calling thread. One call runs on the workers at a time: a call made while
    /// they are busy (another thread's kernel) runs on its own thread, so parallel callers never oversubscribe the
    /// machine. No call allocates: the parts, the buffers and the hand-off live in fields reused by every call.
    /// </para>
    /// </summary>
    public static class Workers
    {
        /// <summary>The environment variable read once, at the first use, for the default <see cref="Count"/>.</summary>
        public const string EnvironmentVariable = "KERNELGEN_WORKERS";

        private static int s_count = DefaultCount();

        /// <summary>
        /// The number of threads a kernel's work is split across, the calling thread included: at least 1. Changing it
        /// takes effect at the next call; the pool's threads are started when first needed and then kept.
        /// </summary>
        public static int Count
        {
            get => s_count;
            set
            {
                if (value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "KernelGen.Workers.Count must be at least 1 (1 runs every kernel on its calling thread).");
                }

                s_count = value;
            }
        }

        private static int DefaultCount()
        {
            string? text = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) && count >= 1
                ? count
                : Math.Max(1, Environment.ProcessorCount);
        }

        /// <summary>
        /// Runs <paramref name="body"/> for every part in <c>[0, parts)</c>, on the calling thread and up to
        /// <see cref="Count"/> - 1 workers, and returns when all have finished; the spans stay pinned until then, and
        /// the body reads them from its <see cref="PinnedBuffers"/> in the order given here. An exception thrown by a
        /// part is thrown here after every other part has finished (the first, if several throw).
        /// </summary>
        public static unsafe void Run<T>(int parts, PartBody body, ReadOnlySpan<T> buffer0, ReadOnlySpan<T> buffer1, ReadOnlySpan<T> buffer2,
            ReadOnlySpan<T> buffer3, ReadOnlySpan<T> buffer4, Span<T> output)
            where T : unmanaged
        {
            if (body is null)
            {
                throw new ArgumentNullException(nameof(body));
            }

            fixed (T* p0 = buffer0, p1 = buffer1, p2 = buffer2, p3 = buffer3, p4 = buffer4, p5 = output)
            {
                var buffers = new PinnedBuffers(sizeof(T),
                    (IntPtr)p0, buffer0.Length, (IntPtr)p1, buffer1.Length, (IntPtr)p2, buffer2.Length,
                    (IntPtr)p3, buffer3.Length, (IntPtr)p4, buffer4.Length, (IntPtr)p5, output.Length, IntPtr.Zero, 0);
                WorkerPool.Run(parts, body, buffers, s_count);
            }
        }

        /// <summary>
        /// As the overload with five read-only buffers, for work that also writes a scratch buffer of its own: a model
        /// whose parts each run some samples of a batch through every layer, in their share of the workspace. The body
        /// reads <paramref name="input"/> as buffer 0 and writes <paramref name="output"/> and
        /// <see cref="PinnedBuffers.Workspace{T}"/>.
        /// </summary>
        public static unsafe void Run<T>(int parts, PartBody body, ReadOnlySpan<T> input, Span<T> output, Span<T> workspace)
            where T : unmanaged
        {
            if (body is null)
            {
                throw new ArgumentNullException(nameof(body));
            }

            fixed (T* p0 = input, p5 = output, p6 = workspace)
            {
                var buffers = new PinnedBuffers(sizeof(T),
                    (IntPtr)p0, input.Length, IntPtr.Zero, 0, IntPtr.Zero, 0, IntPtr.Zero, 0, IntPtr.Zero, 0, (IntPtr)p5, output.Length, (IntPtr)p6, workspace.Length);
                WorkerPool.Run(parts, body, buffers, s_count);
            }
        }
    }

    /// <summary>One part of a kernel's work, run by <c>Workers.Run</c> on some thread.</summary>
    /// <param name="part">The part, in <c>[0, parts)</c>.</param>
    /// <param name="parts">How many parts the call has.</param>
    /// <param name="buffers">The call's spans, pinned while the call lasts.</param>
    public delegate void PartBody(int part, int parts, in PinnedBuffers buffers);

    /// <summary>
    /// The spans of one <c>Workers.Run</c> call as addresses, valid only while that call lasts (it keeps them
    /// pinned): what a part reads and writes from a worker thread, where spans themselves cannot go.
    /// </summary>
    public readonly struct PinnedBuffers
    {
        private readonly IntPtr _p0, _p1, _p2, _p3, _p4, _p5, _p6;
        private readonly int _n0, _n1, _n2, _n3, _n4, _n5, _n6;
        private readonly int _elementSize;

        internal PinnedBuffers(int elementSize, IntPtr p0, int n0, IntPtr p1, int n1, IntPtr p2, int n2, IntPtr p3, int n3, IntPtr p4, int n4, IntPtr p5, int n5, IntPtr p6, int n6)
        {
            _elementSize = elementSize;
            (_p0, _n0, _p1, _n1, _p2, _n2, _p3, _n3, _p4, _n4, _p5, _n5, _p6, _n6) = (p0, n0, p1, n1, p2, n2, p3, n3, p4, n4, p5, n5, p6, n6);
        }

        /// <summary>The read-only buffer <paramref name="index"/> (0 to 4) of the call, as the call's element type.</summary>
        public unsafe ReadOnlySpan<T> Read<T>(int index)
            where T : unmanaged
        {
            CheckElement<T>();
            (IntPtr pointer, int length) = index switch
            {
                0 => (_p0, _n0),
                1 => (_p1, _n1),
                2 => (_p2, _n2),
                3 => (_p3, _n3),
                4 => (_p4, _n4),
                _ => throw new ArgumentOutOfRangeException(nameof(index), index, "A kernel's parallel call has read-only buffers 0 to 4."),
            };
            return new ReadOnlySpan<T>((void*)pointer, length);
        }

        /// <summary>The output of the call, as the call's element type.</summary>
        public unsafe Span<T> Output<T>()
            where T : unmanaged
        {
            CheckElement<T>();
            return new Span<T>((void*)_p5, _n5);
        }

        /// <summary>The call's workspace (empty unless the call passed one), as the call's element type.</summary>
        public unsafe Span<T> Workspace<T>()
            where T : unmanaged
        {
            CheckElement<T>();
            return new Span<T>((void*)_p6, _n6);
        }

        /// <summary>The lengths count the call's elements: another type would reach past the buffers.</summary>
        private unsafe void CheckElement<T>()
            where T : unmanaged
        {
            if (sizeof(T) != _elementSize)
            {
                throw new InvalidOperationException($"The buffers hold elements of {_elementSize} bytes, not {typeof(T).Name}.");
            }
        }
    }

    /// <summary>
    /// The persistent threads behind <see cref="Workers"/>: one job at a time, its parts handed out by an interlocked
    /// counter that is closed between jobs, so a worker that arrives late finds no part instead of a stale job. A worker
    /// that finishes spins for a while before it sleeps, so that the layers of a model, called one after another, find
    /// their workers awake.
    /// </summary>
    internal static class WorkerPool
    {
        /// <summary>How long an idle worker spins before it sleeps: longer than the gap between two layers of a model.</summary>
        private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 2000;

        /// <summary>The part counter between jobs: far past any job's parts.</summary>
        private const int Closed = 1 << 30;

        private static readonly object s_start = new object();
        private static readonly SemaphoreSlim s_wake = new SemaphoreSlim(0);
        private static readonly ManualResetEventSlim s_done = new ManualResetEventSlim(false);
        private static Thread[] s_threads = new Thread[0];
        private static int s_busy, s_sleepers, s_generation;

        /// <summary>Threads inside <see cref="RunParts"/>: the caller waits for none before the next job may open.</summary>
        private static int s_active;

        // The current job: written by the caller while the counter is closed, read by a worker only after it has taken
        // a part below s_parts, so never half-written.
        private static PartBody? s_body;
        private static PinnedBuffers s_buffers;
        private static int s_parts, s_helpers;
        private static int s_next = Closed;
        private static int s_remaining;
        private static ExceptionDispatchInfo? s_failure;

        public static void Run(int parts, PartBody body, in PinnedBuffers buffers, int count)
        {
            int helpers = Math.Min(count, parts) - 1;
            if (helpers <= 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
            {
                // One worker, one part, or the workers busy with another call: every part here, in order.
                for (int part = 0; part < parts; part++)
                {
                    body(part, parts, buffers);
                }

                return;
            }

            try
            {
                EnsureThreads(helpers);
                s_body = body;
                s_buffers = buffers;
                s_parts = parts;
                s_helpers = helpers;
                s_failure = null;
                s_done.Reset();
                Volatile.Write(ref s_remaining, parts);
                Volatile.Write(ref s_next, 0);
                Interlocked.Increment(ref s_generation);
                int sleeping = Interlocked.Exchange(ref s_sleepers, 0);
                if (sleeping > 0)
                {
                    s_wake.Release(sleeping);
                }

                RunParts();

                // The workers' last parts usually finish soon after the caller's: spin for them as an idle worker spins
                // for a job, since waking from the event costs 15-20 us (measured on a 2-core Zen 5 VM: a worker's part
                // 50 us longer than the caller's made a call 16-20 us slower than its parts with the event alone).
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int spins = 1; Volatile.Read(ref s_remaining) != 0; spins++)
                {
                    if (spins % 64 == 0)
                    {
                        if (System.Diagnostics.Stopwatch.GetTimestamp() - start >= SpinTicks)
                        {
                            break;
                        }

                        // With more workers than cores, a worker may be waiting for this core.
                        Thread.Yield();
                    }

                    Thread.SpinWait(1);
                }

                // The event only says "look again": a worker of the previous job may set it late, after this job's reset.
                while (Volatile.Read(ref s_remaining) != 0)
                {
                    s_done.Wait();
                    s_done.Reset();
                }

                // Every part has finished; close the counter, then wait for any worker still between taking an index
                // and comparing it with this job's parts: were the next job opened first, it could take that index as one
                // of the next job's parts, which would then run twice and be counted twice.
                Interlocked.Exchange(ref s_next, Closed);
                var spinner = default(SpinWait);
                while (Volatile.Read(ref s_active) != 0)
                {
                    spinner.SpinOnce();
                }

                s_body = null;
                s_buffers = default;
                s_failure?.Throw();
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
        }

        /// <summary>Takes parts until none is left; the thread that finishes the last one signals the caller.</summary>
        private static void RunParts()
        {
            Interlocked.Increment(ref s_active);
            try
            {
                TakeParts();
            }
            finally
            {
                Interlocked.Decrement(ref s_active);
            }
        }

        private static void TakeParts()
        {
            while (true)
            {
                int part = Interlocked.Increment(ref s_next) - 1;
                if (part >= Volatile.Read(ref s_parts) || part >= Closed)
                {
                    return;
                }

                try
                {
                    s_body!(part, s_parts, s_buffers);
                }
                catch (Exception exception)
                {
                    Interlocked.CompareExchange(ref s_failure, ExceptionDispatchInfo.Capture(exception), null);
                }

                if (Interlocked.Decrement(ref s_remaining) == 0)
                {
                    s_done.Set();
                }
            }
        }

        private static void EnsureThreads(int helpers)
        {
            if (Volatile.Read(ref s_threads).Length >= helpers)
            {
                return;
            }

            lock (s_start)
            {
                var threads = new Thread[Math.Max(helpers, s_threads.Length)];
                Array.Copy(s_threads, threads, s_threads.Length);
                for (int i = s_threads.Length; i < threads.Length; i++)
                {
                    int index = i;
                    threads[i] = new Thread(() => Work(index)) { IsBackground = true, Name = $"KernelGen worker {i + 1}" };
                    threads[i].Start();
                }

                Volatile.Write(ref s_threads, threads);
            }
        }

        /// <summary>
        /// A worker: waits for a new job (spinning, then asleep), helps with its parts if the job wants that many helpers
        /// (threads started for a larger <see cref="Workers.Count"/> stay out of a smaller one's jobs), and waits again.
        /// </summary>
        private static void Work(int index)
        {
            int seen = Volatile.Read(ref s_generation);
            while (true)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                while (Volatile.Read(ref s_generation) == seen)
                {
                    if (System.Diagnostics.Stopwatch.GetTimestamp() - start < SpinTicks)
                    {
                        // Short pauses, so that a job is seen within a fraction of a microsecond: with SpinWait(20) a call
                        // of two 10 us parts took 11.2-11.4 us, with SpinWait(1) 10.3-10.4 (2-core Zen 5 VM).
                        Thread.SpinWait(1);
                        continue;
                    }

                    // Asleep until a caller wakes the sleepers; a job published meanwhile is seen by the check first.
                    Interlocked.Increment(ref s_sleepers);
                    if (Volatile.Read(ref s_generation) == seen)
                    {
                        s_wake.Wait();
                    }

                    start = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                seen = Volatile.Read(ref s_generation);
                if (index < Volatile.Read(ref s_helpers))
                {
                    RunParts();
                }
            }
        }
    }
}
#endif
