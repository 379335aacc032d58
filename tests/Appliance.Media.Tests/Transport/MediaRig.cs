using System.Net;
using Appliance.Crypto.Dtls;
using Appliance.Media.Client;
using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Transport;

/// <summary>A media server on 127.0.0.1 with a forwarding handler, and the clients connected to it.</summary>
internal sealed class MediaRig : IDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly List<WebRtcClientEndpoint> _clients = [];

    public MediaRig(DtlsIdentity serverIdentity, TimeProvider? time = null, Func<MediaServerOptions, MediaServerOptions>? configure = null, bool batchedIo = true)
    {
        var options = new MediaServerOptions
        {
            BindAddress = IPAddress.Loopback,
            Port = 0,
            BatchedIo = batchedIo,
            UnexpectedError = ex => Errors.Enqueue(ex),
            TcpConnectionRejected = rejection => Rejections.Enqueue(rejection),
        };
        Server = new MediaServer(configure?.Invoke(options) ?? options, serverIdentity, Handler, time);
        Server.Start();
    }

    public ForwardingHandler Handler { get; } = new();

    public MediaServer Server { get; }

    public System.Collections.Concurrent.ConcurrentQueue<Exception> Errors { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<TcpConnectionRejection> Rejections { get; } = new();

    public IPEndPoint Candidate => CandidateFor(CandidateProtocol.Udp);

    /// <summary>The TCP candidate, when the options gave the server a TCP port.</summary>
    public IPEndPoint TcpCandidate => CandidateFor(CandidateProtocol.Tcp);

    /// <summary>A client connected through ICE, DTLS and SRTP, and its peer once the handler has heard of it.</summary>
    public async Task<(WebRtcClientEndpoint Client, MediaPeer Peer)> ConnectAsync(DtlsIdentity clientIdentity, IReadOnlyList<int>? offeredProfiles = null, TimeSpan? consentInterval = null, bool tcp = false)
    {
        var client = NewClient(clientIdentity, offeredProfiles, consentInterval, tcp);
        var peer = Server.AddPeer(client.LocalFingerprint, client.LocalIceCredentials.Ufrag);
        await client.ConnectAsync(tcp ? TcpCandidate : Candidate, peer.LocalIceCredentials.Ufrag, peer.LocalIceCredentials.Password, peer.LocalFingerprint).WaitAsync(Guard);
        await WaitUntilAsync(() => peer.State == MediaPeerState.Connected, "the server to install the peer's SRTP keys");
        return (client, peer);
    }

    public WebRtcClientEndpoint NewClient(DtlsIdentity clientIdentity, IReadOnlyList<int>? offeredProfiles = null, TimeSpan? consentInterval = null, bool tcp = false)
    {
        var client = new WebRtcClientEndpoint(new WebRtcClientOptions
        {
            Identity = clientIdentity,
            OfferedProfiles = offeredProfiles ?? DtlsSrtpProfiles.Preferred,
            ConsentInterval = consentInterval,
            UseTcp = tcp,
        });
        _clients.Add(client);
        return client;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(deadline) > (timeout ?? Guard))
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(5);
        }
    }

    private IPEndPoint CandidateFor(CandidateProtocol protocol)
    {
        var candidate = Server.LocalCandidates.First(c => c.Protocol == protocol);
        return new IPEndPoint(candidate.Address, candidate.Port);
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Server.Dispose();
    }
}
