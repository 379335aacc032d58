using Appliance.Media.Sfu;

namespace Appliance.Media.Conference;

/// <summary>
/// One conference on the receive thread: its <see cref="SfuRouter"/>, the sessions in it by router key, and where
/// the router's packets go (the target session's <see cref="Transport.MediaPeer"/>). Receive thread only.
/// </summary>
internal sealed class Conference : IRtpOutput
{
    private readonly Dictionary<int, MediaSession> _byKey = [];

    public Conference(string id, SfuOptions options)
    {
        Id = id;
        Router = new SfuRouter(this, options);
    }

    public string Id { get; }

    public SfuRouter Router { get; }

    /// <summary>The sessions, in join order.</summary>
    public List<MediaSession> Members { get; } = [];

    public long SeenLayoutVersion { get; set; } = -1;

    public long SeenSpeakerVersion { get; set; } = -1;

    public void Add(MediaSession session)
    {
        _byKey.Add(session.Key.Value, session);
        Members.Add(session);
    }

    public void Remove(MediaSession session)
    {
        _byKey.Remove(session.Key.Value);
        Members.Remove(session);
    }

    public string? ParticipantIdOf(ParticipantKey? key) =>
        key is { } k && _byKey.TryGetValue(k.Value, out var session) ? session.ParticipantId : null;

    public void SendRtp(ParticipantKey recipient, ReadOnlySpan<byte> plainRtp)
    {
        if (_byKey.TryGetValue(recipient.Value, out var session))
        {
            session.Peer.SendRtp(plainRtp);
        }
    }

    public void SendRtcp(ParticipantKey recipient, ReadOnlySpan<byte> plainRtcp)
    {
        if (_byKey.TryGetValue(recipient.Value, out var session))
        {
            session.Peer.SendRtcp(plainRtcp);
        }
    }
}
