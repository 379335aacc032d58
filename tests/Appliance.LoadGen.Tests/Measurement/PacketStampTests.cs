using Appliance.LoadGen.Trace;

namespace Appliance.LoadGen.Tests.Measurement;

public sealed class PacketStampTests
{
    [Test]
    public void A_stamp_reads_back_at_the_end_of_any_payload()
    {
        var payload = new byte[80];
        payload.AsSpan().Fill(0xAB);

        PacketStamp.Write(payload, participant: 1234, StreamKind.Video, sentAt: 0x0012_3456_789A_BCDE);

        Assert.Multiple(() =>
        {
            Assert.That(PacketStamp.TryRead(payload, out var participant, out var kind, out var sentAt), Is.True);
            Assert.That(participant, Is.EqualTo(1234));
            Assert.That(kind, Is.EqualTo(StreamKind.Video));
            Assert.That(sentAt, Is.EqualTo(0x0012_3456_789A_BCDE));
            Assert.That(payload[0], Is.EqualTo(0xAB), "the start of the payload (codec headers) is left alone");
        });
    }

    [Test]
    public void A_payload_without_a_stamp_is_not_read_as_one()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PacketStamp.TryRead(new byte[40], out _, out _, out _), Is.False);
            Assert.That(PacketStamp.TryRead(new byte[5], out _, out _, out _), Is.False);
        });
    }
}
