using System.Net;
using System.Text;
using Appliance.Media.Stun;

namespace Appliance.Media.Tests.Stun;

public class StunMessageWriterTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(Rfc5769Vectors.Password);

    [Test]
    public void Binding_success_reproduces_the_IPv4_response_of_RFC_5769_section_2_2_byte_for_byte()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer) { PaddingByte = 0x20 };

        var written = writer.TryWriteBindingSuccess(
            Rfc5769Vectors.TransactionId,
            TransportAddress.FromEndPoint(Rfc5769Vectors.IPv4MappedAddress),
            Key,
            Encoding.UTF8.GetBytes(Rfc5769Vectors.ResponseSoftware));

        Assert.That(written, Is.True);
        Assert.That(writer.Written.ToArray(), Is.EqualTo(Rfc5769Vectors.SampleIPv4Response));
    }

    [Test]
    public void Binding_success_reproduces_the_IPv6_response_of_RFC_5769_section_2_3_byte_for_byte()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer) { PaddingByte = 0x20 };

        var written = writer.TryWriteBindingSuccess(
            Rfc5769Vectors.TransactionId,
            TransportAddress.FromEndPoint(Rfc5769Vectors.IPv6MappedAddress),
            Key,
            Encoding.UTF8.GetBytes(Rfc5769Vectors.ResponseSoftware));

        Assert.That(written, Is.True);
        Assert.That(writer.Written.ToArray(), Is.EqualTo(Rfc5769Vectors.SampleIPv6Response));
    }

    [Test]
    public void Attribute_by_attribute_writing_reproduces_the_request_of_RFC_5769_section_2_1_byte_for_byte()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer) { PaddingByte = 0x20 };

        var written = writer.TryBegin(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId)
            && writer.TryAddAttribute(StunAttributeType.Software, Encoding.UTF8.GetBytes(Rfc5769Vectors.RequestSoftware))
            && writer.TryAddAttribute(StunAttributeType.Priority, Hex.Bytes("6e 00 01 ff"))
            && writer.TryAddAttribute(StunAttributeType.IceControlled, Hex.Bytes("93 2f f9 b1 51 26 3b 36"))
            && writer.TryAddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(Rfc5769Vectors.RequestUsername))
            && writer.TryAddMessageIntegrity(Key)
            && writer.TryAddFingerprint();

        Assert.That(written, Is.True);
        Assert.That(writer.Written.ToArray(), Is.EqualTo(Rfc5769Vectors.SampleRequest));
    }

    [Test]
    public void Padding_is_zero_by_default_as_RFC_8489_asks()
    {
        var buffer = new byte[64];
        buffer.AsSpan().Fill(0xAA);
        var writer = new StunMessageWriter(buffer);

        writer.TryBegin(StunMessageType.BindingIndication, new byte[12]);
        writer.TryAddAttribute(StunAttributeType.Software, "abcde"u8);

        Assert.That(writer.Length, Is.EqualTo(32));
        Assert.That(buffer[29..32], Is.EqualTo(new byte[] { 0, 0, 0 }));
    }

    [Test]
    public void An_IPv4_mapped_IPv6_peer_is_answered_with_its_IPv4_address()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer);
        var mapped = new IPEndPoint(IPAddress.Parse("192.0.2.1").MapToIPv6(), 32853);

        writer.TryWriteBindingSuccess(Rfc5769Vectors.TransactionId, TransportAddress.FromEndPoint(mapped), Key);
        StunMessage.Parse(writer.Written, out var message);
        message.TryGetXorMappedAddress(out var address);

        Assert.That(address.ToEndPoint(), Is.EqualTo(Rfc5769Vectors.IPv4MappedAddress));
    }

    [TestCase(StunErrorCode.BadRequest, "Bad Request")]
    [TestCase(StunErrorCode.Unauthorized, "Unauthorized")]
    [TestCase(StunErrorCode.UnknownAttribute, "Unknown Attribute")]
    [TestCase(StunErrorCode.RoleConflict, "Role Conflict")]
    public void Error_responses_carry_the_code_and_reason_and_a_valid_fingerprint(StunErrorCode code, string reason)
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer);

        Assert.That(writer.TryWriteBindingError(Rfc5769Vectors.TransactionId, code, ReadOnlySpan<byte>.Empty), Is.True);
        Assert.That(StunMessage.Parse(writer.Written, out var message), Is.EqualTo(StunParseResult.Ok));
        Assert.That(message.Type, Is.EqualTo(StunMessageType.BindingErrorResponse));
        Assert.That(message.TransactionId.ToArray(), Is.EqualTo(Rfc5769Vectors.TransactionId));
        Assert.That(message.TryGetErrorCode(out var readCode, out var readReason), Is.True);
        Assert.That(readCode, Is.EqualTo((int)code));
        Assert.That(Encoding.UTF8.GetString(readReason), Is.EqualTo(reason));
        Assert.That(message.HasMessageIntegrity, Is.False);
        Assert.That(message.VerifyFingerprint(), Is.True);
    }

    [Test]
    public void An_error_response_with_a_key_carries_valid_integrity()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer);

        writer.TryWriteBindingError(Rfc5769Vectors.TransactionId, StunErrorCode.RoleConflict, Key);
        StunMessage.Parse(writer.Written, out var message);

        Assert.That(message.VerifyMessageIntegrity(Key), Is.True);
        Assert.That(message.VerifyFingerprint(), Is.True);
    }

    [Test]
    public void A_420_response_lists_the_unknown_attributes()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer);

        writer.TryWriteBindingError(Rfc5769Vectors.TransactionId, StunErrorCode.UnknownAttribute, Key, [0x0003, 0x7FFF, 0x0100]);
        StunMessage.Parse(writer.Written, out var message);
        byte[]? listed = null;
        foreach (var attribute in message.EnumerateAttributes())
        {
            if (attribute.Type == (int)StunAttributeType.UnknownAttributes)
            {
                listed = attribute.Value.ToArray();
            }
        }

        Assert.That(listed, Is.EqualTo(Hex.Bytes("0003 7fff 0100")));
        Assert.That(message.VerifyMessageIntegrity(Key), Is.True);
    }

    [Test]
    public void Message_integrity_sha256_written_here_verifies_and_fails_when_tampered()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer);
        writer.TryBegin(StunMessageType.BindingRequest, Rfc5769Vectors.TransactionId);
        writer.TryAddAttribute(StunAttributeType.Username, "evtj:h6vY"u8);
        writer.TryAddMessageIntegrity(Key);
        writer.TryAddMessageIntegritySha256(Key);
        writer.TryAddFingerprint();
        var bytes = writer.Written.ToArray();

        StunMessage.Parse(bytes, out var message);
        Assert.That(message.HasMessageIntegritySha256, Is.True);
        Assert.That(message.VerifyMessageIntegrity(Key), Is.True);
        Assert.That(message.VerifyMessageIntegritySha256(Key), Is.True);
        Assert.That(message.VerifyMessageIntegritySha256("other"u8), Is.False);

        bytes[25] ^= 1;
        StunMessage.Parse(bytes, out message);
        Assert.That(message.VerifyMessageIntegritySha256(Key), Is.False);
    }

    [Test]
    public void Every_buffer_too_small_for_a_response_is_refused_without_writing_past_it()
    {
        var full = new byte[128];
        var fullWriter = new StunMessageWriter(full);
        fullWriter.TryWriteBindingSuccess(
            Rfc5769Vectors.TransactionId, TransportAddress.FromEndPoint(Rfc5769Vectors.IPv6MappedAddress), Key);
        var needed = fullWriter.Length;

        for (var size = 0; size < needed; size++)
        {
            var buffer = new byte[size + 8];
            buffer.AsSpan(size).Fill(0xEE);
            var writer = new StunMessageWriter(buffer.AsSpan(0, size));

            var written = writer.TryWriteBindingSuccess(
                Rfc5769Vectors.TransactionId, TransportAddress.FromEndPoint(Rfc5769Vectors.IPv6MappedAddress), Key);

            Assert.That(written, Is.False, $"buffer of {size}");
            Assert.That(writer.Length, Is.Zero);
            Assert.That(buffer[size..], Is.All.EqualTo(0xEE), $"buffer of {size}");
        }
    }

    [Test]
    public void Attributes_cannot_be_added_before_the_header()
    {
        var writer = new StunMessageWriter(new byte[64]);

        Assert.That(writer.TryAddAttribute(StunAttributeType.Software, "x"u8), Is.False);
        Assert.That(writer.TryAddFingerprint(), Is.False);
        Assert.That(writer.Length, Is.Zero);
    }

    [Test]
    public void A_transaction_id_of_the_wrong_length_is_refused()
    {
        var writer = new StunMessageWriter(new byte[64]);

        Assert.That(writer.TryBegin(StunMessageType.BindingRequest, new byte[11]), Is.False);
        Assert.That(writer.TryBegin(StunMessageType.BindingRequest, new byte[16]), Is.False);
    }

    [TestCase(299)]
    [TestCase(700)]
    public void Error_codes_outside_300_to_699_are_refused(int code)
    {
        var writer = new StunMessageWriter(new byte[64]);
        writer.TryBegin(StunMessageType.BindingErrorResponse, new byte[12]);

        Assert.That(writer.TryAddErrorCode(code, "x"u8), Is.False);
    }
}
