using System.Net;

namespace Appliance.Media.Tests.Stun;

/// <summary>
/// The STUN test vectors of RFC 5769 ("Test Vectors for STUN", April 2010), section 2, byte for byte as
/// the RFC prints them (https://www.rfc-editor.org/rfc/rfc5769.txt). Their HMAC and CRC values are checked
/// by the tests, so a copying mistake cannot pass silently.
/// </summary>
internal static class Rfc5769Vectors
{
    /// <summary>§2.1–2.3: the short-term password of the sample request and both responses.</summary>
    public const string Password = "VOkJxbRl1RmTxUk/WvJxBt";

    /// <summary>§2.1: the sample request's USERNAME, "receiver-ufrag:sender-ufrag".</summary>
    public const string RequestUsername = "evtj:h6vY";

    /// <summary>§2.1: the sample request's SOFTWARE.</summary>
    public const string RequestSoftware = "STUN test client";

    /// <summary>§2.2 and §2.3: the responses' SOFTWARE.</summary>
    public const string ResponseSoftware = "test vector";

    /// <summary>§2.1–2.3: the transaction ID all three share.</summary>
    public static readonly byte[] TransactionId = Hex.Bytes("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae");

    /// <summary>§2.2: the mapped address, 192.0.2.1 port 32853.</summary>
    public static readonly IPEndPoint IPv4MappedAddress = new(IPAddress.Parse("192.0.2.1"), 32853);

    /// <summary>§2.3: the mapped address, 2001:db8:1234:5678:11:2233:4455:6677 port 32853.</summary>
    public static readonly IPEndPoint IPv6MappedAddress = new(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853);

    /// <summary>RFC 5769 §2.1, Sample Request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME (padded with
    /// spaces), MESSAGE-INTEGRITY, FINGERPRINT.</summary>
    public static readonly byte[] SampleRequest = Hex.Bytes("""
        00 01 00 58
        21 12 a4 42
        b7 e7 a7 01
        bc 34 d6 86
        fa 87 df ae
        80 22 00 10
        53 54 55 4e
        20 74 65 73
        74 20 63 6c
        69 65 6e 74
        00 24 00 04
        6e 00 01 ff
        80 29 00 08
        93 2f f9 b1
        51 26 3b 36
        00 06 00 09
        65 76 74 6a
        3a 68 36 76
        59 20 20 20
        00 08 00 14
        9a ea a7 0c
        bf d8 cb 56
        78 1e f2 b5
        b2 d3 f2 49
        c1 b5 71 a2
        80 28 00 04
        e5 7a 3b cf
        """);

    /// <summary>RFC 5769 §2.2, Sample IPv4 Response: SOFTWARE (padded with a space), XOR-MAPPED-ADDRESS,
    /// MESSAGE-INTEGRITY, FINGERPRINT.</summary>
    public static readonly byte[] SampleIPv4Response = Hex.Bytes("""
        01 01 00 3c
        21 12 a4 42
        b7 e7 a7 01
        bc 34 d6 86
        fa 87 df ae
        80 22 00 0b
        74 65 73 74
        20 76 65 63
        74 6f 72 20
        00 20 00 08
        00 01 a1 47
        e1 12 a6 43
        00 08 00 14
        2b 91 f5 99
        fd 9e 90 c3
        8c 74 89 f9
        2a f9 ba 53
        f0 6b e7 d7
        80 28 00 04
        c0 7d 4c 96
        """);

    /// <summary>RFC 5769 §2.3, Sample IPv6 Response.</summary>
    public static readonly byte[] SampleIPv6Response = Hex.Bytes("""
        01 01 00 48
        21 12 a4 42
        b7 e7 a7 01
        bc 34 d6 86
        fa 87 df ae
        80 22 00 0b
        74 65 73 74
        20 76 65 63
        74 6f 72 20
        00 20 00 14
        00 02 a1 47
        01 13 a9 fa
        a5 d3 f1 79
        bc 25 f4 b5
        be d2 b9 d9
        00 08 00 14
        a3 82 95 4e
        4b e6 7b f1
        17 84 c9 7c
        82 92 c2 75
        bf e3 ed 41
        80 28 00 04
        c8 fb 0b 4c
        """);

    /// <summary>RFC 5769 §2.4: the user name U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9.</summary>
    public const string LongTermUsername = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";

    /// <summary>RFC 5769 §2.4: the password after SASLprep ("The&lt;U+00AD&gt;M&lt;U+00AA&gt;tr&lt;U+2168&gt;" before).</summary>
    public const string LongTermPassword = "TheMatrIX";

    /// <summary>RFC 5769 §2.4: the realm.</summary>
    public const string LongTermRealm = "example.org";

    /// <summary>RFC 5769 §2.4: the nonce.</summary>
    public const string LongTermNonce = "f//499k954d6OL34oL9FSTvy64sA";

    /// <summary>RFC 5769 §2.4, Sample Request with Long-Term Authentication: USERNAME, NONCE, REALM,
    /// MESSAGE-INTEGRITY (key MD5(username ":" realm ":" password)), no FINGERPRINT.</summary>
    public static readonly byte[] SampleRequestLongTermAuthentication = Hex.Bytes("""
        00 01 00 60
        21 12 a4 42
        78 ad 34 33
        c6 ad 72 c0
        29 da 41 2e
        00 06 00 12
        e3 83 9e e3
        83 88 e3 83
        aa e3 83 83
        e3 82 af e3
        82 b9 00 00
        00 15 00 1c
        66 2f 2f 34
        39 39 6b 39
        35 34 64 36
        4f 4c 33 34
        6f 4c 39 46
        53 54 76 79
        36 34 73 41
        00 14 00 0b
        65 78 61 6d
        70 6c 65 2e
        6f 72 67 00
        00 08 00 14
        f6 70 24 65
        6d d6 4a 3e
        02 b8 e0 71
        2e 85 c9 a2
        8c a8 96 66
        """);

    public static IEnumerable<TestCaseData> All()
    {
        yield return new TestCaseData(SampleRequest).SetArgDisplayNames("RFC 5769 §2.1");
        yield return new TestCaseData(SampleIPv4Response).SetArgDisplayNames("RFC 5769 §2.2");
        yield return new TestCaseData(SampleIPv6Response).SetArgDisplayNames("RFC 5769 §2.3");
        yield return new TestCaseData(SampleRequestLongTermAuthentication).SetArgDisplayNames("RFC 5769 §2.4");
    }
}
