using System.Security.Cryptography;
using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

public class E2eeChatTests
{
    [Test]
    public void A_chat_message_opens_in_its_meeting_only()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, SenderKid.Compose(4, StreamKind.Chat, 1), RandomNumberGenerator.GetBytes(32));
        var sender = new SframeSender(key);
        var receiver = new SframeReceiver(rejectReplays: false);
        receiver.AddKey(key);

        var sealedText = E2eeChat.Seal(sender, "Bürgerbüro-7", "Grüße aus dem Rathaus");
        Assert.That(SframeHeader.TryRead(sealedText, out var header, out _), Is.True);
        Assert.That(header.Kid, Is.EqualTo(4UL * 1024 + 3 * 256 + 1));

        Assert.That(E2eeChat.Open(receiver, "Bürgerbüro-7", sealedText, out var text), Is.EqualTo(SframeResult.Ok));
        Assert.That(text, Is.EqualTo("Grüße aus dem Rathaus"));
        Assert.That(E2eeChat.Open(receiver, "Bürgerbüro-8", sealedText, out text), Is.EqualTo(SframeResult.Tampered));
        Assert.That(text, Is.Null);
    }

    [Test]
    public void Authenticated_bytes_that_are_not_utf8_are_malformed()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 3 * 256 + 1024, RandomNumberGenerator.GetBytes(32));
        var sender = new SframeSender(key);
        var receiver = new SframeReceiver();
        receiver.AddKey(key);
        var output = new byte[2 + sender.MaxOverhead];
        Assert.That(sender.Protect([0xC3, 0x28], "m"u8, output, out var written), Is.True);
        Assert.That(E2eeChat.Open(receiver, "m", output.AsSpan(0, written), out _), Is.EqualTo(SframeResult.Malformed));
    }
}
