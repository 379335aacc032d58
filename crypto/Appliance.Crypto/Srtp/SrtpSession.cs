using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Appliance.Crypto.Srtp;

/// <summary>
/// One direction of SRTP and SRTCP (RFC 3711, RFC 7714) under one master key: a
/// <see cref="SrtpDirection.Send"/> session protects outgoing packets, a <see cref="SrtpDirection.Receive"/>
/// session unprotects incoming ones. It keeps per-SSRC state — rollover counter, highest sequence number,
/// a <see cref="ReplayWindowSize"/>-packet replay window — for every stream it has seen, up to a limit.
/// </summary>
/// <remarks>
/// <para>
/// Per-packet methods work in place on the caller's buffer and do not allocate. Bad input from the network
/// never throws: it comes back as an <see cref="SrtpResult"/>. Only misuse by the caller throws (a disposed
/// session, or a method of the other direction).
/// </para>
/// <para>
/// A session is not thread-safe: it is meant to be driven by the one loop that handles its peer's packets.
/// Session keys are derived with key_derivation_rate 0 and packets carry no MKI, as in DTLS-SRTP.
/// </para>
/// <para>
/// The sender must never protect two different packets with the same SSRC and sequence number (nor reach
/// 2^48 packets or 2^31 SRTCP packets on one key): counter mode and GCM lose their confidentiality, and GCM
/// its integrity, when an index repeats. Retransmitting the identical packet is harmless.
/// </para>
/// </remarks>
public sealed class SrtpSession : IDisposable
{
    /// <summary>How many packets behind the highest one received are still accepted once each.</summary>
    public const int ReplayWindowSize = SrtpStreamState.WindowSize;

    /// <summary>Default bound on the SSRCs a session tracks, for RTP and for RTCP each.</summary>
    public const int DefaultMaxStreams = 256;

    // A protected packet travels in one UDP datagram, or in RFC 4571 framing over TCP: 16-bit lengths.
    private const int MaxProtectedLength = ushort.MaxValue;

    private readonly ISrtpTransform _transform;
    private readonly Dictionary<uint, SrtpStreamState> _rtpStreams = [];
    private readonly Dictionary<uint, SrtpStreamState> _rtcpStreams = [];
    private readonly int _maxStreams;
    private bool _disposed;

    /// <summary>Derives the session keys (RFC 3711 §4.3, labels 0 to 5) and prepares the ciphers.</summary>
    /// <param name="keys">Master key and salt of this direction; the session keeps no reference to them.</param>
    /// <param name="direction">Whether this session protects or unprotects.</param>
    /// <param name="maxStreams">
    /// How many SSRCs the session tracks for RTP and for RTCP each. A receiving session admits a new SSRC
    /// only for a packet that authenticates, so only a key holder can fill the table.
    /// </param>
    public SrtpSession(SrtpKeys keys, SrtpDirection direction, int maxStreams = DefaultMaxStreams)
        : this(CreateTransform(keys), ProfileOf(keys), direction, maxStreams)
    {
    }

    /// <summary>For the RFC 7714 vectors, which give session keys rather than master keys.</summary>
    internal SrtpSession(ISrtpTransform transform, SrtpProfile profile, SrtpDirection direction, int maxStreams = DefaultMaxStreams)
    {
        // The transform is already keyed: do not leave it undisposed when the arguments are refused.
        if (maxStreams < 1)
        {
            transform.Dispose();
            throw new ArgumentOutOfRangeException(nameof(maxStreams), maxStreams, "A session tracks at least one stream.");
        }

        if (direction is not (SrtpDirection.Send or SrtpDirection.Receive))
        {
            transform.Dispose();
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Not a direction.");
        }

        _transform = transform;
        Profile = profile;
        Direction = direction;
        _maxStreams = maxStreams;
    }

    /// <summary>The protection profile of the keys.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>Whether this session protects or unprotects.</summary>
    public SrtpDirection Direction { get; }

    /// <summary>Creates a session that protects outgoing packets.</summary>
    public static SrtpSession ForSending(SrtpKeys keys, int maxStreams = DefaultMaxStreams) => new(keys, SrtpDirection.Send, maxStreams);

    /// <summary>Creates a session that unprotects incoming packets.</summary>
    public static SrtpSession ForReceiving(SrtpKeys keys, int maxStreams = DefaultMaxStreams) => new(keys, SrtpDirection.Receive, maxStreams);

    /// <summary>
    /// Protects the RTP packet in the first <paramref name="length"/> bytes of <paramref name="packetBuffer"/>
    /// in place and appends the tag, which needs RtpOverhead spare
    /// bytes after the packet.
    /// </summary>
    /// <returns>
    /// False, with the buffer untouched, if the packet is not RTP version 2, its header does not fit, the
    /// buffer has no room for the tag, the sequence number lies more than 2^15 behind the stream's start or
    /// its index space is used up, or a new SSRC would pass the stream limit.
    /// </returns>
    public bool TryProtectRtp(Span<byte> packetBuffer, int length, out int protectedLength)
    {
        EnsureUsableFor(SrtpDirection.Send);
        protectedLength = 0;
        var tagLength = _transform.RtpTagLength;
        if (length < 0 || length > packetBuffer.Length - tagLength || length > MaxProtectedLength - tagLength)
        {
            return false;
        }

        if (!RtpHeader.TryRead(packetBuffer[..length], out var headerLength, out var ssrc, out var sequenceNumber))
        {
            return false;
        }

        long index = sequenceNumber;
        if (_rtpStreams.TryGetValue(ssrc, out var stream))
        {
            index = SrtpIndex.EstimateRtp(stream.HighestIndex, sequenceNumber);
            if (index is < 0 or > SrtpIndex.MaxRtpIndex)
            {
                return false;
            }
        }
        else if (_rtpStreams.Count >= _maxStreams)
        {
            return false;
        }

        protectedLength = length + tagLength;
        _transform.ProtectRtp(packetBuffer[..protectedLength], headerLength, ssrc, index);
        if (stream is null)
        {
            // RFC 3711 §3.3.1: a stream starts with ROC 0.
            _rtpStreams.Add(ssrc, new SrtpStreamState(index));
        }
        else
        {
            stream.Advance(index);
        }

        return true;
    }

    /// <summary>
    /// Authenticates, replay-checks and decrypts the SRTP packet that fills <paramref name="packet"/>, in
    /// place. On <see cref="SrtpResult.Ok"/> the RTP packet is the first <paramref name="plainLength"/> bytes.
    /// </summary>
    public SrtpResult UnprotectRtp(Span<byte> packet, out int plainLength)
    {
        EnsureUsableFor(SrtpDirection.Receive);
        plainLength = 0;
        var tagLength = _transform.RtpTagLength;
        if (packet.Length < RtpHeader.FixedLength + tagLength || packet.Length > MaxProtectedLength)
        {
            return SrtpResult.Malformed;
        }

        var authenticatedLength = packet.Length - tagLength;
        if (!RtpHeader.TryRead(packet[..authenticatedLength], out var headerLength, out var ssrc, out var sequenceNumber))
        {
            return SrtpResult.Malformed;
        }

        long index = sequenceNumber;
        if (_rtpStreams.TryGetValue(ssrc, out var stream))
        {
            index = SrtpIndex.EstimateRtp(stream.HighestIndex, sequenceNumber);
            if (index > SrtpIndex.MaxRtpIndex)
            {
                // Past 2^48 packets: no sender keeps using a key that long, so nothing here can be genuine.
                return SrtpResult.AuthenticationFailed;
            }

            // Before the crypto, so that replays and stale packets cost no decryption.
            var freshness = stream.CheckReplay(index);
            if (freshness != SrtpResult.Ok)
            {
                return freshness;
            }
        }
        else if (_rtpStreams.Count >= _maxStreams)
        {
            return SrtpResult.StreamLimitReached;
        }

        if (!_transform.UnprotectRtp(packet, headerLength, ssrc, index))
        {
            return SrtpResult.AuthenticationFailed;
        }

        // Only an authenticated packet moves the window or creates a stream.
        if (stream is null)
        {
            _rtpStreams.Add(ssrc, new SrtpStreamState(index));
        }
        else
        {
            stream.Accept(index);
        }

        plainLength = authenticatedLength;
        return SrtpResult.Ok;
    }

    /// <summary>
    /// Encrypts and tags the RTCP compound packet in the first <paramref name="length"/> bytes of
    /// <paramref name="packetBuffer"/> in place, appending tag and SRTCP index, which needs
    /// RtcpOverhead spare bytes after the packet.
    /// </summary>
    /// <returns>
    /// False, with the buffer untouched, if the packet is not RTCP version 2, the buffer has no room, the
    /// sender SSRC's 2^31 SRTCP indexes are used up, or a new SSRC would pass the stream limit.
    /// </returns>
    public bool TryProtectRtcp(Span<byte> packetBuffer, int length, out int protectedLength)
    {
        EnsureUsableFor(SrtpDirection.Send);
        protectedLength = 0;
        if (!FitsRtcp(packetBuffer, length, out var ssrc))
        {
            return false;
        }

        // RFC 3711 §3.3.2: the SRTCP index starts at 0 and counts every packet sent.
        uint index = 0;
        if (_rtcpStreams.TryGetValue(ssrc, out var stream))
        {
            if (stream.HighestIndex >= SrtpIndex.MaxSrtcpIndex)
            {
                return false;
            }

            index = (uint)stream.HighestIndex + 1;
        }
        else if (_rtcpStreams.Count >= _maxStreams)
        {
            return false;
        }

        protectedLength = length + _transform.RtpTagLength + SrtpProfileParameters.SrtcpIndexLength;
        _transform.ProtectRtcp(packetBuffer[..protectedLength], ssrc, index, encrypt: true);
        if (stream is null)
        {
            _rtcpStreams.Add(ssrc, new SrtpStreamState(index));
        }
        else
        {
            stream.Advance(index);
        }

        return true;
    }

    /// <summary>
    /// For the RFC 7714 §17 and libsrtp vectors: protects with a given SRTCP index, optionally without
    /// encryption, and leaves the session's state alone.
    /// </summary>
    internal bool TryProtectRtcp(Span<byte> packetBuffer, int length, uint srtcpIndex, bool encrypt, out int protectedLength)
    {
        EnsureUsableFor(SrtpDirection.Send);
        protectedLength = 0;
        if (srtcpIndex > SrtpIndex.MaxSrtcpIndex || !FitsRtcp(packetBuffer, length, out var ssrc))
        {
            return false;
        }

        protectedLength = length + _transform.RtpTagLength + SrtpProfileParameters.SrtcpIndexLength;
        _transform.ProtectRtcp(packetBuffer[..protectedLength], ssrc, srtcpIndex, encrypt);
        return true;
    }

    /// <summary>
    /// Authenticates, replay-checks and, if its E flag says so, decrypts the SRTCP packet that fills
    /// <paramref name="packet"/>, in place. On <see cref="SrtpResult.Ok"/> the RTCP compound packet is the
    /// first <paramref name="plainLength"/> bytes. Packets sent authenticated but unencrypted (E = 0) are
    /// accepted, as RFC 3711 §3.4 allows: the flag itself is authenticated.
    /// </summary>
    public SrtpResult UnprotectRtcp(Span<byte> packet, out int plainLength)
    {
        EnsureUsableFor(SrtpDirection.Receive);
        plainLength = 0;
        var trailerLength = _transform.RtpTagLength + SrtpProfileParameters.SrtcpIndexLength;
        if (packet.Length < RtpHeader.RtcpHeaderLength + trailerLength || packet.Length > MaxProtectedLength
            || !RtpHeader.TryReadRtcp(packet, out var ssrc))
        {
            return SrtpResult.Malformed;
        }

        var indexWord = BinaryPrimitives.ReadUInt32BigEndian(packet[_transform.SrtcpIndexOffset(packet.Length)..]);
        var encrypted = (indexWord & SrtpIndex.EncryptedFlag) != 0;
        var index = indexWord & SrtpIndex.MaxSrtcpIndex;

        if (_rtcpStreams.TryGetValue(ssrc, out var stream))
        {
            var freshness = stream.CheckReplay(index);
            if (freshness != SrtpResult.Ok)
            {
                return freshness;
            }
        }
        else if (_rtcpStreams.Count >= _maxStreams)
        {
            return SrtpResult.StreamLimitReached;
        }

        if (!_transform.UnprotectRtcp(packet, ssrc, index, encrypted))
        {
            return SrtpResult.AuthenticationFailed;
        }

        if (stream is null)
        {
            _rtcpStreams.Add(ssrc, new SrtpStreamState(index));
        }
        else
        {
            stream.Accept(index);
        }

        plainLength = packet.Length - trailerLength;
        return SrtpResult.Ok;
    }

    /// <summary>
    /// The rollover counter of an RTP stream: how often its 16-bit sequence number has wrapped since the
    /// first packet this session protected or accepted. False for an SSRC the session has not seen.
    /// </summary>
    public bool TryGetRolloverCounter(uint ssrc, out uint rolloverCounter)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_rtpStreams.TryGetValue(ssrc, out var stream))
        {
            rolloverCounter = (uint)(stream.HighestIndex >> 16);
            return true;
        }

        rolloverCounter = 0;
        return false;
    }

    /// <summary>Releases the ciphers and overwrites the session salts.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _transform.Dispose();
        _rtpStreams.Clear();
        _rtcpStreams.Clear();
    }

    private bool FitsRtcp(Span<byte> packetBuffer, int length, out uint ssrc)
    {
        ssrc = 0;
        var trailerLength = _transform.RtpTagLength + SrtpProfileParameters.SrtcpIndexLength;
        return length >= 0
            && length <= packetBuffer.Length - trailerLength
            && length <= MaxProtectedLength - trailerLength
            && RtpHeader.TryReadRtcp(packetBuffer[..length], out ssrc);
    }

    private void EnsureUsableFor(SrtpDirection direction)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Direction != direction)
        {
            throw new InvalidOperationException($"This session is for the {Direction} direction.");
        }
    }

    private static SrtpProfile ProfileOf(SrtpKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Profile;
    }

    private static ISrtpTransform CreateTransform(SrtpKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        using var prf = new AesCounterMode(keys.MasterKey);
        var masterSalt = keys.MasterSalt;
        var keyLength = keys.Profile.MasterKeyLength;
        var saltLength = keys.Profile.MasterSaltLength;

        Span<byte> rtpKey = stackalloc byte[keyLength];
        Span<byte> rtpSalt = stackalloc byte[saltLength];
        Span<byte> rtcpKey = stackalloc byte[keyLength];
        Span<byte> rtcpSalt = stackalloc byte[saltLength];
        Span<byte> rtpAuthKey = stackalloc byte[SrtpKeyDerivation.AuthenticationKeyLength];
        Span<byte> rtcpAuthKey = stackalloc byte[SrtpKeyDerivation.AuthenticationKeyLength];
        try
        {
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpEncryptionLabel, rtpKey);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpSaltLabel, rtpSalt);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpEncryptionLabel, rtcpKey);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpSaltLabel, rtcpSalt);
            switch (keys.Profile)
            {
                case SrtpProfile.AesCm128HmacSha1_80:
                    SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpAuthenticationLabel, rtpAuthKey);
                    SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpAuthenticationLabel, rtcpAuthKey);
                    return new AesCmHmacSha1Transform(rtpKey, rtpSalt, rtpAuthKey, rtcpKey, rtcpSalt, rtcpAuthKey);
                case SrtpProfile.AeadAes128Gcm:
                    // GCM authenticates with the cipher key; labels 1 and 4 are not used (RFC 7714 §11).
                    return new AeadAesGcmTransform(rtpKey, rtpSalt, rtcpKey, rtcpSalt);
                default:
                    throw new ArgumentOutOfRangeException(nameof(keys), keys.Profile, "Not an SRTP protection profile this library implements.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rtpKey);
            CryptographicOperations.ZeroMemory(rtpSalt);
            CryptographicOperations.ZeroMemory(rtcpKey);
            CryptographicOperations.ZeroMemory(rtcpSalt);
            CryptographicOperations.ZeroMemory(rtpAuthKey);
            CryptographicOperations.ZeroMemory(rtcpAuthKey);
        }
    }
}
