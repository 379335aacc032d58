namespace Appliance.Media.Sdp;

/// <summary>The outcome of reading an answer: the answer, or every problem found (never both).</summary>
public sealed class SdpParseResult
{
    private SdpParseResult(SdpAnswer? answer, IReadOnlyList<SdpError> errors)
    {
        Answer = answer;
        Errors = errors;
    }

    /// <summary>The answer when it was valid; null otherwise.</summary>
    public SdpAnswer? Answer { get; }

    /// <summary>What was wrong; empty exactly when <see cref="Answer"/> is not null.</summary>
    public IReadOnlyList<SdpError> Errors { get; }

    /// <summary>Whether the answer was valid.</summary>
    public bool Succeeded => Answer is not null;

    /// <summary>Whether one of the errors has this code.</summary>
    public bool HasError(SdpErrorCode code) => Errors.Any(e => e.Code == code);

    internal static SdpParseResult Ok(SdpAnswer answer) => new(answer, []);

    internal static SdpParseResult Fail(IReadOnlyList<SdpError> errors) => new(null, errors);
}
