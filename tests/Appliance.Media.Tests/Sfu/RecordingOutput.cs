using Appliance.Media.Rtp;
using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Sfu;

/// <summary>One packet the router sent: to whom, RTP or RTCP, and a copy of its bytes.</summary>
internal sealed record Sent(ParticipantKey To, bool IsRtcp, byte[] Bytes)
{
    public RtpHeader Header
    {
        get
        {
            Assert.That(RtpHeader.Read(Bytes, out var header), Is.EqualTo(RtpParseResult.Ok));
            return header;
        }
    }

    public byte[] Payload
    {
        get
        {
            Assert.That(Header.TryGetPayload(Bytes, out var payload), Is.True);
            return payload.ToArray();
        }
    }
}

/// <summary>Keeps a copy of everything the router sends, as the transport would before protecting it.</summary>
internal sealed class RecordingOutput : IRtpOutput
{
    public List<Sent> Packets { get; } = [];

    public IEnumerable<Sent> Rtp => Packets.Where(p => !p.IsRtcp);

    public IEnumerable<Sent> Rtcp => Packets.Where(p => p.IsRtcp);

    public void SendRtp(ParticipantKey recipient, ReadOnlySpan<byte> plainRtp) => Packets.Add(new Sent(recipient, false, plainRtp.ToArray()));

    public void SendRtcp(ParticipantKey recipient, ReadOnlySpan<byte> plainRtcp) => Packets.Add(new Sent(recipient, true, plainRtcp.ToArray()));

    public IEnumerable<Sent> RtpTo(ParticipantKey recipient) => Rtp.Where(p => p.To == recipient);

    public IEnumerable<Sent> RtcpTo(ParticipantKey recipient) => Rtcp.Where(p => p.To == recipient);

    public void Clear() => Packets.Clear();
}
