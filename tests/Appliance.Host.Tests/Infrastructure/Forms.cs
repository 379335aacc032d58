using System.Net;
using System.Text.RegularExpressions;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>A fetched page: its status, headers and body.</summary>
public sealed record PageResponse(HttpStatusCode Status, string Body, HttpResponseMessage Response)
{
    /// <summary>The redirect target (Location header), or null.</summary>
    public string? Location => Response.Headers.Location?.OriginalString;
}

/// <summary>
/// Posting the appliance's HTML forms the way a browser does: fetch the page, take the antiforgery token from its
/// hidden input, post the fields with it.
/// </summary>
public static partial class Forms
{
    public const string TokenField = "__RequestVerificationToken";

    /// <summary>GET a page and read its body.</summary>
    public static async Task<PageResponse> GetAsync(HttpClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.GetAsync(new Uri(path, UriKind.RelativeOrAbsolute));
        var body = await response.Content.ReadAsStringAsync();
        return new PageResponse(response.StatusCode, body, response);
    }

    /// <summary>The antiforgery token of the first form in <paramref name="html"/>, or null when there is none.</summary>
    public static string? FindToken(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var match = TokenInput().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups["value"].Value) : null;
    }

    /// <summary>The hidden fields of the form whose action is <paramref name="action"/>, as a browser would post them.</summary>
    public static List<KeyValuePair<string, string>> HiddenFieldsOf(string html, string action)
    {
        ArgumentNullException.ThrowIfNull(html);
        var form = Regex.Match(html, "<form[^>]*action=\"" + Regex.Escape(action) + "\"[^>]*>(?<inner>.*?)</form>", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        if (!form.Success)
        {
            throw new AssertionException($"No form posts to {action}.");
        }

        return Regex.Matches(form.Groups["inner"].Value, "<input[^>]*type=\"hidden\"[^>]*>", RegexOptions.CultureInvariant)
            .Select(input => (
                Name: Regex.Match(input.Value, "name=\"(?<v>[^\"]*)\"", RegexOptions.CultureInvariant).Groups["v"].Value,
                Value: Regex.Match(input.Value, "value=\"(?<v>[^\"]*)\"", RegexOptions.CultureInvariant).Groups["v"].Value))
            .Select(f => new KeyValuePair<string, string>(WebUtility.HtmlDecode(f.Name), WebUtility.HtmlDecode(f.Value)))
            .ToList();
    }

    /// <summary>The value attribute of the element with the given id, HTML-decoded, or null.</summary>
    public static string? ValueOf(string html, string id, string attribute = "value")
    {
        ArgumentNullException.ThrowIfNull(html);
        var element = Regex.Match(html, "<[^>]*\\bid=\"" + Regex.Escape(id) + "\"[^>]*>", RegexOptions.CultureInvariant);
        if (!element.Success)
        {
            return null;
        }

        var value = Regex.Match(element.Value, "\\b" + Regex.Escape(attribute) + "=\"(?<v>[^\"]*)\"", RegexOptions.CultureInvariant);
        return value.Success ? WebUtility.HtmlDecode(value.Groups["v"].Value) : null;
    }

    /// <summary>Fetches <paramref name="pagePath"/> for its antiforgery token, then posts the fields to <paramref name="postPath"/> (default: the same page).</summary>
    public static async Task<PageResponse> SubmitAsync(HttpClient client, string pagePath, IEnumerable<KeyValuePair<string, string>> fields, string? postPath = null)
    {
        var page = await GetAsync(client, pagePath);
        var token = FindToken(page.Body)
            ?? throw new AssertionException($"GET {pagePath} answered {(int)page.Status} without a form holding an antiforgery token.");
        return await PostAsync(client, postPath ?? pagePath, fields, token);
    }

    /// <summary>Posts the fields, with the antiforgery token when one is given.</summary>
    public static async Task<PageResponse> PostAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> fields, string? token)
    {
        ArgumentNullException.ThrowIfNull(client);
        var all = fields.ToList();
        if (token is not null)
        {
            all.Add(new(TokenField, token));
        }

        using var content = new FormUrlEncodedContent(all);
        var response = await client.PostAsync(new Uri(path, UriKind.RelativeOrAbsolute), content);
        var body = await response.Content.ReadAsStringAsync();
        return new PageResponse(response.StatusCode, body, response);
    }

    /// <summary>Shorthand for building a field list.</summary>
    public static List<KeyValuePair<string, string>> Fields(params (string Name, string Value)[] fields) =>
        fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();

    /// <summary>The items of the error summary on a page (empty when there is none).</summary>
    public static IReadOnlyList<string> ErrorSummary(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var summary = Regex.Match(html, "<div class=\"error-summary\"[^>]*>(?<inner>.*?)</div>", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        if (!summary.Success)
        {
            return [];
        }

        return Regex.Matches(summary.Groups["inner"].Value, "<li>(?<text>.*?)</li>", RegexOptions.Singleline | RegexOptions.CultureInvariant)
            .Select(m => WebUtility.HtmlDecode(m.Groups["text"].Value.Trim()))
            .ToList();
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex TokenInput();
}
