using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Appliance.Media.Stun;

namespace Appliance.Media.Ice;

/// <summary>
/// Finds the <see cref="IceLiteAgent"/> a Binding request is for by the local ufrag in its USERNAME, for
/// all peers on one UDP port. Lookups take the ufrag's bytes straight from the packet and allocate nothing;
/// registration is for the signalling side and may happen concurrently with lookups.
/// </summary>
public sealed class IceCredentialDirectory
{
    private readonly Lock _writeGate = new();
    private readonly ConcurrentDictionary<string, IceLiteAgent> _agents = new(UfragComparer.Instance);
    private readonly ConcurrentDictionary<string, IceLiteAgent>.AlternateLookup<ReadOnlySpan<byte>> _byBytes;

    /// <summary>An empty directory.</summary>
    public IceCredentialDirectory() => _byBytes = _agents.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>How many ufrags are registered (an agent amid an ICE restart has two).</summary>
    public int Count => _agents.Count;

    /// <summary>Adds <paramref name="agent"/> under its local ufrag (and its previous one amid a restart).</summary>
    /// <exception cref="InvalidOperationException">The ufrag already belongs to another agent.</exception>
    public void Register(IceLiteAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        lock (_writeGate)
        {
            Add(agent.LocalCredentials.Ufrag, agent);
            if (agent.PreviousLocalCredentials is { } previous)
            {
                Add(previous.Ufrag, agent);
            }
        }
    }

    /// <summary>Removes every ufrag of <paramref name="agent"/>; false when it had none here.</summary>
    public bool Unregister(IceLiteAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        lock (_writeGate)
        {
            var removed = false;
            foreach (var entry in _agents)
            {
                if (ReferenceEquals(entry.Value, agent))
                {
                    removed |= _agents.TryRemove(entry);
                }
            }

            return removed;
        }
    }

    /// <summary>
    /// ICE restart of a registered agent (see <see cref="IceLiteAgent.Restart"/>): the new ufrag is added,
    /// the current one is kept while the peer may still use it, and any older one is removed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The new ufrag already belongs to an agent.</exception>
    public void Restart(IceLiteAgent agent, IceCredentials newLocal, string? newRemoteUfrag)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(newLocal);
        lock (_writeGate)
        {
            if (_agents.ContainsKey(newLocal.Ufrag))
            {
                throw new InvalidOperationException("That ICE ufrag is already in use; generate new credentials.");
            }

            var keep = agent.LocalCredentials.Ufrag;
            foreach (var entry in _agents)
            {
                if (ReferenceEquals(entry.Value, agent) && entry.Key != keep)
                {
                    _agents.TryRemove(entry);
                }
            }

            agent.Restart(newLocal, newRemoteUfrag);
            Add(newLocal.Ufrag, agent);
        }
    }

    /// <summary>The agent registered under <paramref name="localUfrag"/>, without allocating.</summary>
    public bool TryFind(ReadOnlySpan<byte> localUfrag, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IceLiteAgent agent) =>
        _byBytes.TryGetValue(localUfrag, out agent);

    /// <summary>
    /// Handles a datagram that should be a Binding request for one of the registered agents: 401 when no
    /// agent has the USERNAME's local ufrag, otherwise as <see cref="IceLiteAgent.HandleBindingRequest(ReadOnlySpan{byte}, in TransportAddress, long, Span{byte}, out int)"/>.
    /// </summary>
    /// <param name="request">The received datagram.</param>
    /// <param name="remote">Its sender.</param>
    /// <param name="nowTicks">Now, as a timestamp of the agents' <see cref="TimeProvider"/>.</param>
    /// <param name="response">Where the answer is written; 128 bytes always suffice.</param>
    /// <param name="responseLength">Bytes of answer to send back to <paramref name="remote"/>; 0 for none.</param>
    /// <param name="agent">The agent the request was for, when one was found.</param>
    public IceCheckResult HandleBindingRequest(
        ReadOnlySpan<byte> request,
        in TransportAddress remote,
        long nowTicks,
        Span<byte> response,
        out int responseLength,
        out IceLiteAgent? agent)
    {
        agent = null;
        responseLength = 0;
        if (!IceChecks.TryScreen(request, out var message, out var early))
        {
            return early;
        }

        if (!IceChecks.TryCheckShape(message, response, out var shapeResult, out responseLength, out var localUfrag, out var remoteUfrag))
        {
            return shapeResult;
        }

        if (!_byBytes.TryGetValue(localUfrag, out var found))
        {
            return IceChecks.WriteError(message, StunErrorCode.Unauthorized, default, response, out responseLength);
        }

        agent = found;
        return found.HandleScreened(message, localUfrag, remoteUfrag, remote, nowTicks, response, out responseLength);
    }

    /// <summary>As the <see cref="TransportAddress"/> overload, for the address <c>Socket.ReceiveFrom</c> filled in.</summary>
    public IceCheckResult HandleBindingRequest(
        ReadOnlySpan<byte> request,
        SocketAddress remote,
        long nowTicks,
        Span<byte> response,
        out int responseLength,
        out IceLiteAgent? agent)
    {
        if (!TransportAddress.TryFromSocketAddress(remote, out var address))
        {
            agent = null;
            responseLength = 0;
            return IceCheckResult.Dropped;
        }

        return HandleBindingRequest(request, address, nowTicks, response, out responseLength, out agent);
    }

    private void Add(string ufrag, IceLiteAgent agent)
    {
        if (!_agents.TryAdd(ufrag, agent) && !ReferenceEquals(_agents[ufrag], agent))
        {
            throw new InvalidOperationException("That ICE ufrag is already in use; generate new credentials.");
        }
    }

    /// <summary>
    /// Ordinal comparison of ufrags that also compares a string with the bytes of a packet, so that the
    /// per-packet lookup needs no string. Bytes and chars compare by value; ufrags are ASCII.
    /// </summary>
    internal sealed class UfragComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<byte>, string>
    {
        public static readonly UfragComparer Instance = new();

        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string obj)
        {
            ArgumentNullException.ThrowIfNull(obj);

            // HashCode is seeded per process, so peers cannot aim for collisions.
            var hash = default(HashCode);
            foreach (var c in obj)
            {
                hash.Add((byte)c);
            }

            return hash.ToHashCode();
        }

        public bool Equals(ReadOnlySpan<byte> alternate, string other)
        {
            if (alternate.Length != other.Length)
            {
                return false;
            }

            for (var i = 0; i < alternate.Length; i++)
            {
                if (alternate[i] != other[i])
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            foreach (var b in alternate)
            {
                hash.Add(b);
            }

            return hash.ToHashCode();
        }

        public string Create(ReadOnlySpan<byte> alternate) => Encoding.Latin1.GetString(alternate);
    }
}
