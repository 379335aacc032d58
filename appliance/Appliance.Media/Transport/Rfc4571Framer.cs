using System.Buffers.Binary;

namespace Appliance.Media.Transport;

/// <summary>What <see cref="Rfc4571Framer.TryTakeFrame"/> found in the bytes read so far.</summary>
internal enum FrameResult
{
    /// <summary>A complete frame.</summary>
    Frame,

    /// <summary>No complete frame yet: read more.</summary>
    NeedMore,

    /// <summary>A length of 0 or above the limit: the stream is not RFC 4571 framing of ICE traffic; close it.</summary>
    InvalidLength,
}

/// <summary>
/// Splits a TCP byte stream into RFC 4571 frames (a 16-bit big-endian length, then that many bytes of packet), as
/// ICE-TCP carries STUN, DTLS, RTP and RTCP (RFC 6544 §3). One buffer, the size of the longest frame plus its
/// length, takes the reads; frames are handed out in place and the rest is moved to the front, so nothing is
/// allocated per frame. Not thread-safe: one reader per connection.
/// </summary>
internal sealed class Rfc4571Framer
{
    /// <summary>The length prefix.</summary>
    public const int HeaderSize = 2;

    private readonly byte[] _buffer;
    private readonly int _maxFrameLength;
    private int _start;
    private int _end;

    /// <param name="maxFrameLength">The longest frame accepted (the server's maximum datagram size).</param>
    public Rfc4571Framer(int maxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameLength, ushort.MaxValue);
        _maxFrameLength = maxFrameLength;
        _buffer = GC.AllocateUninitializedArray<byte>(maxFrameLength + HeaderSize);
    }

    /// <summary>Bytes read that are not yet part of a frame taken: at end of stream, a frame cut off.</summary>
    public int Buffered => _end - _start;

    /// <summary>Where the next read goes; never empty after the frames in the buffer have been taken.</summary>
    public Memory<byte> FreeSpace
    {
        get
        {
            Compact();
            return _buffer.AsMemory(_end);
        }
    }

    /// <summary>Takes <paramref name="count"/> bytes written into <see cref="FreeSpace"/>.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _end);
        _end += count;
    }

    /// <summary>
    /// The next complete frame, in place in the framer's buffer (so a reader may decrypt it there), valid until the
    /// next call on this framer. After <see cref="FrameResult.InvalidLength"/>
    /// the stream cannot be resynchronised: every later call says the same.
    /// </summary>
    public FrameResult TryTakeFrame(out Span<byte> frame)
    {
        frame = default;
        var available = _end - _start;
        if (available < HeaderSize)
        {
            return FrameResult.NeedMore;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start));
        if (length == 0 || length > _maxFrameLength)
        {
            return FrameResult.InvalidLength;
        }

        if (available < HeaderSize + length)
        {
            return FrameResult.NeedMore;
        }

        frame = _buffer.AsSpan(_start + HeaderSize, length);
        _start += HeaderSize + length;
        return FrameResult.Frame;
    }

    /// <summary>Writes the RFC 4571 length of <paramref name="length"/> bytes of packet.</summary>
    public static void WriteHeader(Span<byte> destination, int length) =>
        BinaryPrimitives.WriteUInt16BigEndian(destination, checked((ushort)length));

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        var remaining = _end - _start;
        if (remaining > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
        }

        _start = 0;
        _end = remaining;
    }
}
