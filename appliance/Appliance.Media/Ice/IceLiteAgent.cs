using System.Net;
using System.Net.Sockets;
using Appliance.Media.Stun;

namespace Appliance.Media.Ice;

/// <summary>
/// The server side of ICE for one peer, as an ICE-lite agent (RFC 8445 §2.5): it never sends checks,
/// answers the peer's Binding requests, takes the pair the peer nominates with USE-CANDIDATE, and counts
/// every valid check as consent (RFC 7675). Safe to use from the media loop and the signalling side at once.
/// </summary>
/// <remarks>
/// <para>An ICE-lite agent is always controlled (RFC 8445 §6.1.1). A peer that also claims the controlled
/// role gets 487 Role Conflict, which tells it to become controlling; we never switch.</para>
/// <para>Timestamps are <see cref="TimeProvider.GetTimestamp"/> values of the provider given at construction.</para>
/// </remarks>
public sealed class IceLiteAgent
{
    /// <summary>Consent expires this long after the last valid check (RFC 7675 §5.1).</summary>
    public static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly long _consentTimeoutTicks;
    private Generation _current;

    // After an ICE restart the peer keeps checking with the old credentials until it has applied the new
    // ones; those stay valid until the first check with the new ones, so consent never lapses in between.
    private Generation? _previous;
    private long _consentSince;
    private bool _hasValidCheck;
    private TransportAddress _firstValidAddress;
    private bool _hasNomination;
    private TransportAddress _nominatedAddress;

    /// <summary>An agent with <paramref name="local"/> credentials, and the peer's ufrag once it is known.</summary>
    /// <param name="local">Our ufrag and password for this peer, as sent in our SDP.</param>
    /// <param name="remoteUfrag">The peer's ufrag from its SDP; null until known, and then any is accepted.</param>
    /// <param name="timeProvider">The clock whose timestamps are passed in; its now starts the first consent window.</param>
    public IceLiteAgent(IceCredentials local, string? remoteUfrag, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _current = new Generation(local, remoteUfrag);
        _consentTimeoutTicks = (long)(ConsentTimeout.TotalSeconds * timeProvider.TimestampFrequency);

        // A new peer gets one consent window to send its first check.
        _consentSince = timeProvider.GetTimestamp();
    }

    /// <summary>Our current credentials for this peer.</summary>
    public IceCredentials LocalCredentials
    {
        get
        {
            lock (_gate)
            {
                return _current.Local;
            }
        }
    }

    /// <summary>Our credentials from before the last ICE restart while they are still accepted, else null.</summary>
    public IceCredentials? PreviousLocalCredentials
    {
        get
        {
            lock (_gate)
            {
                return _previous?.Local;
            }
        }
    }

    /// <summary>The peer's current ufrag, or null while not yet known.</summary>
    public string? RemoteUfrag
    {
        get
        {
            lock (_gate)
            {
                return _current.RemoteUfrag;
            }
        }
    }

    /// <summary>Sets the peer's ufrag once its SDP arrives.</summary>
    public void SetRemoteUfrag(string remoteUfrag)
    {
        ArgumentNullException.ThrowIfNull(remoteUfrag);
        lock (_gate)
        {
            _current = new Generation(_current.Local, remoteUfrag);
        }
    }

    /// <summary>
    /// ICE restart (RFC 8445 §9): new local credentials and the peer's new ufrag. The selected pair and consent
    /// are kept, so media flows on; the old credentials are accepted until the peer first uses the new ones.
    /// Use <see cref="IceCredentialDirectory.Restart"/> for an agent that is in a directory.
    /// </summary>
    public void Restart(IceCredentials newLocal, string? newRemoteUfrag)
    {
        ArgumentNullException.ThrowIfNull(newLocal);
        var generation = new Generation(newLocal, newRemoteUfrag);
        lock (_gate)
        {
            _previous = _current;
            _current = generation;
        }
    }

    /// <summary>Whether consent is fresh: a valid check within <see cref="ConsentTimeout"/> (or since creation).</summary>
    public bool IsAlive(long nowTicks)
    {
        lock (_gate)
        {
            return nowTicks - _consentSince < _consentTimeoutTicks;
        }
    }

    /// <summary>The timestamp of the last valid check on the selected pair, or of creation before any.</summary>
    public long ConsentTimestamp
    {
        get
        {
            lock (_gate)
            {
                return _consentSince;
            }
        }
    }

    /// <summary>The peer address of the pair the peer nominated with USE-CANDIDATE, if any yet.</summary>
    public bool TryGetNominatedAddress(out TransportAddress address)
    {
        lock (_gate)
        {
            address = _nominatedAddress;
            return _hasNomination;
        }
    }

    /// <summary>
    /// Where to send media: the nominated address, or before any nomination the address of the first valid
    /// check (DTLS may start before the peer nominates). False until a valid check has arrived.
    /// </summary>
    public bool TryGetRemoteAddress(out TransportAddress address)
    {
        lock (_gate)
        {
            address = _hasNomination ? _nominatedAddress : _firstValidAddress;
            return _hasNomination || _hasValidCheck;
        }
    }

    /// <summary>Handles a datagram from <paramref name="remote"/> that should be a Binding request.</summary>
    /// <param name="request">The received datagram.</param>
    /// <param name="remote">Its sender.</param>
    /// <param name="nowTicks">Now, as a timestamp of the agent's <see cref="TimeProvider"/>.</param>
    /// <param name="response">Where the answer is written; 128 bytes always suffice.</param>
    /// <param name="responseLength">Bytes of answer to send back to <paramref name="remote"/>; 0 for none.</param>
    public IceCheckResult HandleBindingRequest(
        ReadOnlySpan<byte> request, in TransportAddress remote, long nowTicks, Span<byte> response, out int responseLength)
    {
        responseLength = 0;
        if (!IceChecks.TryScreen(request, out var message, out var early))
        {
            return early;
        }

        if (!IceChecks.TryCheckShape(message, response, out var shapeResult, out responseLength, out var localUfrag, out var remoteUfrag))
        {
            return shapeResult;
        }

        return HandleScreened(message, localUfrag, remoteUfrag, remote, nowTicks, response, out responseLength);
    }

    /// <summary>As <see cref="HandleBindingRequest(ReadOnlySpan{byte}, in TransportAddress, long, Span{byte}, out int)"/>
    /// for the sender address <c>Socket.ReceiveFrom</c> filled in (allocation-free).</summary>
    public IceCheckResult HandleBindingRequest(
        ReadOnlySpan<byte> request, SocketAddress remote, long nowTicks, Span<byte> response, out int responseLength)
    {
        if (!TransportAddress.TryFromSocketAddress(remote, out var address))
        {
            responseLength = 0;
            return IceCheckResult.Dropped;
        }

        return HandleBindingRequest(request, address, nowTicks, response, out responseLength);
    }

    /// <summary>As <see cref="HandleBindingRequest(ReadOnlySpan{byte}, in TransportAddress, long, Span{byte}, out int)"/>
    /// for an <see cref="IPEndPoint"/>.</summary>
    public IceCheckResult HandleBindingRequest(
        ReadOnlySpan<byte> request, IPEndPoint remote, long nowTicks, Span<byte> response, out int responseLength) =>
        HandleBindingRequest(request, TransportAddress.FromEndPoint(remote), nowTicks, response, out responseLength);

    /// <summary>Whether <paramref name="localUfrag"/> names one of this agent's accepted credentials.</summary>
    internal bool Owns(ReadOnlySpan<byte> localUfrag)
    {
        lock (_gate)
        {
            return localUfrag.SequenceEqual(_current.Local.UfragBytes)
                || (_previous is not null && localUfrag.SequenceEqual(_previous.Local.UfragBytes));
        }
    }

    // The request is a well-formed Binding request with USERNAME, MESSAGE-INTEGRITY and a valid FINGERPRINT.
    internal IceCheckResult HandleScreened(
        in StunMessage request,
        ReadOnlySpan<byte> localUfrag,
        ReadOnlySpan<byte> remoteUfrag,
        in TransportAddress remote,
        long nowTicks,
        Span<byte> response,
        out int responseLength)
    {
        lock (_gate)
        {
            var generation = localUfrag.SequenceEqual(_current.Local.UfragBytes) ? _current
                : _previous is not null && localUfrag.SequenceEqual(_previous.Local.UfragBytes) ? _previous
                : null;
            if (generation is null
                || (generation.RemoteUfragBytes is not null && !remoteUfrag.SequenceEqual(generation.RemoteUfragBytes))
                || !request.VerifyMessageIntegrity(generation.Local.PasswordBytes))
            {
                return IceChecks.WriteError(request, StunErrorCode.Unauthorized, default, response, out responseLength);
            }

            var key = generation.Local.PasswordBytes;
            if (request.UnknownComprehensionRequiredCount > 0)
            {
                Span<ushort> unknown = stackalloc ushort[StunMessage.MaxReportedUnknownAttributes];
                var count = request.CopyUnknownComprehensionRequired(unknown);
                return IceChecks.WriteError(request, StunErrorCode.UnknownAttribute, key, response, out responseLength, unknown[..count]);
            }

            if (request.HasIceControlled)
            {
                return IceChecks.WriteError(request, StunErrorCode.RoleConflict, key, response, out responseLength);
            }

            var writer = new StunMessageWriter(response);
            if (!writer.TryWriteBindingSuccess(request.TransactionId, remote, key))
            {
                responseLength = 0;
                return IceCheckResult.ResponseBufferTooSmall;
            }

            responseLength = writer.Length;
            if (ReferenceEquals(generation, _current))
            {
                _previous = null;
            }

            var result = IceCheckResult.Responded;
            if (!_hasValidCheck)
            {
                _hasValidCheck = true;
                _firstValidAddress = remote;
            }

            if (request.UseCandidate && (!_hasNomination || _nominatedAddress != remote))
            {
                _hasNomination = true;
                _nominatedAddress = remote;
                result = IceCheckResult.Nominated;
            }

            // Consent is per pair: once a pair is selected, only checks on it keep it alive.
            if (!_hasNomination || _nominatedAddress == remote)
            {
                _consentSince = Math.Max(_consentSince, nowTicks);
            }

            return result;
        }
    }

    private sealed class Generation
    {
        public Generation(IceCredentials local, string? remoteUfrag)
        {
            if (remoteUfrag is not null && !IceCredentials.IsValidUfrag(remoteUfrag))
            {
                throw new ArgumentException("A ufrag is 4 to 256 characters from A-Z, a-z, 0-9, '+' and '/'.", nameof(remoteUfrag));
            }

            Local = local;
            RemoteUfrag = remoteUfrag;
            RemoteUfragBytes = remoteUfrag is null ? null : System.Text.Encoding.ASCII.GetBytes(remoteUfrag);
        }

        public IceCredentials Local { get; }

        public string? RemoteUfrag { get; }

        public byte[]? RemoteUfragBytes { get; }
    }
}
