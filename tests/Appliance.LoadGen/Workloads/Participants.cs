using Appliance.LoadGen.Measurement;
using Appliance.LoadGen.Trace;
using Appliance.Media.Client;

namespace Appliance.LoadGen.Workloads;

/// <summary>What one synthetic participant publishes. Everyone receives the audio of every other audio publisher and
/// the video of up to <see cref="RunContext.LastN"/> other video publishers, the earliest joined first (the appliance's
/// speaker order when nobody has spoken yet; Janus's subscriptions are chosen to match).</summary>
public sealed record ParticipantSpec(bool Audio, bool Video)
{
    public static ParticipantSpec Full { get; } = new(true, true);

    public static ParticipantSpec AudioOnly { get; } = new(true, false);

    public static ParticipantSpec Listener { get; } = new(false, false);
}

/// <summary>Everything a run shares: the measurement window, the sending thread, the DTLS certificate, the SRTP profile.</summary>
public sealed class RunContext : IDisposable
{
    public RunContext(IReadOnlyList<int> srtpProfiles, int lastN = 9)
    {
        SrtpProfiles = srtpProfiles;
        LastN = lastN;
    }

    public MeasurementWindow Window { get; } = new();

    internal TrafficPump Pump { get; } = new();

    /// <summary>One certificate for all endpoints: key generation would dominate the joins otherwise.</summary>
    public Appliance.Crypto.Dtls.DtlsIdentity Identity { get; } = Appliance.Crypto.Dtls.DtlsIdentity.Create(TimeProvider.System);

    /// <summary>The SRTP profiles every endpoint offers in use_srtp: one, so both SFUs use the same.</summary>
    public IReadOnlyList<int> SrtpProfiles { get; }

    public int LastN { get; }

    internal WebRtcClientEndpoint NewEndpoint(System.Net.IPAddress? localAddress = null) => new(new WebRtcClientOptions
    {
        LocalAddress = localAddress ?? System.Net.IPAddress.Loopback,
        Identity = Identity,
        OfferedProfiles = SrtpProfiles,
        IceTimeout = TimeSpan.FromSeconds(15),
        CheckRetransmitInterval = TimeSpan.FromMilliseconds(100),
        SocketBufferSize = 4 << 20,
    });

    public void Dispose()
    {
        Pump.Dispose();
        Identity.Dispose();
    }
}

/// <summary>A synthetic participant once joined: its endpoints (one for the appliance; publisher and subscriber for
/// Janus), what it publishes, what it received.</summary>
internal sealed class GeneratorParticipant : IDisposable
{
    private readonly List<WebRtcClientEndpoint> _endpoints = [];

    public GeneratorParticipant(int index, ParticipantSpec spec, long joinStartedAt)
    {
        Index = index;
        Spec = spec;
        JoinStartedAt = joinStartedAt;
    }

    public int Index { get; }

    public ParticipantSpec Spec { get; }

    public long JoinStartedAt { get; }

    public List<Publisher> Publishers { get; } = [];

    public List<MediaReceiver> Receivers { get; } = [];

    public IReadOnlyList<WebRtcClientEndpoint> Endpoints => _endpoints;

    /// <summary>Streams this participant must receive (publisher index, kind).</summary>
    public List<(int Publisher, StreamKind Kind)> Expected { get; } = [];

    public string? NegotiatedProfile { get; set; }

    public void Own(WebRtcClientEndpoint endpoint) => _endpoints.Add(endpoint);

    public void Dispose()
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.Dispose();
        }
    }
}

/// <summary>One SFU under test, started as its own process.</summary>
internal interface ISfuDriver : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The SFU's process id, for /proc.</summary>
    int ProcessId { get; }

    Task StartAsync(CancellationToken cancellationToken);

    Task<IMeetingSession> OpenMeetingAsync(string title, RunContext context, CancellationToken cancellationToken);

    /// <summary>Counters the SFU exports about itself (the appliance's /metrics), or an empty map.</summary>
    Task<IReadOnlyDictionary<string, double>> ReadCountersAsync(CancellationToken cancellationToken);
}

/// <summary>A meeting on an SFU that participants are added to.</summary>
internal interface IMeetingSession : IAsyncDisposable
{
    IReadOnlyList<GeneratorParticipant> Participants { get; }

    /// <summary>Joins participants (publishers before listeners) and waits until each is connected.</summary>
    Task AddAsync(IReadOnlyList<ParticipantSpec> specs, int firstIndex, CancellationToken cancellationToken);
}
