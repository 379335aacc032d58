using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

public class SenderKidTests
{
    [TestCase(1, StreamKind.Microphone, 0, 1024UL)]
    [TestCase(1, StreamKind.Camera, 0, 1280UL)]
    [TestCase(2, StreamKind.Screen, 5, 2048UL + 512 + 5)]
    [TestCase(3, StreamKind.Chat, 255, 3072UL + 768 + 255)]
    [TestCase(3, StreamKind.Chat, 256, 3072UL + 768)]
    [TestCase(1, StreamKind.Camera, 513, 1280UL + 1)]
    public void Kid_is_sender_index_times_1024_plus_stream_times_256_plus_generation_mod_256(int senderIndex, StreamKind stream, int gen, ulong kid)
    {
        Assert.That(SenderKid.Compose(senderIndex, stream, gen), Is.EqualTo(kid));
        Assert.That(SenderKid.TryDecompose(kid, out var parts), Is.True);
        Assert.That(parts, Is.EqualTo(new SenderKidParts(senderIndex, stream, gen % 256)));
    }

    [Test]
    public void Every_stream_of_every_sender_has_its_own_kid()
    {
        var kids = new HashSet<ulong>();
        for (var sender = 1; sender <= 20; sender++)
        {
            foreach (var stream in Enum.GetValues<StreamKind>())
            {
                for (var gen = 0; gen < 256; gen++)
                {
                    Assert.That(kids.Add(SenderKid.Compose(sender, stream, gen)), Is.True);
                }
            }
        }
    }

    [Test]
    public void Impossible_inputs_are_refused()
    {
        Assert.That(() => SenderKid.Compose(0, StreamKind.Camera, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => SenderKid.Compose(1, StreamKind.Camera, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => SenderKid.Compose(1, (StreamKind)4, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(SenderKid.TryDecompose(1023, out _), Is.False);
        Assert.That(SenderKid.TryDecompose(ulong.MaxValue, out _), Is.False);
    }
}
