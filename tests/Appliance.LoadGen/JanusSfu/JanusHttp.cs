using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.LoadGen.JanusSfu;

/// <summary>
/// One Janus session over the HTTP transport (the Janus API: create, attach, message; events by long poll on
/// GET /janus/{session}). Requests carry a transaction; a plugin request answered with "ack" completes when its
/// event arrives on the long poll, a synchronous one with the "success" answer itself.
/// </summary>
internal sealed class JanusHttp : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime = new();
    private long _session;
    private Task _polling = Task.CompletedTask;

    public JanusHttp(HttpClient client) => _client = client;

    public async Task CreateSessionAsync(CancellationToken cancellationToken)
    {
        var created = await PostAsync("/janus", new JsonObject { ["janus"] = "create" }, cancellationToken).ConfigureAwait(false);
        _session = created.GetProperty("data").GetProperty("id").GetInt64();
        _polling = PollAsync(_lifetime.Token);
    }

    /// <summary>Attaches a handle to the VideoRoom plugin.</summary>
    public async Task<long> AttachAsync(CancellationToken cancellationToken)
    {
        var attached = await PostAsync(
            string.Create(CultureInfo.InvariantCulture, $"/janus/{_session}"),
            new JsonObject { ["janus"] = "attach", ["plugin"] = "janus.plugin.videoroom" },
            cancellationToken).ConfigureAwait(false);
        return attached.GetProperty("data").GetProperty("id").GetInt64();
    }

    /// <summary>
    /// Sends a plugin message (with a JSEP when given) and returns the plugin's answer: the "success" reply of a
    /// synchronous request or the event that completes an asynchronous one. Throws on a Janus or plugin error.
    /// </summary>
    public async Task<JsonElement> MessageAsync(long handle, JsonObject body, JsonObject? jsep, CancellationToken cancellationToken)
    {
        var message = new JsonObject { ["janus"] = "message", ["body"] = body };
        if (jsep is not null)
        {
            message["jsep"] = jsep;
        }

        var transaction = NewTransaction();
        message["transaction"] = transaction;
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[transaction] = completion;
        try
        {
            var reply = await PostAsync(string.Create(CultureInfo.InvariantCulture, $"/janus/{_session}/{handle}"), message, cancellationToken, transaction).ConfigureAwait(false);
            var result = reply.GetProperty("janus").GetString() == "ack"
                ? await completion.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false)
                : reply;
            if (result.TryGetProperty("plugindata", out var plugin) && plugin.GetProperty("data").TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"Janus VideoRoom: {error.GetString()} ({body["request"]})");
            }

            return result;
        }
        finally
        {
            _pending.TryRemove(transaction, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_session != 0)
        {
            try
            {
                using var destroying = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await PostAsync(string.Create(CultureInfo.InvariantCulture, $"/janus/{_session}"), new JsonObject { ["janus"] = "destroy" }, destroying.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or OperationCanceledException)
            {
                // Janus is being stopped anyway.
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        try
        {
            await _polling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _lifetime.Dispose();
    }

    private static string NewTransaction() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    private async Task<JsonElement> PostAsync(string path, JsonObject message, CancellationToken cancellationToken, string? transaction = null)
    {
        message["transaction"] = transaction ?? NewTransaction();
        using var response = await _client.PostAsJsonAsync(new Uri(path, UriKind.Relative), message, cancellationToken).ConfigureAwait(false);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        if (reply.GetProperty("janus").GetString() == "error")
        {
            throw new InvalidOperationException($"Janus: {reply.GetProperty("error")} ({message["janus"]})");
        }

        return reply;
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var path = new Uri(string.Create(CultureInfo.InvariantCulture, $"/janus/{_session}?maxev=50"), UriKind.Relative);
        while (!cancellationToken.IsCancellationRequested)
        {
            JsonElement events;
            try
            {
                using var response = await _client.GetAsync(path, cancellationToken).ConfigureAwait(false);
                events = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                continue;
            }

            foreach (var one in events.ValueKind == JsonValueKind.Array ? events.EnumerateArray() : Enumerable.Repeat(events, 1))
            {
                // Events without our transaction (webrtcup, media, new publishers, keepalive) tell us nothing we need.
                if (one.TryGetProperty("transaction", out var transaction) && transaction.GetString() is { } id
                    && one.GetProperty("janus").GetString() == "event" && _pending.TryGetValue(id, out var waiting))
                {
                    waiting.TrySetResult(one.Clone());
                }
            }
        }
    }
}
