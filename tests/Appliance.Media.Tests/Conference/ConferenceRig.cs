using System.Collections.Concurrent;
using System.Net;
using Appliance.Crypto.Dtls;
using Appliance.Media.Conference;
using Appliance.Media.Sfu;
using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Conference;

/// <summary>
/// A <see cref="ConferenceMedia"/> on 127.0.0.1 and the test browsers that join it. A pump sends every publishing
/// browser's media every 10 ms and answers new offers for browsers that answer automatically.
/// </summary>
internal sealed class ConferenceRig : IDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<ConferenceRig, bool> LiveRigs = new();

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly Lock _gate = new();
    private TestBrowser[] _browsers = [];
    private byte _nextTag = 1;

    public ConferenceRig(SfuOptions? sfuOptions = null, bool batchedIo = true)
    {
        Identity = DtlsIdentity.Create(TimeProvider.System);
        Media = new ConferenceMedia(
            new MediaServerOptions { BindAddress = IPAddress.Loopback, Port = 0, BatchedIo = batchedIo, UnexpectedError = ex => Errors.Enqueue(ex) },
            Identity,
            sfuOptions ?? new SfuOptions(),
            TimeProvider.System);
        Media.Start();
        _pump = Task.Run(PumpAsync);
        LiveRigs[this] = true;
    }

    private static IEnumerable<ConferenceRig> Live => LiveRigs.Keys;

    public DtlsIdentity Identity { get; }

    public ConferenceMedia Media { get; }

    public ConcurrentQueue<Exception> Errors { get; } = new();

    public IReadOnlyList<TestBrowser> Browsers => Volatile.Read(ref _browsers);

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(condition, () => what, timeout);

    /// <summary>Polls until <paramref name="condition"/> holds; on timeout fails with what was awaited and every browser's state then.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > (timeout ?? Guard))
            {
                Assert.Fail($"Timed out waiting for {what()}. {Describe()}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>The state of every browser of the running rigs, for a timeout's message.</summary>
    private static string Describe() => string.Join(" | ", Live.Select(rig => string.Join(" / ", rig.Browsers.Select(b =>
        $"{b.Id}: answered {b.AnsweredRevision}, refused [{string.Join("; ", b.Refusals)}], peer {b.Session?.PeerState}, {b.Signals}"))
        + $" errors [{string.Join("; ", rig.Errors.Select(e => e.Message))}]"));

    /// <summary>A browser that has not joined yet.</summary>
    public TestBrowser NewBrowser(string participantId)
    {
        lock (_gate)
        {
            var browser = new TestBrowser(participantId, _nextTag++);
            _browsers = [.. _browsers, browser];
            return browser;
        }
    }

    /// <summary>Joins, answers the first offer, connects ICE and DTLS, then publishes and answers later offers by itself.</summary>
    public async Task<TestBrowser> JoinAsync(string conferenceId, string participantId)
    {
        var browser = NewBrowser(participantId);
        browser.Session = Media.Join(conferenceId, participantId, browser.Endpoint.LocalFingerprint, browser.Signals);
        var offer = await browser.Signals.WaitForOfferAsync(1);
        var result = Media.Answer(browser.Session, 1, browser.AnswerTo(offer));
        Assert.That(result.IsAccepted, Is.True, result.ToString());
        browser.AnsweredRevision = 1;
        await browser.Endpoint.ConnectAsync(offer.Candidate!, offer.Ufrag, offer.Password, offer.Fingerprint).WaitAsync(Guard);
        browser.Publishing = true;
        browser.AutoAnswer = true;
        return browser;
    }

    /// <summary>
    /// Whether <paramref name="subscriber"/> gets <paramref name="publisher"/>'s audio and video where its own
    /// offer and slot labels say: the audio slot labelled with the publisher carries the SSRC the offer announced
    /// for that mid, which is the publisher's own audio SSRC; a video slot labelled with the publisher receives on
    /// the SSRC the offer announced for it, with the publisher's tag.
    /// </summary>
    public static bool Receives(TestBrowser subscriber, TestBrowser publisher, long minimum = 10)
    {
        if (subscriber.Signals.LatestOffer is not { } offer)
        {
            return false;
        }

        var slots = subscriber.Signals.Slots;
        var audio = slots.FirstOrDefault(s => s.Kind == TrackKind.Audio && s.ParticipantId == publisher.Id);
        var video = slots.FirstOrDefault(s => s.Kind == TrackKind.Video && s.ParticipantId == publisher.Id);
        if (audio is null || video is null)
        {
            return false;
        }

        var audioSection = offer.Sections.FirstOrDefault(s => s.Mid == audio.Mid);
        var videoSection = offer.Sections.FirstOrDefault(s => s.Mid == video.Mid);
        return audioSection is { Direction: "sendonly", Ssrc: { } audioSsrc }
            && audioSsrc == publisher.AudioSsrc
            && subscriber.Received.TryGetValue(audioSsrc, out var audioStream) && audioStream.Packets >= minimum && audioStream.LastTag == publisher.Tag
            && videoSection is { Direction: "sendonly", Ssrc: { } videoSsrc }
            && subscriber.Received.TryGetValue(videoSsrc, out var videoStream) && videoStream.Packets >= minimum && videoStream.LastTag == publisher.Tag;
    }

    public static Task AllReceiveEachOtherAsync(params TestBrowser[] browsers) =>
        WaitUntilAsync(
            () => browsers.All(s => browsers.All(p => ReferenceEquals(s, p) || Receives(s, p))),
            "every browser to receive every other browser's audio and video on the announced SSRCs");

    public void Dispose()
    {
        LiveRigs.TryRemove(this, out _);
        _stop.Cancel();
        try
        {
            _pump.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        Media.Dispose();
        foreach (var browser in Browsers)
        {
            browser.Dispose();
        }

        Identity.Dispose();
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var browser in Browsers)
            {
                if (browser.Publishing)
                {
                    browser.SendRound();
                }

                if (browser.AutoAnswer)
                {
                    browser.AnswerIfNew(Media);
                }
            }

            await Task.Delay(10, _stop.Token).ConfigureAwait(false);
        }
    }
}
