using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Appliance.Crypto.Srtp;

/// <summary>
/// AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1): AES-128 counter mode, then HMAC-SHA1 over the
/// packet (with the ROC for SRTP, with E flag and index for SRTCP) truncated to 80 bits.
/// </summary>
internal sealed class AesCmHmacSha1Transform : ISrtpTransform
{
    internal const int TagLength = 10;
    internal const int SaltLength = 14;
    private const int Sha1Length = 20;

    private readonly AesCounterMode _rtpCipher;
    private readonly AesCounterMode _rtcpCipher;
    private readonly IncrementalHash _rtpMac;
    private readonly IncrementalHash _rtcpMac;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    public AesCmHmacSha1Transform(
        ReadOnlySpan<byte> rtpKey,
        ReadOnlySpan<byte> rtpSalt,
        ReadOnlySpan<byte> rtpAuthKey,
        ReadOnlySpan<byte> rtcpKey,
        ReadOnlySpan<byte> rtcpSalt,
        ReadOnlySpan<byte> rtcpAuthKey)
    {
        _rtpCipher = new AesCounterMode(rtpKey);
        _rtcpCipher = new AesCounterMode(rtcpKey);
        _rtpMac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtpAuthKey);
        _rtcpMac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtcpAuthKey);
        _rtpSalt = rtpSalt.ToArray();
        _rtcpSalt = rtcpSalt.ToArray();
    }

    public int RtpTagLength => TagLength;

    public int SrtcpIndexOffset(int protectedLength) => protectedLength - TagLength - SrtpProfileParameters.SrtcpIndexLength;

    public void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, long index)
    {
        var length = packet.Length - TagLength;
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
        WriteIv(_rtpSalt, ssrc, (ulong)index, iv);
        _rtpCipher.Apply(iv, packet[headerLength..length]);
        ComputeRtpTag(packet[..length], RolloverCounter(index), packet[length..]);
    }

    public bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, long index)
    {
        var length = packet.Length - TagLength;
        Span<byte> tag = stackalloc byte[TagLength];
        ComputeRtpTag(packet[..length], RolloverCounter(index), tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet[length..]))
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
        WriteIv(_rtpSalt, ssrc, (ulong)index, iv);
        _rtpCipher.Apply(iv, packet[headerLength..length]);
        return true;
    }

    public void ProtectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypt)
    {
        // | header | payload (encrypted) | E + SRTCP index | tag |, the tag covering all before it (§3.4).
        var length = packet.Length - TagLength - SrtpProfileParameters.SrtcpIndexLength;
        if (encrypt)
        {
            Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
            WriteIv(_rtcpSalt, ssrc, srtcpIndex, iv);
            _rtcpCipher.Apply(iv, packet[RtpHeader.RtcpHeaderLength..length]);
        }

        BinaryPrimitives.WriteUInt32BigEndian(packet[length..], encrypt ? srtcpIndex | SrtpIndex.EncryptedFlag : srtcpIndex);
        var authenticatedLength = length + SrtpProfileParameters.SrtcpIndexLength;
        ComputeRtcpTag(packet[..authenticatedLength], packet[authenticatedLength..]);
    }

    public bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted)
    {
        var authenticatedLength = packet.Length - TagLength;
        Span<byte> tag = stackalloc byte[TagLength];
        ComputeRtcpTag(packet[..authenticatedLength], tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet[authenticatedLength..]))
        {
            return false;
        }

        if (encrypted)
        {
            Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
            WriteIv(_rtcpSalt, ssrc, srtcpIndex, iv);
            _rtcpCipher.Apply(iv, packet[RtpHeader.RtcpHeaderLength..(authenticatedLength - SrtpProfileParameters.SrtcpIndexLength)]);
        }

        return true;
    }

    public void Dispose()
    {
        _rtpCipher.Dispose();
        _rtcpCipher.Dispose();
        _rtpMac.Dispose();
        _rtcpMac.Dispose();
        CryptographicOperations.ZeroMemory(_rtpSalt);
        CryptographicOperations.ZeroMemory(_rtcpSalt);
    }

    /// <summary>IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), RFC 3711 §4.1.1.</summary>
    internal static void WriteIv(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> iv)
    {
        iv.Clear();
        salt.CopyTo(iv);
        var ssrcField = iv.Slice(4, 4);
        BinaryPrimitives.WriteUInt32BigEndian(ssrcField, BinaryPrimitives.ReadUInt32BigEndian(ssrcField) ^ ssrc);
        var indexHigh = iv.Slice(8, 2);
        BinaryPrimitives.WriteUInt16BigEndian(indexHigh, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(indexHigh) ^ (ushort)(index >> 32)));
        var indexLow = iv.Slice(10, 4);
        BinaryPrimitives.WriteUInt32BigEndian(indexLow, BinaryPrimitives.ReadUInt32BigEndian(indexLow) ^ (uint)index);
    }

    private static uint RolloverCounter(long index) => (uint)(index >> 16);

    private void ComputeRtpTag(ReadOnlySpan<byte> authenticated, uint rolloverCounter, Span<byte> tag)
    {
        // Authentication covers the packet followed by the ROC (RFC 3711 §4.2).
        Span<byte> roc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(roc, rolloverCounter);
        _rtpMac.AppendData(authenticated);
        _rtpMac.AppendData(roc);
        Span<byte> mac = stackalloc byte[Sha1Length];
        _rtpMac.GetHashAndReset(mac);
        mac[..TagLength].CopyTo(tag);
    }

    private void ComputeRtcpTag(ReadOnlySpan<byte> authenticated, Span<byte> tag)
    {
        _rtcpMac.AppendData(authenticated);
        Span<byte> mac = stackalloc byte[Sha1Length];
        _rtcpMac.GetHashAndReset(mac);
        mac[..TagLength].CopyTo(tag);
    }
}
