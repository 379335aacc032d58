using System.Buffers.Binary;

namespace Appliance.LoadGen.Trace;

/// <summary>
/// The generator's trailer at the end of every payload: who sent it (participant number), which stream, and when
/// (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> of the sending process). Senders and receivers are in the
/// same process, so one monotonic clock measures the one-way delay with no clock synchronisation.
/// </summary>
public static class PacketStamp
{
    /// <summary>Bytes of the trailer.</summary>
    public const int Length = 12;

    private const ushort Magic = 0x4C47; // "LG"

    /// <summary>Writes the trailer into the last <see cref="Length"/> bytes of <paramref name="payload"/>.</summary>
    public static void Write(Span<byte> payload, int participant, StreamKind kind, long sentAt)
    {
        var trailer = payload[^Length..];
        BinaryPrimitives.WriteUInt16BigEndian(trailer, Magic);
        BinaryPrimitives.WriteUInt16BigEndian(trailer[2..], (ushort)participant);
        BinaryPrimitives.WriteInt64BigEndian(trailer[4..], sentAt & 0x00FF_FFFF_FFFF_FFFF | ((long)kind << 56));
    }

    /// <summary>Reads the trailer; false when the payload does not end with one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out int participant, out StreamKind kind, out long sentAt)
    {
        participant = 0;
        kind = 0;
        sentAt = 0;
        if (payload.Length < Length)
        {
            return false;
        }

        var trailer = payload[^Length..];
        if (BinaryPrimitives.ReadUInt16BigEndian(trailer) != Magic)
        {
            return false;
        }

        participant = BinaryPrimitives.ReadUInt16BigEndian(trailer[2..]);
        var packed = BinaryPrimitives.ReadInt64BigEndian(trailer[4..]);
        kind = (StreamKind)(byte)((ulong)packed >> 56);
        sentAt = packed & 0x00FF_FFFF_FFFF_FFFF;
        return kind is StreamKind.Audio or StreamKind.Video;
    }
}
