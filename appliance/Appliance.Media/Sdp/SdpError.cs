namespace Appliance.Media.Sdp;

/// <summary>What is wrong with an answer, for the signalling error message and for tests.</summary>
public enum SdpErrorCode
{
    /// <summary>No SDP at all.</summary>
    Empty,

    /// <summary>Longer than <see cref="SdpParser.MaxLength"/> characters.</summary>
    TooLarge,

    /// <summary>More than <see cref="SdpParser.MaxLines"/> lines.</summary>
    TooManyLines,

    /// <summary>A line longer than <see cref="SdpParser.MaxLineLength"/> characters.</summary>
    LineTooLong,

    /// <summary>A control character, a byte outside ASCII, or a CR not followed by LF.</summary>
    InvalidCharacter,

    /// <summary>An empty line.</summary>
    EmptyLine,

    /// <summary>A line that is not "&lt;letter&gt;=&lt;value&gt;".</summary>
    MalformedLine,

    /// <summary>A line type that RFC 8866 does not define.</summary>
    UnknownLineType,

    /// <summary>A line where it may not be (v=, o=, s= first; session-only lines inside an m-section).</summary>
    MisplacedLine,

    /// <summary>v= is not 0.</summary>
    InvalidVersion,

    /// <summary>o= is not "username sess-id sess-version IN IP4|IP6 address".</summary>
    InvalidOrigin,

    /// <summary>s= is empty.</summary>
    InvalidSessionName,

    /// <summary>No t= line, or one that is not two numbers.</summary>
    InvalidTiming,

    /// <summary>A c= line that is not "IN IP4|IP6 address", or an accepted m-section without one.</summary>
    InvalidConnection,

    /// <summary>An attribute whose value does not follow its grammar.</summary>
    MalformedAttribute,

    /// <summary>An attribute that may appear once appears again in the same scope.</summary>
    DuplicateAttribute,

    /// <summary>An attribute the answer may not hold: one we did not offer (ice-lite, simulcast, rid, extmap-allow-mixed).</summary>
    UnexpectedAttribute,

    /// <summary>An accepted m-section without a=ice-ufrag (at media or session level).</summary>
    MissingIceUfrag,

    /// <summary>An ufrag that is not 4 to 256 ice-chars (RFC 8839 §5.4).</summary>
    InvalidIceUfrag,

    /// <summary>An accepted m-section without a=ice-pwd (at media or session level).</summary>
    MissingIcePassword,

    /// <summary>A password that is not 22 to 256 ice-chars (RFC 8839 §5.4).</summary>
    InvalidIcePassword,

    /// <summary>Bundled m-sections with different ICE credentials.</summary>
    IceCredentialsDiffer,

    /// <summary>An accepted m-section without a=fingerprint (at media or session level).</summary>
    MissingFingerprint,

    /// <summary>A fingerprint with a hash function other than sha-256.</summary>
    UnsupportedFingerprintAlgorithm,

    /// <summary>A sha-256 fingerprint that is not 32 colon-separated hex bytes.</summary>
    InvalidFingerprint,

    /// <summary>Bundled m-sections with different fingerprints.</summary>
    FingerprintsDiffer,

    /// <summary>An accepted m-section without a=setup.</summary>
    MissingSetup,

    /// <summary>a=setup other than active: we are the passive DTLS server (RFC 5763 §5).</summary>
    InvalidSetup,

    /// <summary>Accepted m-sections but no a=group:BUNDLE.</summary>
    MissingBundleGroup,

    /// <summary>A BUNDLE group that does not hold exactly the accepted mids with the offerer's tag first.</summary>
    InvalidBundleGroup,

    /// <summary>a=group with semantics other than BUNDLE.</summary>
    UnsupportedGroup,

    /// <summary>A different number of m-sections than offered.</summary>
    SectionCountMismatch,

    /// <summary>An m= line that is not "audio|video port UDP/TLS/RTP/SAVPF payload-types".</summary>
    InvalidMediaLine,

    /// <summary>An m-section of another media type than the offered one at its position.</summary>
    MediaKindMismatch,

    /// <summary>A transport protocol other than UDP/TLS/RTP/SAVPF.</summary>
    UnsupportedProtocol,

    /// <summary>An accepted m-section without a=mid.</summary>
    MissingMid,

    /// <summary>An m-section whose mid is not the offered mid at its position (JSEP §5.3.1).</summary>
    MidMismatch,

    /// <summary>The same mid on two m-sections.</summary>
    DuplicateMid,

    /// <summary>A non-zero port for an m-section we offered rejected.</summary>
    RejectedSectionAccepted,

    /// <summary>A direction the offered direction does not allow (RFC 3264 §6.1).</summary>
    IncompatibleDirection,

    /// <summary>A payload type we did not offer in that m-section, or an attribute for one not on the m= line.</summary>
    UnknownPayloadType,

    /// <summary>A payload type whose rtpmap or essential fmtp differs from the offered codec's.</summary>
    PayloadTypeMismatch,

    /// <summary>A dynamic payload type without a=rtpmap.</summary>
    MissingRtpmap,

    /// <summary>An accepted m-section that chose no media codec (only RTX, or nothing we offered).</summary>
    NoCodec,

    /// <summary>An RTX payload type whose associated codec was not chosen.</summary>
    RtxWithoutPrimary,

    /// <summary>An offered header extension answered with another identifier.</summary>
    ExtmapIdChanged,

    /// <summary>A header extension we did not offer in that m-section.</summary>
    ExtmapNotOffered,

    /// <summary>An accepted m-section without a=rtcp-mux (we only offer multiplexed RTCP).</summary>
    MissingRtcpMux,

    /// <summary>A section the browser sends on without a=ssrc lines.</summary>
    MissingSsrc,

    /// <summary>An a=ssrc-group that is not one FID pair matching the a=ssrc lines, or extra SSRCs.</summary>
    InvalidSsrcGroup,

    /// <summary>A section the browser sends on with RTX negotiated but no FID group.</summary>
    MissingRtxSsrc,

    /// <summary>A section the browser sends on without a CNAME for its media SSRC.</summary>
    MissingCname,

    /// <summary>A section the browser sends on without a=msid.</summary>
    MissingMsid,

    /// <summary>An a=ssrc msid that differs from a=msid.</summary>
    MsidMismatch,

    /// <summary>More errors than <see cref="SdpParser.MaxErrors"/>; the rest were not reported.</summary>
    TooManyErrors,
}

/// <summary>One problem with an answer: what, where (line number, mid) and a sentence saying it.</summary>
/// <param name="Code">What kind of problem.</param>
/// <param name="Message">A sentence naming the problem, safe to send back and to log: it never quotes
/// fingerprints or passwords, and quotes other values only shortened.</param>
/// <param name="Line">The 1-based line number, when one line is at fault.</param>
/// <param name="Mid">The offered mid of the m-section at fault, when one is.</param>
public sealed record SdpError(SdpErrorCode Code, string Message, int? Line = null, string? Mid = null)
{
    /// <summary>"line 12 (mid 3): message".</summary>
    public override string ToString() => (Line, Mid) switch
    {
        (null, null) => Message,
        ({ } line, null) => $"line {line}: {Message}",
        (null, { } mid) => $"mid {mid}: {Message}",
        ({ } line, { } mid) => $"line {line} (mid {mid}): {Message}",
    };
}

/// <summary>Collects errors up to <see cref="SdpParser.MaxErrors"/>, so that garbage cannot make the list huge.</summary>
internal sealed class SdpErrors
{
    private readonly List<SdpError> _errors = [];
    private bool _truncated;

    public int Count => _errors.Count;

    public void Add(SdpErrorCode code, string message, int? line = null, string? mid = null)
    {
        if (_errors.Count >= SdpParser.MaxErrors)
        {
            _truncated = true;
            return;
        }

        _errors.Add(new SdpError(code, message, line, mid));
    }

    public IReadOnlyList<SdpError> ToList()
    {
        var list = new List<SdpError>(_errors);
        if (_truncated)
        {
            list.Add(new SdpError(SdpErrorCode.TooManyErrors, $"More than {SdpParser.MaxErrors} errors; the rest are not listed."));
        }

        return list;
    }
}
