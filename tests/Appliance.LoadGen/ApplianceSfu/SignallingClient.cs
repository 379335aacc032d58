using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Appliance.LoadGen.ApplianceSfu;

/// <summary>
/// One participant's signalling WebSocket (PROTOCOL.md, version 1): sends JSON messages in order from a queue and hands
/// every server message to <see cref="ConnectAsync"/>'s handler, one at a time, on its reading task.
/// </summary>
internal sealed class SignallingClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<string> _outgoing = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _lifetime = new();
    private Task _reading = Task.CompletedTask;
    private Task _writing = Task.CompletedTask;

    /// <summary>Opens the socket with the appliance's own Origin, as its pages do.</summary>
    public async Task ConnectAsync(Uri baseAddress, ApplianceHttp http, Func<string, JsonElement, Task> onMessage, bool wantsLobbyQueue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(http);
        _socket.Options.SetRequestHeader("Origin", baseAddress.GetLeftPart(UriPartial.Authority));
        _socket.Options.RemoteCertificateValidationCallback = (_, presented, _, _) => http.IsApplianceCertificate(presented);
        _socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        var uri = new UriBuilder(baseAddress) { Scheme = "wss", Path = "/ws" }.Uri;
        await _socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        _reading = ReadAsync(onMessage, wantsLobbyQueue, _lifetime.Token);
        _writing = WriteAsync(_lifetime.Token);
    }

    /// <summary>Queues a message; the "v" field is added.</summary>
    public void Send(Dictionary<string, object?> message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message["v"] = 1;
        _outgoing.Writer.TryWrite(JsonSerializer.Serialize(message));
    }

    /// <summary>Ends when the socket closes or fails.</summary>
    public Task Completion => _reading;

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        try
        {
            await _writing.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            if (_socket.State == WebSocketState.Open)
            {
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", closing.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // Closing is best effort: the appliance notices a dropped socket too.
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }

        _socket.Dispose();
        _lifetime.Dispose();
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var text in _outgoing.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static bool StartsWithType(ReadOnlySpan<byte> json, ReadOnlySpan<byte> type)
    {
        var head = json[..Math.Min(json.Length, 64)];
        var at = head.IndexOf("\"type\":\""u8);
        return at >= 0 && head[(at + 8)..].StartsWith(type) && head.Length > at + 8 + type.Length && head[at + 8 + type.Length] == (byte)'"';
    }

    private async Task ReadAsync(Func<string, JsonElement, Task> onMessage, bool wantsLobbyQueue, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var text = message.GetBuffer().AsMemory(0, (int)message.Length);
                // The generator keeps no roster: whole rosters (a joiner's, the size of the meeting) and the updates
                // every join sends everyone are skipped unread; lobby queues grow with the lobby, and only the host
                // needs them.
                if (!wantsLobbyQueue && (StartsWithType(text.Span, "roster"u8) || StartsWithType(text.Span, "roster-update"u8) || StartsWithType(text.Span, "lobby-queue"u8)))
                {
                    message.SetLength(0);
                    continue;
                }

                using var document = JsonDocument.Parse(text);
                message.SetLength(0);
                var type = document.RootElement.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
                await onMessage(type, document.RootElement).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
