using System.Buffers.Binary;
using System.Security.Cryptography;
using Appliance.Crypto.Aead;

namespace Appliance.Crypto.Srtp;

/// <summary>
/// AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): the header is associated data, the payload is encrypted,
/// a 16-byte tag follows. One <see cref="IAesGcm"/> per session key, created once: AES-NI and carry-less multiply
/// where the CPU has them (see Aead/README.md for the figures), <see cref="AesGcm"/> otherwise.
/// </summary>
/// <remarks>
/// With the <see cref="AesGcm"/> fallback a bad tag is an exception caught inside, so a forged packet costs one
/// throw; replays and stale packets are turned away by the session before they get here.
/// </remarks>
internal sealed class AeadAesGcmTransform : ISrtpTransform
{
    internal const int TagLength = 16;
    internal const int SaltLength = 12;
    private const int NonceLength = 12;

    private readonly IAesGcm _rtpAead;
    private readonly IAesGcm _rtcpAead;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    /// <summary>The session keys and salts of RTP and RTCP; <paramref name="implementation"/> picks the AES-GCM code (tests force the fallback).</summary>
    public AeadAesGcmTransform(
        ReadOnlySpan<byte> rtpKey, ReadOnlySpan<byte> rtpSalt, ReadOnlySpan<byte> rtcpKey, ReadOnlySpan<byte> rtcpSalt,
        AesGcmImplementation implementation = AesGcmImplementation.Fastest)
    {
        _rtpAead = AesGcmCipher.Create(rtpKey, implementation);
        _rtcpAead = AesGcmCipher.Create(rtcpKey, implementation);
        _rtpSalt = rtpSalt.ToArray();
        _rtcpSalt = rtcpSalt.ToArray();
    }

    public int RtpTagLength => TagLength;

    public int SrtcpIndexOffset(int protectedLength) => protectedLength - SrtpProfileParameters.SrtcpIndexLength;

    public void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, long index)
    {
        var length = packet.Length - TagLength;
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteRtpNonce(_rtpSalt, ssrc, index, nonce);
        var payload = packet[headerLength..length];
        _rtpAead.Encrypt(nonce, payload, payload, packet[length..], packet[..headerLength]);
    }

    public bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, long index)
    {
        var length = packet.Length - TagLength;
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteRtpNonce(_rtpSalt, ssrc, index, nonce);
        var payload = packet[headerLength..length];
        return _rtpAead.TryDecrypt(nonce, payload, packet[length..], payload, packet[..headerLength]);
    }

    public void ProtectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypt)
    {
        // | header (8) | payload (encrypted) | tag | E + SRTCP index |  (RFC 7714 §9.3)
        var length = packet.Length - TagLength - SrtpProfileParameters.SrtcpIndexLength;
        var indexWord = encrypt ? srtcpIndex | SrtpIndex.EncryptedFlag : srtcpIndex;
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteRtcpNonce(_rtcpSalt, ssrc, srtcpIndex, nonce);
        var tag = packet.Slice(length, TagLength);
        if (encrypt)
        {
            // AAD = the first 8 octets || E + index (§9.1), not contiguous in the packet.
            Span<byte> associated = stackalloc byte[RtpHeader.RtcpHeaderLength + SrtpProfileParameters.SrtcpIndexLength];
            packet[..RtpHeader.RtcpHeaderLength].CopyTo(associated);
            BinaryPrimitives.WriteUInt32BigEndian(associated[RtpHeader.RtcpHeaderLength..], indexWord);
            var payload = packet[RtpHeader.RtcpHeaderLength..length];
            _rtcpAead.Encrypt(nonce, payload, payload, tag, associated);
        }
        else
        {
            // Authentication only (§9.2): AAD = the whole packet || E + index. Put the word right after the
            // packet so the AAD is one span, tag it, then lay out tag and word in their wire order.
            BinaryPrimitives.WriteUInt32BigEndian(packet[length..], indexWord);
            Span<byte> computed = stackalloc byte[TagLength];
            _rtcpAead.Encrypt(nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, computed, packet[..(length + SrtpProfileParameters.SrtcpIndexLength)]);
            computed.CopyTo(tag);
        }

        BinaryPrimitives.WriteUInt32BigEndian(packet[(length + TagLength)..], indexWord);
    }

    public bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted)
    {
        var length = packet.Length - TagLength - SrtpProfileParameters.SrtcpIndexLength;
        var indexWord = BinaryPrimitives.ReadUInt32BigEndian(packet[(length + TagLength)..]);
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteRtcpNonce(_rtcpSalt, ssrc, srtcpIndex, nonce);
        if (encrypted)
        {
            Span<byte> associated = stackalloc byte[RtpHeader.RtcpHeaderLength + SrtpProfileParameters.SrtcpIndexLength];
            packet[..RtpHeader.RtcpHeaderLength].CopyTo(associated);
            BinaryPrimitives.WriteUInt32BigEndian(associated[RtpHeader.RtcpHeaderLength..], indexWord);
            var payload = packet[RtpHeader.RtcpHeaderLength..length];
            return _rtcpAead.TryDecrypt(nonce, payload, packet.Slice(length, TagLength), payload, associated);
        }

        // Move the word over the tag's start so that packet || word is one span; the tag is copied first.
        Span<byte> tag = stackalloc byte[TagLength];
        packet.Slice(length, TagLength).CopyTo(tag);
        BinaryPrimitives.WriteUInt32BigEndian(packet[length..], indexWord);
        return _rtcpAead.TryDecrypt(nonce, ReadOnlySpan<byte>.Empty, tag, Span<byte>.Empty, packet[..(length + SrtpProfileParameters.SrtcpIndexLength)]);
    }

    public void Dispose()
    {
        _rtpAead.Dispose();
        _rtcpAead.Dispose();
        CryptographicOperations.ZeroMemory(_rtpSalt);
        CryptographicOperations.ZeroMemory(_rtcpSalt);
    }

    /// <summary>IV = (0x0000 || SSRC || ROC || SEQ) XOR salt, RFC 7714 §8.1.</summary>
    internal static void WriteRtpNonce(ReadOnlySpan<byte> salt, uint ssrc, long index, Span<byte> nonce)
    {
        nonce[..2].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], (ushort)index);
        XorSalt(salt, nonce);
    }

    /// <summary>IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt, RFC 7714 §9.1.</summary>
    internal static void WriteRtcpNonce(ReadOnlySpan<byte> salt, uint ssrc, uint srtcpIndex, Span<byte> nonce)
    {
        nonce[..2].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        nonce.Slice(6, 2).Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], srtcpIndex & SrtpIndex.MaxSrtcpIndex);
        XorSalt(salt, nonce);
    }

    private static void XorSalt(ReadOnlySpan<byte> salt, Span<byte> nonce)
    {
        for (var i = 0; i < NonceLength; i++)
        {
            nonce[i] ^= salt[i];
        }
    }
}
