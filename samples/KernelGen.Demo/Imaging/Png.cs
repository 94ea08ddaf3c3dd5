using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace KernelGen.Demo.Imaging;

/// <summary>
/// A minimal PNG codec on the BCL's <see cref="ZLibStream"/>, since no image library is served here: 8-bit grayscale or
/// RGB, not interlaced. It writes every row unfiltered and reads every standard row filter, so it reads PNGs
/// written by other encoders. Swapping in ImageSharp later means replacing this one file.
/// </summary>
public sealed class PngImage
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public PngImage(int width, int height, int channels, byte[] pixels)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentException($"A PNG needs a positive size, not {width}x{height}.");
        }

        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"Only grayscale (1) and RGB (3) channels are supported, not {channels}.", nameof(channels));
        }

        if (pixels.Length != width * height * channels)
        {
            throw new ArgumentException($"{width}x{height}x{channels} needs {width * height * channels} bytes, not {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>1 for grayscale, 3 for RGB.</summary>
    public int Channels { get; }

    /// <summary>Row-major, interleaved: <c>(y * Width + x) * Channels + c</c>.</summary>
    public byte[] Pixels { get; }

    public void Write(Stream stream)
    {
        stream.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8;                              // bit depth
        header[9] = (byte)(Channels == 1 ? 0 : 2);  // color type: grayscale or truecolor
        WriteChunk(stream, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            int stride = Width * Channels;
            for (int y = 0; y < Height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(Pixels, y * stride, stride);
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

    public static PngImage Read(Stream stream)
    {
        using var all = new MemoryStream();
        stream.CopyTo(all);
        ReadOnlySpan<byte> data = all.GetBuffer().AsSpan(0, (int)all.Length);
        if (data.Length < 8 || !data[..8].SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PNG file: the signature is missing.");
        }

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        int offset = 8;
        while (offset + 12 <= data.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(data[offset..]);
            string type = Encoding.ASCII.GetString(data.Slice(offset + 4, 4));
            if (length < 0 || offset + 12 + length > data.Length)
            {
                throw new InvalidDataException($"The {type} chunk runs past the end of the file.");
            }

            ReadOnlySpan<byte> body = data.Slice(offset + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 8 + length)..]);
            if (crc != Crc32.Compute(data.Slice(offset + 4, length + 4)))
            {
                throw new InvalidDataException($"The {type} chunk is corrupt (CRC mismatch).");
            }

            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(body);
                    height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                    if (body[8] != 8 || body[12] != 0 || (body[9] != 0 && body[9] != 2))
                    {
                        throw new NotSupportedException($"Only 8-bit, non-interlaced grayscale or RGB PNGs are supported (bit depth {body[8]}, color type {body[9]}, interlace {body[12]}).");
                    }

                    channels = body[9] == 0 ? 1 : 3;
                    break;
                case "IDAT":
                    idat.Write(body);
                    break;
            }

            offset += 12 + length;
            if (type == "IEND")
            {
                break;
            }
        }

        if (channels == 0)
        {
            throw new InvalidDataException("The PNG has no IHDR chunk.");
        }

        return new PngImage(width, height, channels, Unfilter(idat, width, height, channels));
    }

    private static byte[] Unfilter(MemoryStream idat, int width, int height, int channels)
    {
        int stride = width * channels;
        var raw = new byte[height * (stride + 1)];
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.ReadExactly(raw);
        }

        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            ReadOnlySpan<byte> line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            Span<byte> row = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> above = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (int i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0;
                int up = above[i];
                int upLeft = i >= channels ? above[i - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Unknown PNG row filter {filter}."),
                };
                row[i] = (byte)(line[i] + predictor);
            }
        }

        return pixels;
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
