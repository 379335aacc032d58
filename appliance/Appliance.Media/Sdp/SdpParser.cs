namespace Appliance.Media.Sdp;

/// <summary>
/// Reads a browser's answer to our offer and checks it strictly against that offer (JSEP, RFC 9429 §5.3 and
/// §5.8): whatever comes over the signalling socket is untrusted, so every problem becomes an
/// <see cref="SdpError"/> and nothing in the text makes this throw.
/// </summary>
public static class SdpParser
{
    /// <summary>Most characters accepted: a Chrome answer to 16 m-sections has about 12,000.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Most lines accepted.</summary>
    public const int MaxLines = 4096;

    /// <summary>Longest line accepted; Chrome's longest (fingerprint, candidates, m= lines) stay far below.</summary>
    public const int MaxLineLength = 1024;

    /// <summary>Most errors listed; more are summed up by one <see cref="SdpErrorCode.TooManyErrors"/>.</summary>
    public const int MaxErrors = 64;

    /// <summary>Reads <paramref name="sdp"/> as the answer to <paramref name="offer"/>.</summary>
    /// <param name="sdp">The answer's text from the browser, CRLF or LF line ends; null counts as empty.</param>
    /// <param name="offer">The offer it answers (the one last sent).</param>
    /// <returns>The answer, or the list of problems found. Never throws for any <paramref name="sdp"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="offer"/> is null (a bug of the caller).</exception>
    public static SdpParseResult ParseAnswer(string? sdp, SessionOffer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var errors = new SdpErrors();
        var document = SdpDocument.Read(sdp, errors);
        if (document is null)
        {
            return SdpParseResult.Fail(errors.ToList());
        }

        var answer = new AnswerReader(document, offer, errors).Read();
        return answer is not null && errors.Count == 0
            ? SdpParseResult.Ok(answer)
            : SdpParseResult.Fail(errors.ToList());
    }
}
