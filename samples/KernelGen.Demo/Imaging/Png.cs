using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace KernelGen.Demo.Imaging;

/// <summary>
/// A PNG codec on the BCL's <see cref="ZLibStream"/>, since no image library is served here. It reads every standard
/// PNG: grayscale, gray with alpha, RGB, RGBA and palette images, bit depths 1 to 16, every row filter, Adam7
/// interlacing and <c>tRNS</c> transparency. Images are held as 8- or 16-bit samples of 1 to 4 channels (palettes and
/// transparency keys become RGB/RGBA or an alpha channel; depths below 8 are scaled to 8 bits). It writes
/// non-interlaced, unfiltered PNGs of the image's channels and depth. Color profiles and gamma chunks are ignored.
/// Swapping in ImageSharp later means replacing this one file.
/// </summary>
public sealed class PngImage
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>PNG's largest width or height (2^31 - 1) is far beyond memory; this bound keeps every buffer an array.</summary>
    private const long MaxSamples = 1L << 28;

    public PngImage(int width, int height, int channels, int bitDepth, ushort[] samples)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentException($"An image needs a positive size, not {width}x{height}.");
        }

        if (channels is < 1 or > 4)
        {
            throw new ArgumentException($"An image has 1 (gray), 2 (gray and alpha), 3 (RGB) or 4 (RGBA) channels, not {channels}.", nameof(channels));
        }

        if (bitDepth is not (8 or 16))
        {
            throw new ArgumentException($"Samples are 8 or 16 bits, not {bitDepth}.", nameof(bitDepth));
        }

        if ((long)width * height * channels > MaxSamples)
        {
            throw new ArgumentException($"A {width}x{height} image with {channels} channels is too large (more than {MaxSamples} samples).");
        }

        if (samples.Length != width * height * channels)
        {
            throw new ArgumentException($"{width}x{height}x{channels} needs {width * height * channels} samples, not {samples.Length}.", nameof(samples));
        }

        Width = width;
        Height = height;
        Channels = channels;
        BitDepth = bitDepth;
        Samples = samples;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>1 gray, 2 gray and alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }

    /// <summary>8 or 16: samples run from 0 to 255 or to 65535.</summary>
    public int BitDepth { get; }

    /// <summary>The largest sample: 255 or 65535.</summary>
    public int MaxValue => (1 << BitDepth) - 1;

    /// <summary>Whether the last channel is alpha (2 or 4 channels).</summary>
    public bool HasAlpha => Channels is 2 or 4;

    /// <summary>Row-major, interleaved: <c>(y * Width + x) * Channels + c</c>.</summary>
    public ushort[] Samples { get; }

    public void Write(Stream stream)
    {
        stream.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = (byte)BitDepth;
        header[9] = Channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 };
        WriteChunk(stream, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            int bytesPerSample = BitDepth / 8;
            var line = new byte[1 + (Width * Channels * bytesPerSample)]; // filter byte 0 (none), then the samples
            for (int y = 0; y < Height; y++)
            {
                ReadOnlySpan<ushort> row = Samples.AsSpan(y * Width * Channels, Width * Channels);
                for (int i = 0; i < row.Length; i++)
                {
                    if (bytesPerSample == 1)
                    {
                        line[1 + i] = (byte)row[i];
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(line.AsSpan(1 + (2 * i)), row[i]);
                    }
                }

                zlib.Write(line);
            }
        }

        WriteChunk(stream, "IDAT", compressed.ToArray());
        WriteChunk(stream, "IEND", []);
    }

    public void Save(string path)
    {
        using FileStream file = File.Create(path);
        Write(file);
    }

    public static PngImage Load(string path)
    {
        using FileStream file = File.OpenRead(path);
        return Read(file);
    }

    /// <summary>Decodes a PNG; a file that is not one, or is damaged, throws <see cref="InvalidDataException"/>.</summary>
    public static PngImage Read(Stream stream)
    {
        using var all = new MemoryStream();
        stream.CopyTo(all);
        ReadOnlySpan<byte> data = all.GetBuffer().AsSpan(0, (int)all.Length);
        if (data.Length < 8 || !data[..8].SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a PNG file (the PNG signature is missing)");
        }

        Header? header = null;
        byte[]? palette = null;
        byte[]? transparency = null;
        using var idat = new MemoryStream();
        int offset = 8;
        bool ended = false;
        while (!ended)
        {
            if (offset + 12 > data.Length)
            {
                throw new InvalidDataException("the PNG is truncated (it ends before its IEND chunk)");
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(data[offset..]);
            string type = Encoding.ASCII.GetString(data.Slice(offset + 4, 4));
            if (length < 0 || offset + 12L + length > data.Length)
            {
                throw new InvalidDataException($"the PNG is truncated (its {type} chunk runs past the end of the file)");
            }

            ReadOnlySpan<byte> body = data.Slice(offset + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 8 + length)..]);
            if (crc != Crc32.Compute(data.Slice(offset + 4, length + 4)))
            {
                throw new InvalidDataException($"the PNG is damaged (its {type} chunk fails its checksum)");
            }

            switch (type)
            {
                case "IHDR":
                    header = Header.Parse(body);
                    break;
                case "PLTE":
                    palette = body.ToArray();
                    break;
                case "tRNS":
                    transparency = body.ToArray();
                    break;
                case "IDAT":
                    idat.Write(body);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }

            offset += 12 + length;
        }

        if (header is null)
        {
            throw new InvalidDataException("the PNG has no IHDR chunk");
        }

        if (header.ColorType == 3 && palette is null)
        {
            throw new InvalidDataException("the palette PNG has no PLTE chunk");
        }

        byte[] raw = Inflate(idat, header.RawLength);
        return header.Decode(raw, palette, transparency);
    }

    private static byte[] Inflate(MemoryStream idat, long rawLength)
    {
        var raw = new byte[rawLength];
        idat.Position = 0;
        try
        {
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
            zlib.ReadExactly(raw);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException("the PNG is damaged (its compressed image data is incomplete or invalid)");
        }

        return raw;
    }

    /// <summary>The IHDR fields, and the decoding they imply.</summary>
    private sealed record Header(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
    {
        /// <summary>Samples per pixel in the file: gray 1, palette index 1, gray+alpha 2, RGB 3, RGBA 4.</summary>
        private int FileChannels => ColorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

        private int BitsPerPixel => FileChannels * BitDepth;

        /// <summary>Bytes to the same sample of the previous pixel, as the row filters use it (at least 1).</summary>
        private int FilterStep => Math.Max(1, BitsPerPixel / 8);

        public static Header Parse(ReadOnlySpan<byte> body)
        {
            if (body.Length != 13)
            {
                throw new InvalidDataException("the PNG is damaged (its IHDR chunk is not 13 bytes)");
            }

            var header = new Header(
                BinaryPrimitives.ReadInt32BigEndian(body), BinaryPrimitives.ReadInt32BigEndian(body[4..]), body[8], body[9], body[12] == 1);
            bool validDepth = header.ColorType switch
            {
                0 => header.BitDepth is 1 or 2 or 4 or 8 or 16,
                3 => header.BitDepth is 1 or 2 or 4 or 8,
                2 or 4 or 6 => header.BitDepth is 8 or 16,
                _ => false,
            };
            if (!validDepth || body[10] != 0 || body[11] != 0 || body[12] > 1)
            {
                throw new InvalidDataException($"the PNG header is invalid (color type {header.ColorType}, bit depth {header.BitDepth}, compression {body[10]}, filter {body[11]}, interlace {body[12]})");
            }

            if (header.Width < 1 || header.Height < 1 || (long)header.Width * header.Height * 4 > MaxSamples)
            {
                throw new InvalidDataException($"the PNG's size {header.Width}x{header.Height} is empty or too large for this tool");
            }

            return header;
        }

        /// <summary>Bytes of filtered image data: every pass's rows, each with its filter byte.</summary>
        public long RawLength => Passes().Sum(pass => pass.Height == 0 || pass.Width == 0 ? 0 : pass.Height * (1L + RowBytes(pass.Width)));

        private long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

        /// <summary>The sub-images in file order: the whole image, or Adam7's seven passes (start and step per axis).</summary>
        private IEnumerable<(int X0, int Y0, int DX, int DY, int Width, int Height)> Passes()
        {
            (int X0, int Y0, int DX, int DY)[] grid = Interlaced
                ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
                : [(0, 0, 1, 1)];
            foreach ((int x0, int y0, int dx, int dy) in grid)
            {
                yield return (x0, y0, dx, dy, Count(Width, x0, dx), Count(Height, y0, dy));
            }

            static int Count(int size, int start, int step) => size > start ? ((size - start - 1) / step) + 1 : 0;
        }

        public PngImage Decode(byte[] raw, byte[]? palette, byte[]? transparency)
        {
            // Output layout: palettes become RGB (RGBA with tRNS); a gray or RGB transparency key adds an alpha channel.
            bool keyedAlpha = transparency is not null && ColorType is 0 or 2;
            int channels = ColorType switch
            {
                3 => transparency is null ? 3 : 4,
                _ => FileChannels + (keyedAlpha ? 1 : 0),
            };
            int outDepth = BitDepth == 16 ? 16 : 8;
            var samples = new ushort[Width * Height * channels];
            ushort[] fileSamples = new ushort[FileChannels];

            long offset = 0;
            foreach (var pass in Passes())
            {
                if (pass.Width == 0 || pass.Height == 0)
                {
                    continue;
                }

                int rowBytes = (int)RowBytes(pass.Width);
                var previous = new byte[rowBytes];
                var current = new byte[rowBytes];
                for (int y = 0; y < pass.Height; y++)
                {
                    byte filter = raw[offset];
                    raw.AsSpan((int)offset + 1, rowBytes).CopyTo(current);
                    offset += 1 + rowBytes;
                    Unfilter(filter, current, previous, FilterStep);
                    for (int x = 0; x < pass.Width; x++)
                    {
                        ReadPixel(current, x, fileSamples);
                        int pixel = ((pass.Y0 + (y * pass.DY)) * Width) + pass.X0 + (x * pass.DX);
                        StorePixel(fileSamples, samples.AsSpan(pixel * channels, channels), palette, transparency, keyedAlpha);
                    }

                    (previous, current) = (current, previous);
                }
            }

            return new PngImage(Width, Height, channels, outDepth, samples);
        }

        private void ReadPixel(ReadOnlySpan<byte> row, int x, Span<ushort> into)
        {
            for (int c = 0; c < into.Length; c++)
            {
                long bit = ((long)x * BitsPerPixel) + (c * BitDepth);
                into[c] = BitDepth switch
                {
                    16 => BinaryPrimitives.ReadUInt16BigEndian(row[(int)(bit / 8)..]),
                    8 => row[(int)(bit / 8)],
                    _ => (ushort)((row[(int)(bit / 8)] >> (8 - BitDepth - (int)(bit % 8))) & ((1 << BitDepth) - 1)),
                };
            }
        }

        private void StorePixel(ReadOnlySpan<ushort> file, Span<ushort> into, byte[]? palette, byte[]? transparency, bool keyedAlpha)
        {
            if (ColorType == 3)
            {
                int index = file[0];
                if ((3 * index) + 2 >= palette!.Length)
                {
                    throw new InvalidDataException($"the PNG is damaged (palette index {index} is past its {palette.Length / 3} colors)");
                }

                into[0] = palette[3 * index];
                into[1] = palette[(3 * index) + 1];
                into[2] = palette[(3 * index) + 2];
                if (into.Length == 4)
                {
                    into[3] = index < transparency!.Length ? transparency[index] : (ushort)255;
                }

                return;
            }

            // Depths below 8 are scaled to the full 8-bit range: 1-bit white is 255, 2-bit 3 is 255.
            int scale = BitDepth < 8 ? 255 / ((1 << BitDepth) - 1) : 1;
            for (int c = 0; c < file.Length; c++)
            {
                into[c] = (ushort)(file[c] * scale);
            }

            if (keyedAlpha)
            {
                bool matches = true;
                for (int c = 0; c < file.Length && (2 * c) + 1 < transparency!.Length; c++)
                {
                    matches &= BinaryPrimitives.ReadUInt16BigEndian(transparency.AsSpan(2 * c)) == file[c];
                }

                into[^1] = matches ? (ushort)0 : (ushort)(BitDepth == 16 ? 65535 : 255);
            }
        }
    }

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> above, int step)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int left = i >= step ? row[i - step] : 0;
            int up = above[i];
            int upLeft = i >= step ? above[i - step] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"the PNG is damaged (unknown row filter {filter})"),
            };
            row[i] = (byte)(row[i] + predictor);
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, body.Length);
        stream.Write(buffer);
        byte[] typeAndBody = [.. Encoding.ASCII.GetBytes(type), .. body];
        stream.Write(typeAndBody);
        BinaryPrimitives.WriteUInt32BigEndian(buffer, Crc32.Compute(typeAndBody));
        stream.Write(buffer);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320).</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            return c;
        }).ToArray();

        public static uint Compute(ReadOnlySpan<byte> bytes)
        {
            uint crc = 0xFFFFFFFFu;
            foreach (byte b in bytes)
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return crc ^ 0xFFFFFFFFu;
        }
    }
}
