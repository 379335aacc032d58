using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Appliance.Core.Localization;
using Appliance.Core.Rooms;

namespace Appliance.Host.Signalling;

/// <summary>
/// One browser's WebSocket: a receive loop that reads and validates messages one at a time, and one send loop that
/// drains a bounded queue. Everyone else only queues (never blocks); a consumer that falls behind or stalls a send is
/// dropped, as if its network had failed, and may resume. Invalid messages get an error each; too many in a minute
/// close the connection with 1008.
/// </summary>
internal sealed class SignallingConnection : IMediaSignals, IDisposable
{
    /// <summary>Close code: the same person connected again elsewhere; do not reconnect.</summary>
    public const WebSocketCloseStatus ReplacedStatus = (WebSocketCloseStatus)4000;

    // Past the 64 KiB limit the rest of a message is read and thrown away, up to this much; beyond it the peer is not a
    // browser speaking this protocol and the connection closes with 1009.
    private const int MaxDiscardBytes = 1024 * 1024;
    private static readonly TimeSpan CloseHandshakeWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan InvalidWindow = TimeSpan.FromMinutes(1);

    private readonly WebSocket _socket;
    private readonly SignallingHub _hub;
    private readonly TimeProvider _time;
    private readonly SignallingOptions _options;
    private readonly Texts _texts;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _outbox;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _invalid = new();
    private ITimer? _helloTimer;
    private ITimer? _closeTimer;
    private bool _closing;
    private readonly TokenBucket _messageRate;
    private readonly TokenBucket _keyRate;
    private long _lastOffer;
    private bool _offerAnswered = true;

    public SignallingConnection(WebSocket socket, SignallingHub hub, string language, TimeProvider time, SignallingOptions options, Texts texts, ILogger logger)
    {
        _socket = socket;
        _hub = hub;
        Language = language;
        _time = time;
        _options = options;
        _texts = texts;
        _logger = logger;
        _outbox = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.OutgoingQueueLength)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _messageRate = new TokenBucket(time, options.MessageBurst, options.MessagesPerSecond);
        _keyRate = new TokenBucket(time, options.SenderKeyBurst, options.SenderKeysPerSecond);
    }

    /// <summary>The client's address as the appliance saw it (for the classification policy's network rule).</summary>
    public System.Net.IPAddress? RemoteAddress { get; init; }

    /// <summary>A refusal by the classification policy: the error carries the policy's reason in this connection's language.</summary>
    public void SendDenial(Appliance.Core.Policy.PolicyDecision denial, string? about = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(denial);
        Send(ServerMessages.Error(SignalErrors.PolicyDenied, denial.ReasonIn(Language), about: about, id: id));
    }

    /// <summary>The language of the page that opened it (error texts, the marking).</summary>
    public string Language { get; }

    /// <summary>The meeting, once a hello succeeded.</summary>
    public string? MeetingId { get; private set; }

    /// <summary>The participant, once a hello succeeded.</summary>
    public string? ParticipantId { get; private set; }

    /// <summary>The room's connection number for this participant.</summary>
    public int Connection { get; private set; }

    /// <summary>The fingerprint of the browser's DTLS certificate from its hello; null when it takes no part in media.</summary>
    public string? DtlsFingerprint { get; private set; }

    /// <summary>True once a hello succeeded.</summary>
    public bool HasJoined => ParticipantId is not null;

    /// <summary>Who acts when this connection sends something.</summary>
    public RoomActor Actor => new(ParticipantId ?? throw new InvalidOperationException("Not joined."), Connection);

    /// <summary>True once the server decided to close it.</summary>
    public bool IsClosing
    {
        get
        {
            lock (_lock)
            {
                return _closing;
            }
        }
    }

    /// <summary>Reads and handles messages until the socket closes or <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token);
        var sending = SendLoopAsync(linked.Token);
        _helloTimer = _time.CreateTimer(_ => HelloTimedOut(), null, TimeSpan.FromSeconds(_options.HelloTimeoutSeconds), Timeout.InfiniteTimeSpan);
        try
        {
            await ReceiveLoopAsync(linked.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The network went away, the peer vanished without a close, or the server stopped or aborted it.
        }
        finally
        {
            _hub.Disconnected(this);
            _outbox.Writer.TryComplete();
            await sending;
        }
    }

    /// <summary>Queues a message; never blocks. A full queue drops the connection (slow consumer).</summary>
    public void Send(byte[] message)
    {
        lock (_lock)
        {
            if (_closing)
            {
                return;
            }
        }

        if (!_outbox.Writer.TryWrite(new Outgoing(message, default, null)))
        {
            Drop("slow-consumer");
        }
    }

    /// <summary>Queues an error in this connection's language.</summary>
    public void SendError(string code, string? field = null, string? about = null, string? id = null) =>
        Send(ServerMessages.Error(code, _texts.Get(Language, SignalErrors.TextKey(code)), field, about, id));

    /// <summary>
    /// An invalid message: an error back, counted in the metric and against this connection's budget; at the limit the
    /// connection closes with 1008.
    /// </summary>
    public void Invalid(string code, string? field = null, string? about = null, string? id = null)
    {
        SignallingMetrics.InvalidMessage(code);
        _logger.LogInformation("Invalid signalling message ({Code}, field {Field}, type {Type}) from participant {ParticipantId}", code, field, about, ParticipantId);
        SendError(code, field, about, id);
        bool tooMany;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            while (_invalid.Count > 0 && now - _invalid.Peek() >= InvalidWindow)
            {
                _invalid.Dequeue();
            }

            _invalid.Enqueue(now);
            tooMany = _invalid.Count >= _options.MaxInvalidPerMinute;
        }

        if (tooMany)
        {
            SendError(SignalErrors.TooManyInvalid);
            SignallingMetrics.ClosedBecause(SignalErrors.TooManyInvalid);
            _logger.LogWarning("Signalling connection of participant {ParticipantId} closed after too many invalid messages", ParticipantId);
            Close(WebSocketCloseStatus.PolicyViolation, "too many invalid messages");
        }
    }

    /// <summary>Sends what is queued, then a close frame; later messages are dropped.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        lock (_lock)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
        }

        if (!_outbox.Writer.TryWrite(new Outgoing(null, status, reason)))
        {
            Drop("slow-consumer");
        }
    }

    /// <summary>Binds the connection to a participant after a good hello; false when it is closing already.</summary>
    public bool TryAttach(string meetingId, string participantId, int connection, string? dtlsFingerprint)
    {
        lock (_lock)
        {
            if (_closing)
            {
                return false;
            }

            MeetingId = meetingId;
            ParticipantId = participantId;
            Connection = connection;
            DtlsFingerprint = dtlsFingerprint;
            _helloTimer?.Dispose();
            return true;
        }
    }

    /// <inheritdoc />
    public bool TrySendOffer(MediaOffer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        lock (_lock)
        {
            if (_closing || offer.Revision <= _lastOffer || string.IsNullOrEmpty(offer.Sdp))
            {
                return false;
            }

            _lastOffer = offer.Revision;
            _offerAnswered = false;
        }

        Send(ServerMessages.Offer(offer));
        return !IsClosing;
    }

    /// <inheritdoc />
    public bool TrySendSlots(IReadOnlyList<MediaSlot> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (IsClosing)
        {
            return false;
        }

        Send(ServerMessages.MediaSlots(slots));
        return !IsClosing;
    }

    /// <inheritdoc />
    public bool TrySendSpeakers(MediaSpeakers speakers)
    {
        ArgumentNullException.ThrowIfNull(speakers);
        if (IsClosing)
        {
            return false;
        }

        Send(ServerMessages.Speakers(speakers));
        return !IsClosing;
    }

    /// <summary>True (once) for an answer to the latest offer sent on this connection.</summary>
    public bool TryTakeAnswer(long revision)
    {
        lock (_lock)
        {
            if (_offerAnswered || revision != _lastOffer)
            {
                return false;
            }

            _offerAnswered = true;
            return true;
        }
    }

    public void Dispose()
    {
        _helloTimer?.Dispose();
        _closeTimer?.Dispose();
        _stop.Dispose();
    }

    // Most messages (hello, chat, answers of small meetings) fit; an idle connection keeps no more than this.
    private const int IdleReceiveBufferBytes = 4096;

    // Owned by the receive loop alone.
    private byte[] _receiveBuffer = [];

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        // A waiting connection holds a small buffer; one that receives a larger message grows it for that message only.
        _receiveBuffer = ArrayPool<byte>.Shared.Rent(IdleReceiveBufferBytes);
        try
        {
            while (true)
            {
                if (_receiveBuffer.Length > IdleReceiveBufferBytes)
                {
                    ArrayPool<byte>.Shared.Return(_receiveBuffer, clearArray: true);
                    _receiveBuffer = ArrayPool<byte>.Shared.Rent(IdleReceiveBufferBytes);
                }

                var (type, length, tooLarge) = await ReceiveMessageAsync(cancellationToken);
                var buffer = _receiveBuffer;
                if (type == WebSocketMessageType.Close)
                {
                    // Answer the peer's close (or complete ours) and stop reading.
                    Close(WebSocketCloseStatus.NormalClosure, "");
                    return;
                }

                if (IsClosing)
                {
                    continue;
                }

                if (type == WebSocketMessageType.Binary)
                {
                    Invalid(SignalErrors.BinaryFrame);
                }
                else if (tooLarge)
                {
                    Invalid(SignalErrors.TooLarge);
                }
                else if (ReadWithinRate(buffer.AsSpan(0, length)) is not { } read)
                {
                    Invalid(SignalErrors.RateLimited);
                }
                else
                {
                    if (read.Message is null)
                    {
                        Invalid(read.Error!, read.Field, read.Type, read.Id);
                    }
                    else
                    {
                        SignallingMetrics.Received(read.Message.Type);
                        await HandleAsync(read.Message, cancellationToken);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_receiveBuffer, clearArray: true);
            _receiveBuffer = [];
        }
    }

    // A fault while handling one message (a bug, the database unavailable during a hello) must not take the socket or
    // anyone else down: the client hears "server-error" and may try again.
    private async Task HandleAsync(ClientMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _hub.HandleAsync(this, message, cancellationToken);
        }
#pragma warning disable CA1031 // Deliberately broad: see above; cancellation still ends the loop.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Handling a signalling {Type} message of participant {ParticipantId} failed", message.Type, ParticipantId);
            SendError(SignalErrors.ServerError, about: message.Type, id: message.Id);
        }
    }

    // Reads one message into _receiveBuffer, renting a larger one (twice the size, up to the limit) whenever it fills.
    private async Task<(WebSocketMessageType Type, int Length, bool TooLarge)> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        // One more byte than allowed, to tell "exactly at the limit" from "over it".
        var capacity = ClientMessageReader.MaxMessageBytes + 1;
        var length = 0;
        long discarded = 0;
        while (true)
        {
            var buffer = _receiveBuffer;
            if (length == buffer.Length && length < capacity)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(capacity, buffer.Length * 2));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                _receiveBuffer = buffer = larger;
            }

            var tooLarge = length >= capacity;
            var end = Math.Min(buffer.Length, capacity);
            var target = tooLarge ? buffer.AsMemory(0, end) : buffer.AsMemory(length, end - length);
            var result = await _socket.ReceiveAsync(target, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, 0, false);
            }

            if (tooLarge)
            {
                discarded += result.Count;
                if (discarded > MaxDiscardBytes)
                {
                    SignallingMetrics.InvalidMessage(SignalErrors.TooLarge);
                    SignallingMetrics.ClosedBecause("message-too-big");
                    SendError(SignalErrors.TooLarge);
                    Close(WebSocketCloseStatus.MessageTooBig, "message too big");
                    throw new OperationCanceledException("Message far over the limit.");
                }
            }
            else
            {
                length += result.Count;
            }

            if (result.EndOfMessage)
            {
                return (result.MessageType, length, length >= capacity);
            }
        }
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                if (item.Message is not null)
                {
                    using var stalled = new CancellationTokenSource(TimeSpan.FromSeconds(_options.SendTimeoutSeconds), _time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stalled.Token);
                    try
                    {
                        await _socket.SendAsync(item.Message, WebSocketMessageType.Text, endOfMessage: true, linked.Token);
                    }
                    catch (OperationCanceledException) when (stalled.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        Drop("send-stalled");
                        return;
                    }

                    continue;
                }

                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(item.Status, item.Reason, cancellationToken);
                }

                // The peer has a moment to answer our close; then the receive loop is stopped.
                _closeTimer = _time.CreateTimer(_ => CancelQuietly(), null, CloseHandshakeWait, Timeout.InfiniteTimeSpan);
                return;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            CancelQuietly();
        }
    }

    // A sealed sender key draws on a budget of its own first (every roster change makes a sender send one to each
    // other participant at once), so that a burst of keys does not hold up the answer or chat that follows it; anything
    // else draws on the message rate. A flood of either is closed by the invalid-message limit. Null: rate-limited.
    private ReadResult? ReadWithinRate(ReadOnlySpan<byte> message)
    {
        var read = ClientMessageReader.Read(message);
        var allowed = read.Message is SenderKeyMessage ? _keyRate.TryTake() || _messageRate.TryTake() : _messageRate.TryTake();
        return allowed ? read : null;
    }

    private void HelloTimedOut()
    {
        if (HasJoined || IsClosing)
        {
            return;
        }

        SignallingMetrics.ClosedBecause(SignalErrors.HelloTimeout);
        SendError(SignalErrors.HelloTimeout);
        Close(WebSocketCloseStatus.PolicyViolation, "no hello");
    }

    // The peer cannot keep up (or its network is gone): abort as a network failure would, so that it resumes.
    private void Drop(string reason)
    {
        lock (_lock)
        {
            _closing = true;
        }

        SignallingMetrics.ClosedBecause(reason);
        _logger.LogWarning("Signalling connection of participant {ParticipantId} dropped: {Reason}", ParticipantId, reason);
        _outbox.Writer.TryComplete();
        CancelQuietly();
        _socket.Abort();
    }

    private void CancelQuietly()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    // Average perSecond with bursts up to burst; only the receive loop uses it.
    private sealed class TokenBucket(TimeProvider time, int burst, int perSecond)
    {
        private double _tokens = burst;
        private long _refilledAt = time.GetTimestamp();

        public bool TryTake()
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond));
            _refilledAt = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    private readonly record struct Outgoing(byte[]? Message, WebSocketCloseStatus Status, string? Reason);
}
