using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// A browser's signalling WebSocket, as a test drives it: trusts only the appliance's certificate, sends the Origin a
/// browser would, and collects what the server sends so that tests can wait for particular messages.
/// </summary>
internal sealed class TestSocket : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _incoming = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _seen = [];

    // The roster as a client holds it: the whole list from the welcome or a roster, each roster-update applied on top.
    private readonly List<JsonElement> _roster = [];
    private JsonElement _e2ee;
    private long? _rosterRevision;
    private long _receivedBytes;
    private readonly Task _receiving;

    private TestSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAsync();
    }

    /// <summary>The close status the server sent (once closed).</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The socket's state.</summary>
    public WebSocketState State => _socket.State;

    /// <summary>Bytes of the messages the server sent on this socket so far (read or not).</summary>
    public long ReceivedBytes => Interlocked.Read(ref _receivedBytes);

    /// <summary>
    /// The roster this client holds after every message taken so far, shaped like a <c>roster</c> message
    /// (<c>revision</c>, <c>participants</c>, <c>e2ee</c>).
    /// </summary>
    public JsonElement Roster => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["type"] = "roster",
        ["revision"] = _rosterRevision,
        ["participants"] = new JsonArray(_roster.Select(p => JsonNode.Parse(p.GetRawText())).ToArray()),
        ["e2ee"] = _e2ee.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(_e2ee.GetRawText()),
    });

    /// <summary>Every message taken from the socket so far, in order.</summary>
    public IReadOnlyList<JsonElement> Seen => _seen;

    /// <summary>The appliance's own origin, as a browser on its pages sends it.</summary>
    public static string OwnOrigin(TestAppliance appliance) => appliance.BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>The WebSocket address.</summary>
    public static Uri Address(TestAppliance appliance) => new(new Uri(appliance.BaseAddress.AbsoluteUri.Replace("https://", "wss://", StringComparison.Ordinal)), "ws");

    /// <summary>Opens the socket (with <paramref name="origin"/>; the appliance's own unless given; none when empty).</summary>
    public static async Task<TestSocket> ConnectAsync(TestAppliance appliance, string? origin = null)
    {
        var socket = Create(appliance, origin);
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(Address(appliance), timeout.Token);
        return new TestSocket(socket);
    }

    /// <summary>A configured client socket, not yet connected.</summary>
    public static ClientWebSocket Create(TestAppliance appliance, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var thumbprint = appliance.Certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            cert is not null && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), thumbprint, StringComparison.OrdinalIgnoreCase);
        origin ??= OwnOrigin(appliance);
        if (origin.Length > 0)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        return socket;
    }

    /// <summary>Sends raw text (which may be anything but valid JSON).</summary>
    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>Sends a message: the fields after v and type.</summary>
    public Task SendAsync(string type, object? fields = null)
    {
        var message = new Dictionary<string, object?> { ["v"] = 1, ["type"] = type };
        if (fields is not null)
        {
            foreach (var property in fields.GetType().GetProperties())
            {
                message[property.Name] = property.GetValue(fields);
            }
        }

        return SendTextAsync(JsonSerializer.Serialize(message));
    }

    /// <summary>Sends a binary frame.</summary>
    public async Task SendBinaryAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
    }

    /// <summary>The next message, whatever it is.</summary>
    public async Task<JsonElement> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            var message = await _incoming.Reader.ReadAsync(timeout.Token);
            _seen.Add(message);
            TrackRoster(message);
            return message;
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"No message within {Patience.TotalSeconds} s (state {_socket.State}, close {_socket.CloseStatus}). Seen: {Describe()}");
        }
        catch (ChannelClosedException)
        {
            throw new AssertionException($"The socket closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before the next message. Seen: {Describe()}");
        }
    }

    /// <summary>Skips messages until one of <paramref name="type"/> (that matches) arrives.</summary>
    public async Task<JsonElement> ExpectAsync(string type, Func<JsonElement, bool>? match = null)
    {
        while (true)
        {
            var message = await NextAsync();
            if (TypeOf(message) == type && (match is null || match(message)))
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Skips messages until a <c>roster</c> or <c>roster-update</c> leaves this client's roster (see <see cref="Roster"/>)
    /// matching; returns that roster.
    /// </summary>
    public async Task<JsonElement> ExpectRosterAsync(Func<JsonElement, bool>? match = null)
    {
        while (true)
        {
            var message = await NextAsync();
            if (TypeOf(message) is "roster" or "roster-update" && Roster is var roster && (match is null || match(roster)))
            {
                return roster;
            }
        }
    }

    /// <summary>Everything that arrives until the answer to a ping: what the server sent before it.</summary>
    public async Task<List<JsonElement>> DrainAsync()
    {
        var id = "drain-" + Guid.NewGuid().ToString("N")[..8];
        await SendAsync("ping", new { id });
        var before = new List<JsonElement>();
        while (true)
        {
            var message = await NextAsync();
            if (TypeOf(message) == "pong" && message.TryGetProperty("id", out var pong) && pong.GetString() == id)
            {
                return before;
            }

            before.Add(message);
        }
    }

    /// <summary>Waits until the server closed the socket; returns the close status.</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync()
    {
        await _receiving.WaitAsync(Patience);
        return _socket.CloseStatus;
    }

    /// <summary>Cuts the connection without a close handshake, as a network failure would.</summary>
    public void Drop() => _socket.Abort();

    public static string TypeOf(JsonElement message) => message.GetProperty("type").GetString()!;

    public string Describe() => string.Join(", ", _seen.Select(m => TypeOf(m) + (m.TryGetProperty("code", out var c) ? ":" + c.GetString() : "")));

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test over", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server went first.
            }
        }

        _socket.Abort();
        try
        {
            await _receiving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // Nothing more to read.
        }

        _socket.Dispose();
    }

    // Applies what the server says about the roster as the web client does; an update that does not follow the revision
    // held is a lost update, which the server must never cause on a working connection.
    private void TrackRoster(JsonElement message)
    {
        switch (TypeOf(message))
        {
            case "welcome" when message.TryGetProperty("rosterRevision", out var revision):
                Replace(message.GetProperty("roster"), message.GetProperty("e2ee"), revision.GetInt64());
                break;
            case "roster":
                Replace(message.GetProperty("participants"), message.GetProperty("e2ee"), message.GetProperty("revision").GetInt64());
                break;
            case "roster-update":
                var next = message.GetProperty("revision").GetInt64();
                if (next != _rosterRevision + 1)
                {
                    throw new AssertionException($"A roster-update of revision {next} came to a client holding revision {_rosterRevision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
                }

                var removed = message.GetProperty("removed").EnumerateArray().Select(id => id.GetString()).ToHashSet(StringComparer.Ordinal);
                _roster.RemoveAll(p => removed.Contains(IdOf(p)));
                foreach (var changed in message.GetProperty("participants").EnumerateArray())
                {
                    var at = _roster.FindIndex(p => IdOf(p) == IdOf(changed));
                    if (at >= 0)
                    {
                        _roster[at] = changed.Clone();
                    }
                    else
                    {
                        _roster.Add(changed.Clone());
                    }
                }

                _e2ee = message.GetProperty("e2ee").Clone();
                _rosterRevision = next;
                break;
        }
    }

    private void Replace(JsonElement participants, JsonElement e2ee, long revision)
    {
        _roster.Clear();
        _roster.AddRange(participants.EnumerateArray().Select(p => p.Clone()));
        _e2ee = e2ee.Clone();
        _rosterRevision = revision;
    }

    private static string? IdOf(JsonElement participant) => participant.GetProperty("participantId").GetString();

    private async Task ReceiveAsync()
    {
        var buffer = new byte[128 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                Interlocked.Add(ref _receivedBytes, length);
                using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
                await _incoming.Writer.WriteAsync(document.RootElement.Clone());
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Dropped or disposed.
        }
        finally
        {
            _incoming.Writer.TryComplete();
        }
    }
}
