using System.Net;
using System.Text;
using System.Text.Json;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>An API answer with its parsed JSON body (null when the body is not JSON).</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, JsonElement? Json, HttpResponseMessage Response)
{
    public string? MediaType => Response.Content.Headers.ContentType?.MediaType;

    /// <summary>The JSON body; fails the test when there is none.</summary>
    public JsonElement Root => Json ?? throw new AssertionException($"The answer ({(int)Status}, {MediaType}) has no JSON body: {Body}");
}

/// <summary>Calls to the REST API /api/v1.</summary>
public static class ApiCalls
{
    public static async Task<ApiResponse> GetAsync(HttpClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await ReadAsync(await client.GetAsync(new Uri(path, UriKind.Relative)));
    }

    /// <summary>POSTs raw JSON text (so that malformed and unknown members can be sent too).</summary>
    public static async Task<ApiResponse> PostJsonAsync(HttpClient client, string path, string json)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await ReadAsync(await client.PostAsync(new Uri(path, UriKind.Relative), content));
    }

    /// <summary>POSTs an object serialised as camelCase JSON.</summary>
    public static Task<ApiResponse> PostAsync(HttpClient client, string path, object body) =>
        PostJsonAsync(client, path, JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    /// <summary>A meeting to book, tomorrow, one hour long.</summary>
    public static object Meeting(string title, string classification = "internal", string? agenda = null, object[]? participants = null)
    {
        var start = MeetingPages.Tomorrow();
        return new { title, startsAt = start, endsAt = start.AddHours(1), agenda, classification, participants = participants ?? [] };
    }

    /// <summary>Books a meeting and returns its id (the 201 is asserted).</summary>
    public static async Task<string> BookAsync(HttpClient client, string title, string classification = "internal")
    {
        var booked = await PostAsync(client, "/api/v1/meetings", Meeting(title, classification));
        if (booked.Status != HttpStatusCode.Created)
        {
            throw new AssertionException($"Booking through the API answered {(int)booked.Status}: {booked.Body}");
        }

        return booked.Root.GetProperty("id").GetString()!;
    }

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        JsonElement? json = null;
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        if (mediaType.Contains("json", StringComparison.Ordinal) && body.Length > 0)
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }

        return new ApiResponse(response.StatusCode, body, json, response);
    }
}
