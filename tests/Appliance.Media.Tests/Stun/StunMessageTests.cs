using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Appliance.Media.Stun;

namespace Appliance.Media.Tests.Stun;

public class StunMessageTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(Rfc5769Vectors.Password);

    [Test]
    public void Sample_request_of_RFC_5769_section_2_1_parses_with_every_attribute()
    {
        var result = StunMessage.Parse(Rfc5769Vectors.SampleRequest, out var message);

        Assert.That(result, Is.EqualTo(StunParseResult.Ok));
        Assert.That(message.Type, Is.EqualTo(StunMessageType.BindingRequest));
        Assert.That(message.Class, Is.EqualTo(StunMessageClass.Request));
        Assert.That(message.Method, Is.EqualTo(0x001));
        Assert.That(message.TransactionId.ToArray(), Is.EqualTo(Rfc5769Vectors.TransactionId));
        Assert.That(Encoding.UTF8.GetString(message.Software), Is.EqualTo(Rfc5769Vectors.RequestSoftware));
        Assert.That(Encoding.UTF8.GetString(message.Username), Is.EqualTo(Rfc5769Vectors.RequestUsername));
        Assert.That(message.HasPriority, Is.True);
        Assert.That(message.Priority, Is.EqualTo(0x6e0001ffu));
        Assert.That(message.HasIceControlled, Is.True);
        Assert.That(message.IceControlled, Is.EqualTo(0x932ff9b151263b36ul));
        Assert.That(message.HasIceControlling, Is.False);
        Assert.That(message.UseCandidate, Is.False);
        Assert.That(message.UnknownComprehensionRequiredCount, Is.Zero);
    }

    [Test]
    public void Sample_request_of_RFC_5769_section_2_1_has_valid_integrity_and_fingerprint()
    {
        StunMessage.Parse(Rfc5769Vectors.SampleRequest, out var message);

        Assert.That(message.VerifyMessageIntegrity(Key), Is.True);
        Assert.That(message.VerifyFingerprint(), Is.True);
    }

    [Test]
    public void Sample_IPv4_response_of_RFC_5769_section_2_2_yields_192_0_2_1_port_32853()
    {
        var result = StunMessage.Parse(Rfc5769Vectors.SampleIPv4Response, out var message);

        Assert.That(result, Is.EqualTo(StunParseResult.Ok));
        Assert.That(message.Type, Is.EqualTo(StunMessageType.BindingSuccessResponse));
        Assert.That(message.Class, Is.EqualTo(StunMessageClass.SuccessResponse));
        Assert.That(Encoding.UTF8.GetString(message.Software), Is.EqualTo(Rfc5769Vectors.ResponseSoftware));
        Assert.That(message.TryGetXorMappedAddress(out var mapped), Is.True);
        Assert.That(mapped.Family, Is.EqualTo(AddressFamily.InterNetwork));
        Assert.That(mapped.ToEndPoint(), Is.EqualTo(Rfc5769Vectors.IPv4MappedAddress));
        Assert.That(message.VerifyMessageIntegrity(Key), Is.True);
        Assert.That(message.VerifyFingerprint(), Is.True);
    }

    [Test]
    public void Sample_IPv6_response_of_RFC_5769_section_2_3_yields_its_IPv6_address_and_port()
    {
        var result = StunMessage.Parse(Rfc5769Vectors.SampleIPv6Response, out var message);

        Assert.That(result, Is.EqualTo(StunParseResult.Ok));
        Assert.That(message.TryGetXorMappedAddress(out var mapped), Is.True);
        Assert.That(mapped.Family, Is.EqualTo(AddressFamily.InterNetworkV6));
        Assert.That(mapped.ToEndPoint(), Is.EqualTo(Rfc5769Vectors.IPv6MappedAddress));
        Assert.That(message.VerifyMessageIntegrity(Key), Is.True);
        Assert.That(message.VerifyFingerprint(), Is.True);
    }

    [Test]
    public void Sample_request_with_long_term_authentication_of_RFC_5769_section_2_4_verifies_with_the_MD5_key()
    {
        // RFC 8489 §9.2.2: key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)).
#pragma warning disable CA5351 // MD5 is what the long-term credential mechanism of RFC 5389 defines.
        var key = MD5.HashData(Encoding.UTF8.GetBytes(
            $"{Rfc5769Vectors.LongTermUsername}:{Rfc5769Vectors.LongTermRealm}:{Rfc5769Vectors.LongTermPassword}"));
#pragma warning restore CA5351

        var result = StunMessage.Parse(Rfc5769Vectors.SampleRequestLongTermAuthentication, out var message);

        Assert.That(result, Is.EqualTo(StunParseResult.Ok));
        Assert.That(Encoding.UTF8.GetString(message.Username), Is.EqualTo(Rfc5769Vectors.LongTermUsername));
        Assert.That(message.HasFingerprint, Is.False);
        Assert.That(message.VerifyFingerprint(), Is.False);
        Assert.That(message.VerifyMessageIntegrity(key), Is.True);
        Assert.That(message.VerifyMessageIntegrity(Key), Is.False);
    }

    [Test]
    public void Realm_and_nonce_of_RFC_5769_section_2_4_are_walked_as_attributes_and_not_reported_unknown()
    {
        StunMessage.Parse(Rfc5769Vectors.SampleRequestLongTermAuthentication, out var message);
        var realm = string.Empty;
        var nonce = string.Empty;
        foreach (var attribute in message.EnumerateAttributes())
        {
            if (attribute.Type == (int)StunAttributeType.Realm)
            {
                realm = Encoding.UTF8.GetString(attribute.Value);
            }
            else if (attribute.Type == (int)StunAttributeType.Nonce)
            {
                nonce = Encoding.UTF8.GetString(attribute.Value);
            }
        }

        Assert.That(realm, Is.EqualTo(Rfc5769Vectors.LongTermRealm));
        Assert.That(nonce, Is.EqualTo(Rfc5769Vectors.LongTermNonce));
        Assert.That(message.UnknownComprehensionRequiredCount, Is.Zero);
    }

    [Test]
    public void Attribute_walk_of_the_sample_request_yields_the_six_attributes_in_order()
    {
        StunMessage.Parse(Rfc5769Vectors.SampleRequest, out var message);
        var types = new List<int>();
        foreach (var attribute in message.EnumerateAttributes())
        {
            types.Add(attribute.Type);
        }

        Assert.That(types, Is.EqualTo(new[] { 0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028 }));
    }

    [Test]
    public void Integrity_fails_with_a_wrong_password()
    {
        StunMessage.Parse(Rfc5769Vectors.SampleRequest, out var message);

        Assert.That(message.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBT"u8), Is.False);
        Assert.That(message.VerifyMessageIntegrity(ReadOnlySpan<byte>.Empty), Is.False);
    }

    [Test]
    public void Integrity_and_fingerprint_fail_when_a_covered_byte_changes()
    {
        var tampered = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        tampered[31] ^= 0x01; // a letter of SOFTWARE: covered by both.

        Assert.That(StunMessage.Parse(tampered, out var message), Is.EqualTo(StunParseResult.Ok));
        Assert.That(message.VerifyMessageIntegrity(Key), Is.False);
        Assert.That(message.VerifyFingerprint(), Is.False);
    }

    [Test]
    public void Fingerprint_fails_when_its_value_changes_while_integrity_still_holds()
    {
        var tampered = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        tampered[^1] ^= 0x80;

        Assert.That(StunMessage.Parse(tampered, out var message), Is.EqualTo(StunParseResult.Ok));
        Assert.That(message.VerifyFingerprint(), Is.False);
        Assert.That(message.VerifyMessageIntegrity(Key), Is.True);
    }

    [Test]
    public void Integrity_fails_when_its_own_value_changes()
    {
        var tampered = (byte[])Rfc5769Vectors.SampleIPv4Response.Clone();
        tampered[52] ^= 0xFF; // first byte of the HMAC

        StunMessage.Parse(tampered, out var message);

        Assert.That(message.VerifyMessageIntegrity(Key), Is.False);
    }

    [TestCaseSource(typeof(Rfc5769Vectors), nameof(Rfc5769Vectors.All))]
    public void Every_truncation_of_a_vector_is_refused_without_an_exception(byte[] vector)
    {
        for (var length = 0; length < vector.Length; length++)
        {
            var result = StunMessage.Parse(vector.AsSpan(0, length), out _);

            Assert.That(result, Is.Not.EqualTo(StunParseResult.Ok), $"prefix of {length} bytes");
        }
    }

    [TestCaseSource(typeof(Rfc5769Vectors), nameof(Rfc5769Vectors.All))]
    public void A_truncation_with_a_patched_length_is_valid_at_attribute_boundaries_and_an_overrun_elsewhere(byte[] vector)
    {
        var boundaries = new HashSet<int>();
        for (var offset = StunConstants.HeaderLength; offset < vector.Length;)
        {
            boundaries.Add(offset);
            offset += 4 + ((BinaryPrimitives.ReadUInt16BigEndian(vector.AsSpan(offset + 2)) + 3) & ~3);
        }

        for (var length = StunConstants.HeaderLength + 4; length < vector.Length; length += 4)
        {
            var cut = vector.AsSpan(0, length).ToArray();
            BinaryPrimitives.WriteUInt16BigEndian(cut.AsSpan(2), (ushort)(length - StunConstants.HeaderLength));

            var expected = boundaries.Contains(length) ? StunParseResult.Ok : StunParseResult.AttributeOverrun;
            Assert.That(StunMessage.Parse(cut, out _), Is.EqualTo(expected), $"prefix of {length} bytes");
        }
    }

    [Test]
    public void A_cut_at_an_attribute_boundary_with_a_patched_length_is_a_valid_shorter_message()
    {
        // §2.1 up to and including USERNAME: header 20 + SOFTWARE 20 + PRIORITY 8 + ICE-CONTROLLED 12 + USERNAME 16.
        var cut = Rfc5769Vectors.SampleRequest.AsSpan(0, 76).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(cut.AsSpan(2), 76 - 20);

        Assert.That(StunMessage.Parse(cut, out var message), Is.EqualTo(StunParseResult.Ok));
        Assert.That(message.HasMessageIntegrity, Is.False);
        Assert.That(message.HasFingerprint, Is.False);
        Assert.That(Encoding.UTF8.GetString(message.Username), Is.EqualTo(Rfc5769Vectors.RequestUsername));
    }

    [Test]
    public void A_wrong_magic_cookie_is_refused()
    {
        var bad = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        bad[7] ^= 0x01;

        Assert.That(StunMessage.Parse(bad, out _), Is.EqualTo(StunParseResult.BadMagicCookie));
    }

    [TestCase(0x40)]
    [TestCase(0x80)]
    [TestCase(0xC0)]
    public void A_first_byte_with_either_top_bit_set_is_not_STUN(int firstByte)
    {
        var bad = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        bad[0] = (byte)firstByte;

        Assert.That(StunMessage.Parse(bad, out _), Is.EqualTo(StunParseResult.NotStun));
    }

    [TestCase(0x57)]
    [TestCase(0x59)]
    [TestCase(0x5A)]
    public void A_length_field_that_is_not_a_multiple_of_four_is_refused(int length)
    {
        var bad = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        bad[3] = (byte)length;

        Assert.That(StunMessage.Parse(bad, out _), Is.EqualTo(StunParseResult.LengthNotMultipleOfFour));
    }

    [TestCase(0x54)]
    [TestCase(0x5C)]
    [TestCase(0x00)]
    public void A_length_field_that_disagrees_with_the_datagram_is_refused(int length)
    {
        var bad = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        bad[3] = (byte)length;

        Assert.That(StunMessage.Parse(bad, out _), Is.EqualTo(StunParseResult.LengthMismatch));
    }

    [Test]
    public void A_datagram_with_bytes_after_the_message_is_refused()
    {
        var longer = Rfc5769Vectors.SampleRequest.Concat(new byte[4]).ToArray();

        Assert.That(StunMessage.Parse(longer, out _), Is.EqualTo(StunParseResult.LengthMismatch));
    }

    [Test]
    public void An_attribute_whose_length_runs_past_the_message_is_an_overrun()
    {
        var bad = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        bad[23] = 0x60; // SOFTWARE claims 96 bytes

        Assert.That(StunMessage.Parse(bad, out _), Is.EqualTo(StunParseResult.AttributeOverrun));
    }

    [Test]
    public void An_attribute_length_of_65535_is_an_overrun()
    {
        var bad = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        bad[22] = 0xFF;
        bad[23] = 0xFF;

        Assert.That(StunMessage.Parse(bad, out _), Is.EqualTo(StunParseResult.AttributeOverrun));
    }

    [Test]
    public void A_padding_that_runs_past_the_message_is_an_overrun()
    {
        // One attribute of length 1 in a message of length 4: value and padding need 8 bytes.
        var bad = Hex.Bytes("00 01 00 04 21 12 a4 42 000000000000000000000000 80 22 00 01");

        Assert.That(StunMessage.Parse(bad, out _), Is.EqualTo(StunParseResult.AttributeOverrun));
    }

    [TestCase(0x0008, 16, TestName = "MESSAGE_INTEGRITY_of_16_bytes_is_malformed")]
    [TestCase(0x8028, 8, TestName = "FINGERPRINT_of_8_bytes_is_malformed")]
    [TestCase(0x0024, 8, TestName = "PRIORITY_of_8_bytes_is_malformed")]
    [TestCase(0x0025, 4, TestName = "USE_CANDIDATE_with_a_value_is_malformed")]
    [TestCase(0x802A, 4, TestName = "ICE_CONTROLLING_of_4_bytes_is_malformed")]
    [TestCase(0x8029, 12, TestName = "ICE_CONTROLLED_of_12_bytes_is_malformed")]
    [TestCase(0x0020, 12, TestName = "XOR_MAPPED_ADDRESS_of_12_bytes_is_malformed")]
    [TestCase(0x001C, 12, TestName = "MESSAGE_INTEGRITY_SHA256_of_12_bytes_is_malformed")]
    [TestCase(0x0009, 2, TestName = "ERROR_CODE_of_2_bytes_is_malformed")]
    [TestCase(0x0006, 516, TestName = "USERNAME_of_516_bytes_is_malformed")]
    public void A_known_attribute_of_the_wrong_length_is_malformed(int type, int length)
    {
        var message = MessageWithAttribute(type, new byte[length]);

        Assert.That(StunMessage.Parse(message, out _), Is.EqualTo(StunParseResult.MalformedAttribute));
    }

    [Test]
    public void An_error_code_with_a_class_outside_3_to_6_is_malformed()
    {
        var message = MessageWithAttribute(0x0009, [0, 0, 2, 0]);

        Assert.That(StunMessage.Parse(message, out _), Is.EqualTo(StunParseResult.MalformedAttribute));
    }

    [Test]
    public void An_attribute_after_the_fingerprint_is_refused()
    {
        var message = Rfc5769Vectors.SampleRequest.Concat(Hex.Bytes("80 22 00 00")).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)(message.Length - 20));

        Assert.That(StunMessage.Parse(message, out _), Is.EqualTo(StunParseResult.AttributeAfterFingerprint));
    }

    [Test]
    public void Messages_shorter_than_the_header_are_too_short()
    {
        Assert.That(StunMessage.Parse(ReadOnlySpan<byte>.Empty, out _), Is.EqualTo(StunParseResult.TooShort));
        Assert.That(StunMessage.Parse(new byte[19], out _), Is.EqualTo(StunParseResult.TooShort));
    }

    [Test]
    public void Messages_longer_than_1500_bytes_are_refused_unread()
    {
        var big = new byte[1504];
        Assert.That(StunMessage.Parse(big, out _), Is.EqualTo(StunParseResult.TooLong));
    }

    [Test]
    public void A_1500_byte_message_is_accepted()
    {
        var buffer = new byte[1500];
        var writer = new StunMessageWriter(buffer);
        writer.TryBegin(StunMessageType.BindingIndication, new byte[12]);
        writer.TryAddAttribute(0x8055, new byte[1500 - 20 - 4]);

        Assert.That(writer.Length, Is.EqualTo(1500));
        Assert.That(StunMessage.Parse(buffer, out _), Is.EqualTo(StunParseResult.Ok));
    }

    [Test]
    public void Unknown_comprehension_required_attributes_are_reported_and_optional_ones_are_not()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);
        writer.TryBegin(StunMessageType.BindingRequest, new byte[12]);
        writer.TryAddAttribute(0x0003, new byte[4]); // CHANGE-REQUEST of RFC 3489
        writer.TryAddAttribute(0xC057, new byte[4]); // GOOG-NETWORK-INFO: comprehension-optional
        writer.TryAddAttribute(0x7FFF, ReadOnlySpan<byte>.Empty);

        StunMessage.Parse(writer.Written, out var message);
        Span<ushort> unknown = stackalloc ushort[8];
        var count = message.CopyUnknownComprehensionRequired(unknown);

        Assert.That(message.UnknownComprehensionRequiredCount, Is.EqualTo(2));
        Assert.That(unknown[..count].ToArray(), Is.EqualTo(new ushort[] { 0x0003, 0x7FFF }));
    }

    [Test]
    public void More_unknown_attributes_than_are_kept_are_all_counted()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);
        writer.TryBegin(StunMessageType.BindingRequest, new byte[12]);
        for (var type = 0x0100; type < 0x010B; type++)
        {
            writer.TryAddAttribute(type, ReadOnlySpan<byte>.Empty);
        }

        StunMessage.Parse(writer.Written, out var message);
        Span<ushort> unknown = stackalloc ushort[16];

        Assert.That(message.UnknownComprehensionRequiredCount, Is.EqualTo(11));
        Assert.That(message.CopyUnknownComprehensionRequired(unknown), Is.EqualTo(StunMessage.MaxReportedUnknownAttributes));
    }

    [Test]
    public void Attributes_after_message_integrity_other_than_fingerprint_are_ignored()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);
        writer.TryBegin(StunMessageType.BindingRequest, new byte[12]);
        writer.TryAddMessageIntegrity(Key);
        writer.TryAddAttribute(StunAttributeType.Username, "late:user"u8);
        writer.TryAddAttribute(StunAttributeType.UseCandidate, ReadOnlySpan<byte>.Empty);
        writer.TryAddAttribute(0x0003, new byte[4]);
        writer.TryAddFingerprint();

        Assert.That(StunMessage.Parse(writer.Written, out var message), Is.EqualTo(StunParseResult.Ok));
        Assert.That(message.HasUsername, Is.False);
        Assert.That(message.UseCandidate, Is.False);
        Assert.That(message.UnknownComprehensionRequiredCount, Is.Zero);
        Assert.That(message.VerifyMessageIntegrity(Key), Is.True);
        Assert.That(message.VerifyFingerprint(), Is.True);
    }

    [Test]
    public void Only_the_first_of_repeated_attributes_counts()
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);
        writer.TryBegin(StunMessageType.BindingRequest, new byte[12]);
        writer.TryAddAttribute(StunAttributeType.Username, "first:one"u8);
        writer.TryAddAttribute(StunAttributeType.Username, "second:one"u8);

        StunMessage.Parse(writer.Written, out var message);

        Assert.That(Encoding.UTF8.GetString(message.Username), Is.EqualTo("first:one"));
    }

    [TestCase(0x0001, StunMessageClass.Request)]
    [TestCase(0x0011, StunMessageClass.Indication)]
    [TestCase(0x0101, StunMessageClass.SuccessResponse)]
    [TestCase(0x0111, StunMessageClass.ErrorResponse)]
    public void Binding_types_decode_to_method_1_and_their_class(int type, StunMessageClass expected)
    {
        var buffer = new byte[20];
        new StunMessageWriter(buffer).TryBegin(type, new byte[12]);

        StunMessage.Parse(buffer, out var message);

        Assert.That(message.Method, Is.EqualTo(1));
        Assert.That(message.Class, Is.EqualTo(expected));
    }

    [Test]
    public void Method_bits_are_taken_from_around_the_class_bits()
    {
        // RFC 8489 §5: Allocate (0x003) success response is 0x0103; Refresh (0x004) error is 0x0114.
        var buffer = new byte[20];
        new StunMessageWriter(buffer).TryBegin(0x0114, new byte[12]);
        StunMessage.Parse(buffer, out var message);

        Assert.That(message.Method, Is.EqualTo(0x004));
        Assert.That(message.Class, Is.EqualTo(StunMessageClass.ErrorResponse));

        new StunMessageWriter(buffer).TryBegin(0x3EEF, new byte[12]);
        StunMessage.Parse(buffer, out message);
        Assert.That(message.Method, Is.EqualTo(0xFFF));
    }

    [Test]
    public void A_message_without_integrity_or_fingerprint_verifies_neither()
    {
        var buffer = new byte[20];
        new StunMessageWriter(buffer).TryBegin(StunMessageType.BindingRequest, new byte[12]);

        StunMessage.Parse(buffer, out var message);

        Assert.That(message.VerifyMessageIntegrity(Key), Is.False);
        Assert.That(message.VerifyMessageIntegritySha256(Key), Is.False);
        Assert.That(message.VerifyFingerprint(), Is.False);
        Assert.That(message.TryGetXorMappedAddress(out _), Is.False);
        Assert.That(message.TryGetErrorCode(out _, out _), Is.False);
    }

    private static byte[] MessageWithAttribute(int type, byte[] value)
    {
        var padded = (value.Length + 3) & ~3;
        var message = new byte[20 + 4 + padded];
        BinaryPrimitives.WriteUInt16BigEndian(message, 0x0001);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)(4 + padded));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), StunConstants.MagicCookie);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(20), (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(22), (ushort)value.Length);
        value.CopyTo(message, 24);
        return message;
    }
}
