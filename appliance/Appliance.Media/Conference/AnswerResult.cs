using Appliance.Media.Sdp;

namespace Appliance.Media.Conference;

/// <summary>Why <see cref="ConferenceMedia.Answer"/> refused an answer.</summary>
public enum AnswerRefusal
{
    /// <summary>The session has ended (left, or closed by itself).</summary>
    SessionClosed,

    /// <summary>No offer with this revision awaits an answer: it was answered already, or a newer one was sent.</summary>
    StaleRevision,

    /// <summary>The SDP is not a valid answer to the offer; <see cref="AnswerResult.SdpErrors"/> says why.</summary>
    InvalidSdp,

    /// <summary>The answer's DTLS fingerprint is not the one the client gave when it joined.</summary>
    FingerprintMismatch,

    /// <summary>The answer's ICE ufrag differs from the first answer's: the server does not take ICE restarts from the browser.</summary>
    IceCredentialsChanged,
}

/// <summary>
/// The outcome of <see cref="ConferenceMedia.Answer"/>: accepted, or refused with a reason and a message that is
/// safe to send back to the client and to log (it never quotes fingerprints or ICE passwords).
/// </summary>
public sealed record AnswerResult
{
    private AnswerResult(AnswerRefusal? refusal, string message, IReadOnlyList<SdpError> sdpErrors)
    {
        Refusal = refusal;
        Message = message;
        SdpErrors = sdpErrors;
    }

    /// <summary>Whether the answer was taken: the browser's tracks are published and the next offer may follow.</summary>
    public bool IsAccepted => Refusal is null;

    /// <summary>Why the answer was refused; null when accepted.</summary>
    public AnswerRefusal? Refusal { get; }

    /// <summary>A sentence saying what happened.</summary>
    public string Message { get; }

    /// <summary>The parser's findings for <see cref="AnswerRefusal.InvalidSdp"/>; empty otherwise.</summary>
    public IReadOnlyList<SdpError> SdpErrors { get; }

    internal static AnswerResult Accepted { get; } = new(null, "The answer was accepted.", []);

    internal static AnswerResult Refused(AnswerRefusal refusal, string message, IReadOnlyList<SdpError>? sdpErrors = null) =>
        new(refusal, message, sdpErrors ?? []);

    /// <inheritdoc />
    public override string ToString() => Refusal is { } refusal ? $"{refusal}: {Message}" : Message;
}
