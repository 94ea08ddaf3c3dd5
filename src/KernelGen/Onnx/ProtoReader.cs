#if NETSTANDARD2_1_OR_GREATER || NETCOREAPP
using System;
using System.IO;
using System.Text;

namespace KernelGen.Onnx
{
    /// <summary>
    /// Protocol buffers' wire format, read forward over a byte range: the tag of each field, then its value by wire
    /// type (varint, 64-bit, length-delimited, 32-bit). The only parser of ONNX files in KernelGen, shared by the run-time
    /// weight reader and the build-time importer. Every length and varint is checked against the range: a truncated
    /// or malformed file throws <see cref="InvalidDataException"/> naming the file and the byte offset, never reads
    /// outside the range and never allocates more than the file holds.
    /// </summary>
    internal struct ProtoReader
    {
        public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

        private readonly byte[] _bytes;
        private readonly int _end;
        private int _position;

        public ProtoReader(byte[] bytes, int start, int end, string file)
        {
            _bytes = bytes;
            _position = start;
            _end = end;
            File = file;
        }

        /// <summary>The file's name in messages.</summary>
        public string File { get; }

        public int Position => _position;

        public bool AtEnd => _position >= _end;

        /// <summary>The next field's number and wire type; false at the end of the range.</summary>
        public bool Next(out int field, out int wireType)
        {
            if (AtEnd)
            {
                field = wireType = 0;
                return false;
            }

            ulong tag = ReadVarint();
            field = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            if (field == 0 || tag >> 3 > int.MaxValue)
            {
                throw Error($"a field number of {tag >> 3}");
            }

            return true;
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _end)
                {
                    throw Error("a number cut off by the end of its message (truncated?)");
                }

                byte b = _bytes[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw Error("a number longer than ten bytes");
        }

        public long ReadInt64() => (long)ReadVarint();

        public float ReadFloat() => BitConverter.Int32BitsToSingle((int)ReadFixed(4));

        public double ReadDouble() => BitConverter.Int64BitsToDouble((long)ReadFixed(8));

        private ulong ReadFixed(int size)
        {
            Require(size);
            ulong value = 0;
            for (int i = 0; i < size; i++)
            {
                value |= (ulong)_bytes[_position + i] << (8 * i);
            }

            _position += size;
            return value;
        }

        /// <summary>A length-delimited field's range, as a reader of its own; this reader moves past it.</summary>
        public ProtoReader ReadMessage()
        {
            int length = ReadLength();
            var inner = new ProtoReader(_bytes, _position, _position + length, File);
            _position += length;
            return inner;
        }

        /// <summary>A length-delimited field's bytes: where they start in the file, and how many.</summary>
        public (int Start, int Length) ReadBytes()
        {
            int length = ReadLength();
            int start = _position;
            _position += length;
            return (start, length);
        }

        public string ReadString()
        {
            (int start, int length) = ReadBytes();
            try
            {
                return new UTF8Encoding(false, true).GetString(_bytes, start, length);
            }
            catch (ArgumentException)
            {
                throw new InvalidDataException($"{File}: a string at byte {start} is not UTF-8.");
            }
        }

        /// <summary>Moves past a field of <paramref name="wireType"/> that the reader does not use.</summary>
        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case Varint:
                    ReadVarint();
                    break;
                case Fixed64:
                    Require(8);
                    _position += 8;
                    break;
                case LengthDelimited:
                    ReadBytes();
                    break;
                case Fixed32:
                    Require(4);
                    _position += 4;
                    break;
                default:
                    throw Error($"wire type {wireType}, which protocol buffers do not define (or groups, which ONNX does not use)");
            }
        }

        /// <summary>
        /// A repeated integer field, packed (one length-delimited run of varints) or not (one varint): appends to
        /// <paramref name="values"/>.
        /// </summary>
        public void ReadInt64s(int wireType, System.Collections.Generic.List<long> values)
        {
            if (wireType == LengthDelimited)
            {
                ProtoReader packed = ReadMessage();
                while (!packed.AtEnd)
                {
                    values.Add(packed.ReadInt64());
                }
            }
            else
            {
                Expect(wireType, Varint);
                values.Add(ReadInt64());
            }
        }

        /// <summary>A repeated float field, packed or not: appends to <paramref name="values"/>.</summary>
        public void ReadFloats(int wireType, System.Collections.Generic.List<float> values)
        {
            if (wireType == LengthDelimited)
            {
                ProtoReader packed = ReadMessage();
                while (!packed.AtEnd)
                {
                    values.Add(packed.ReadFloat());
                }
            }
            else
            {
                Expect(wireType, Fixed32);
                values.Add(ReadFloat());
            }
        }

        /// <summary>Throws unless the field's wire type is the one its schema gives it.</summary>
        public void Expect(int wireType, int expected)
        {
            if (wireType != expected)
            {
                throw Error($"wire type {wireType} where the field is of wire type {expected}");
            }
        }

        private int ReadLength()
        {
            ulong length = ReadVarint();
            if (length > (ulong)(_end - _position))
            {
                throw Error($"a field of {length} bytes with {_end - _position} left in its message (truncated?)");
            }

            return (int)length;
        }

        private void Require(int size)
        {
            if (_end - _position < size)
            {
                throw Error($"a {size}-byte number with {_end - _position} bytes left in its message (truncated?)");
            }
        }

        private InvalidDataException Error(string what) =>
            new InvalidDataException($"{File}: not a valid ONNX file: {what} at byte {_position}.");
    }
}
#endif
