using System.Text;
using Appliance.Media.Stun;

namespace Appliance.Media.Tests.Ice;

/// <summary>Builds the Binding requests a browser's controlling ICE agent sends (RFC 8445 §7.1.1).</summary>
internal sealed record CheckBuilder(string Username, string Password)
{
    private static int _counter;

    public bool UseCandidate { get; init; }

    public bool Controlling { get; init; } = true;

    public bool Controlled { get; init; }

    public bool Integrity { get; init; } = true;

    public bool Fingerprint { get; init; } = true;

    public bool IncludeUsername { get; init; } = true;

    public StunMessageType Type { get; init; } = StunMessageType.BindingRequest;

    public int? RawType { get; init; }

    public int[] ExtraAttributes { get; init; } = [];

    public byte[] TransactionId { get; init; } = NextTransactionId();

    public byte[] Build()
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer);
        var ok = writer.TryBegin(RawType ?? (int)Type, TransactionId);
        if (IncludeUsername)
        {
            ok &= writer.TryAddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(Username));
        }

        ok &= writer.TryAddAttribute(StunAttributeType.Priority, [0x6e, 0x00, 0x01, 0xff]);
        if (Controlling)
        {
            ok &= writer.TryAddAttribute(StunAttributeType.IceControlling, [1, 2, 3, 4, 5, 6, 7, 8]);
        }

        if (Controlled)
        {
            ok &= writer.TryAddAttribute(StunAttributeType.IceControlled, [8, 7, 6, 5, 4, 3, 2, 1]);
        }

        if (UseCandidate)
        {
            ok &= writer.TryAddAttribute(StunAttributeType.UseCandidate, ReadOnlySpan<byte>.Empty);
        }

        foreach (var type in ExtraAttributes)
        {
            ok &= writer.TryAddAttribute(type, [0, 0, 0, 0]);
        }

        if (Integrity)
        {
            ok &= writer.TryAddMessageIntegrity(Encoding.UTF8.GetBytes(Password));
        }

        if (Fingerprint)
        {
            ok &= writer.TryAddFingerprint();
        }

        if (!ok)
        {
            throw new InvalidOperationException("The test request did not fit.");
        }

        return writer.Written.ToArray();
    }

    private static byte[] NextTransactionId()
    {
        var id = new byte[12];
        BitConverter.TryWriteBytes(id, Interlocked.Increment(ref _counter));
        id[11] = 0x7A;
        return id;
    }
}
