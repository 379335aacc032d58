using System.Globalization;
using Appliance.Media.Ice;

namespace Appliance.Media.Sdp;

/// <summary>
/// The semantic layer of <see cref="SdpParser.ParseAnswer"/>: checks the lines of an answer against the offer
/// it answers and builds the <see cref="SdpAnswer"/>. Each check reports to the error list and goes on, so that
/// one answer shows all of its problems at once; the answer is built only when there were none.
/// </summary>
internal sealed class AnswerReader(SdpDocument document, SessionOffer offer, SdpErrors errors)
{
    /// <summary>Attributes an answer to our offer never holds: they would negotiate something we did not offer.</summary>
    private static readonly string[] UnexpectedInSection = ["ice-lite", "simulcast", "rid", "bundle-only", "crypto", "sctp-port"];

    /// <summary>Attributes that only mean something at session level (RFC 5888, RFC 8830, RFC 8445).</summary>
    private static readonly string[] SessionOnly = ["group", "msid-semantic"];

    /// <summary>Attributes that only mean something in an m-section.</summary>
    private static readonly string[] MediaOnly =
    [
        "mid", "rtpmap", "fmtp", "rtcp-fb", "ssrc", "ssrc-group", "msid", "rtcp", "rtcp-mux", "rtcp-rsize", "candidate",
    ];

    /// <summary>Property attributes (RFC 8866 §5.13): they take no value.</summary>
    private static readonly string[] Properties = ["rtcp-mux", "rtcp-rsize", "end-of-candidates", "ice-lite"];

    public SdpAnswer? Read()
    {
        var (sessionId, sessionVersion) = ReadSessionHeader();
        var session = ReadTransport(document.SessionAttributes, null);
        var sessionDirection = ReadDirection(document.SessionAttributes, null) ?? SdpDirection.SendRecv;
        var sessionConnection = ReadConnections(document.SessionLines, null);
        var extmapAllowMixed = CheckSessionAttributes();
        var bundleGroups = ReadBundleGroups();

        if (document.Media.Count != offer.Sections.Count)
        {
            errors.Add(
                SdpErrorCode.SectionCountMismatch,
                $"The answer has {document.Media.Count} m-sections; the offer has {offer.Sections.Count}, and each needs exactly one answer in the same order.");
        }

        var sections = new List<SdpAnswerSection>();
        var transports = new List<(SdpAnswerSection Section, TransportAttributes Transport)>();
        var seenMids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Media.Count; i++)
        {
            var offered = i < offer.Sections.Count ? offer.Sections[i] : null;
            if (ReadSection(i, document.Media[i], offered, sessionDirection, sessionConnection, seenMids) is not { } read)
            {
                continue;
            }

            sections.Add(read.Section);
            if (!read.Section.IsRejected)
            {
                transports.Add((read.Section, read.Transport));
            }
        }

        var (ice, fingerprint) = CheckTransport(session, transports);
        var bundleMids = CheckBundle(bundleGroups, sections);
        if (errors.Count > 0 || ice is null || fingerprint is null || sections.Count != offer.Sections.Count)
        {
            return null;
        }

        return new SdpAnswer
        {
            SessionId = sessionId,
            SessionVersion = sessionVersion,
            Ice = ice,
            Fingerprint = fingerprint,
            ExtmapAllowMixed = extmapAllowMixed,
            BundleMids = bundleMids,
            Sections = sections,
        };
    }

    // ---- Session part -------------------------------------------------------------------------------

    private (ulong Id, ulong Version) ReadSessionHeader()
    {
        ulong id = 0;
        ulong version = 0;
        var hasTiming = false;
        foreach (var line in document.SessionLines)
        {
            switch (line.Type)
            {
                case 'v' when line.Value != "0":
                    errors.Add(SdpErrorCode.InvalidVersion, "v= must be 0.", line.Number);
                    break;
                case 'o':
                    (id, version) = ReadOrigin(line);
                    break;
                case 's' when line.Value.Length == 0:
                    errors.Add(SdpErrorCode.InvalidSessionName, "s= must not be empty (browsers write \"s=-\").", line.Number);
                    break;
                case 't':
                    hasTiming = true;
                    var times = line.Value.Split(' ');
                    if (times.Length != 2 || !SdpSyntax.IsDigits(times[0], 20) || !SdpSyntax.IsDigits(times[1], 20))
                    {
                        errors.Add(SdpErrorCode.InvalidTiming, "t= must be two numbers (browsers write \"t=0 0\").", line.Number);
                    }

                    break;
            }
        }

        if (!hasTiming)
        {
            errors.Add(SdpErrorCode.InvalidTiming, "The t= line is missing.");
        }

        return (id, version);
    }

    private (ulong Id, ulong Version) ReadOrigin(SdpLine line)
    {
        // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2)
        var parts = line.Value.Split(' ');
        if (parts.Length == 6
            && parts.All(p => p.Length > 0)
            && SdpSyntax.TryParseUInt64(parts[1], out var id)
            && SdpSyntax.TryParseUInt64(parts[2], out var version)
            && parts[3] == "IN"
            && parts[4] is "IP4" or "IP6")
        {
            return (id, version);
        }

        errors.Add(
            SdpErrorCode.InvalidOrigin,
            "o= must be \"username sess-id sess-version IN IP4|IP6 address\" with numeric id and version.",
            line.Number);
        return (0, 0);
    }

    private bool ReadConnections(List<SdpLine> lines, string? mid)
    {
        var found = false;
        foreach (var line in lines)
        {
            if (line.Type != 'c')
            {
                continue;
            }

            found = true;
            var parts = line.Value.Split(' ');
            if (parts.Length != 3 || parts[0] != "IN" || parts[1] is not ("IP4" or "IP6") || parts[2].Length == 0)
            {
                errors.Add(SdpErrorCode.InvalidConnection, "c= must be \"IN IP4|IP6 address\".", line.Number, mid);
            }
        }

        return found;
    }

    /// <summary>Checks the session attributes that are not transport or group; returns extmap-allow-mixed.</summary>
    private bool CheckSessionAttributes()
    {
        var allowMixed = false;
        foreach (var attribute in document.SessionAttributes)
        {
            switch (attribute.Name)
            {
                case "ice-lite":
                    errors.Add(
                        SdpErrorCode.UnexpectedAttribute,
                        "a=ice-lite in the answer: the appliance is ICE-lite, so the browser must be a full agent.",
                        attribute.Line);
                    break;
                case "extmap":
                    errors.Add(
                        SdpErrorCode.UnexpectedAttribute,
                        "a=extmap at session level: header extensions were offered per m-section.",
                        attribute.Line);
                    break;
                case "extmap-allow-mixed":
                    allowMixed |= CheckExtmapAllowMixed(attribute, null);
                    break;
                default:
                    if (MediaOnly.Contains(attribute.Name, StringComparer.Ordinal))
                    {
                        errors.Add(SdpErrorCode.UnexpectedAttribute, $"a={attribute.Name} belongs in an m-section, not in the session part.", attribute.Line);
                    }

                    break;
            }
        }

        CheckAttributeSyntax(document.SessionAttributes, null);
        return allowMixed;
    }

    private bool CheckExtmapAllowMixed(SdpAttribute attribute, string? mid)
    {
        if (attribute.Value is not null)
        {
            errors.Add(SdpErrorCode.MalformedAttribute, "a=extmap-allow-mixed takes no value.", attribute.Line, mid);
            return false;
        }

        if (!offer.ExtmapAllowMixed)
        {
            // RFC 8285 §6: an answerer may only accept what was offered.
            errors.Add(SdpErrorCode.UnexpectedAttribute, "a=extmap-allow-mixed was not offered.", attribute.Line, mid);
            return false;
        }

        return true;
    }

    private List<(SdpAttribute Attribute, string[] Mids)> ReadBundleGroups()
    {
        var groups = new List<(SdpAttribute, string[])>();
        foreach (var attribute in document.SessionAttributes)
        {
            if (attribute.Name != "group")
            {
                continue;
            }

            var parts = attribute.Value?.Split(' ');
            if (parts is null || parts.Any(p => p.Length == 0))
            {
                errors.Add(
                    SdpErrorCode.MalformedAttribute,
                    "a=group must be semantics and mids separated by single spaces.",
                    attribute.Line);
                continue;
            }

            if (parts[0] != "BUNDLE")
            {
                errors.Add(
                    SdpErrorCode.UnsupportedGroup,
                    $"a=group:{SdpSyntax.Excerpt(parts[0], 16)} is not supported; only BUNDLE was offered.",
                    attribute.Line);
                continue;
            }

            groups.Add((attribute, parts[1..]));
        }

        return groups;
    }

    private string[] CheckBundle(List<(SdpAttribute Attribute, string[] Mids)> groups, List<SdpAnswerSection> sections)
    {
        var offeredTag = offer.BundleMids.Count > 0 ? offer.BundleMids[0] : null;
        var accepted = sections.Where(s => !s.IsRejected).Select(s => s.Mid).ToHashSet(StringComparer.Ordinal);
        if (offeredTag is not null && sections.Any(s => s.Mid == offeredTag && s.IsRejected))
        {
            errors.Add(
                SdpErrorCode.InvalidBundleGroup,
                $"The m-section with the BUNDLE tag (mid {offeredTag}) is rejected, which leaves the session without a transport.",
                mid: offeredTag);
        }

        if (groups.Count == 0)
        {
            if (accepted.Count > 0)
            {
                errors.Add(SdpErrorCode.MissingBundleGroup, "a=group:BUNDLE is missing: the appliance has one transport for all m-sections.");
            }

            return [];
        }

        if (groups.Count > 1)
        {
            errors.Add(
                SdpErrorCode.InvalidBundleGroup,
                "There is more than one BUNDLE group: the appliance has one transport for all m-sections.",
                groups[1].Attribute.Line);
        }

        var (attribute, mids) = groups[0];
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mid in mids)
        {
            if (!named.Add(mid))
            {
                errors.Add(SdpErrorCode.InvalidBundleGroup, $"The BUNDLE group names mid {SdpSyntax.Excerpt(mid, 16)} twice.", attribute.Line);
            }
            else if (!accepted.Contains(mid))
            {
                errors.Add(
                    SdpErrorCode.InvalidBundleGroup,
                    $"The BUNDLE group names mid {SdpSyntax.Excerpt(mid, 16)}, which is not an accepted m-section of the answer.",
                    attribute.Line);
            }
        }

        foreach (var section in sections.Where(s => !s.IsRejected && !named.Contains(s.Mid)))
        {
            errors.Add(
                SdpErrorCode.InvalidBundleGroup,
                $"Accepted mid {section.Mid} is not in the BUNDLE group: the appliance has one transport for all m-sections.",
                attribute.Line,
                section.Mid);
        }

        if (mids.Length > 0 && offeredTag is not null && mids[0] != offeredTag)
        {
            errors.Add(
                SdpErrorCode.InvalidBundleGroup,
                $"The BUNDLE group must start with the offerer's tag, mid {offeredTag} (RFC 8843 §7.3.1).",
                attribute.Line);
        }

        return mids;
    }

    // ---- Transport (ICE and DTLS) -------------------------------------------------------------------

    /// <summary>ICE and DTLS attributes of one scope; Has* is true when present even if invalid (then reported).</summary>
    private sealed class TransportAttributes
    {
        public bool HasUfrag { get; set; }

        public string? Ufrag { get; set; }

        public bool HasPassword { get; set; }

        public string? Password { get; set; }

        public bool HasFingerprint { get; set; }

        public SdpFingerprint? Fingerprint { get; set; }

        public bool HasSetup { get; set; }
    }

    private TransportAttributes ReadTransport(List<SdpAttribute> attributes, string? mid)
    {
        var transport = new TransportAttributes();
        foreach (var attribute in attributes)
        {
            switch (attribute.Name)
            {
                case "ice-ufrag" when transport.HasUfrag:
                case "ice-pwd" when transport.HasPassword:
                case "fingerprint" when transport.HasFingerprint:
                case "setup" when transport.HasSetup:
                    errors.Add(SdpErrorCode.DuplicateAttribute, $"a={attribute.Name} appears more than once.", attribute.Line, mid);
                    break;
                case "ice-ufrag":
                    transport.HasUfrag = true;
                    transport.Ufrag = ReadIceValue(attribute, 4, SdpErrorCode.InvalidIceUfrag, mid);
                    break;
                case "ice-pwd":
                    transport.HasPassword = true;
                    transport.Password = ReadIceValue(attribute, 22, SdpErrorCode.InvalidIcePassword, mid);
                    break;
                case "fingerprint":
                    transport.HasFingerprint = true;
                    transport.Fingerprint = ReadFingerprint(attribute, mid);
                    break;
                case "setup":
                    transport.HasSetup = true;
                    CheckSetup(attribute, mid);
                    break;
            }
        }

        return transport;
    }

    /// <summary>An ufrag (4 to 256 ice-chars) or password (22 to 256) per RFC 8839 §5.4; the error quotes the
    /// length only, never the value.</summary>
    private string? ReadIceValue(SdpAttribute attribute, int minLength, SdpErrorCode code, string? mid)
    {
        if (SdpSyntax.IsIceString(attribute.Value, minLength, 256))
        {
            return attribute.Value;
        }

        errors.Add(
            code,
            $"a={attribute.Name} has {attribute.Value?.Length ?? 0} characters; it must be {minLength} to 256 of A-Z, a-z, 0-9, '+' and '/' (RFC 8839 §5.4).",
            attribute.Line,
            mid);
        return null;
    }

    private SdpFingerprint? ReadFingerprint(SdpAttribute attribute, string? mid)
    {
        var value = attribute.Value ?? string.Empty;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            errors.Add(SdpErrorCode.MalformedAttribute, "a=fingerprint must be a hash function, a space and the fingerprint.", attribute.Line, mid);
            return null;
        }

        var hashFunction = value[..space];
        if (!string.Equals(hashFunction, SdpFingerprint.HashFunction, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(
                SdpErrorCode.UnsupportedFingerprintAlgorithm,
                $"a=fingerprint uses {SdpSyntax.Excerpt(hashFunction, 16)}; only sha-256 is accepted.",
                attribute.Line,
                mid);
            return null;
        }

        if (!SdpFingerprint.TryParse(value[(space + 1)..], out var fingerprint))
        {
            errors.Add(
                SdpErrorCode.InvalidFingerprint,
                "The sha-256 fingerprint must be 32 hex bytes separated by ':'.",
                attribute.Line,
                mid);
        }

        return fingerprint;
    }

    private void CheckSetup(SdpAttribute attribute, string? mid)
    {
        var problem = attribute.Value switch
        {
            "active" => null,
            "passive" => "a=setup:passive is refused: the appliance is the passive DTLS server, so the browser must answer active.",
            "actpass" => "a=setup:actpass is not allowed in an answer (RFC 5763 §5); the browser must answer active.",
            _ => "a=setup must be active: the appliance is the passive DTLS server.",
        };
        if (problem is not null)
        {
            errors.Add(SdpErrorCode.InvalidSetup, problem, attribute.Line, mid);
        }
    }

    private (IceCredentials? Ice, SdpFingerprint? Fingerprint) CheckTransport(
        TransportAttributes session, List<(SdpAnswerSection Section, TransportAttributes Transport)> transports)
    {
        string? ufrag = null;
        string? password = null;
        SdpFingerprint? fingerprint = null;
        string? referenceMid = null;
        foreach (var (section, transport) in transports)
        {
            var mid = section.Mid;
            var sectionUfrag = transport.HasUfrag ? transport.Ufrag : session.Ufrag;
            var sectionPassword = transport.HasPassword ? transport.Password : session.Password;
            var sectionFingerprint = transport.HasFingerprint ? transport.Fingerprint : session.Fingerprint;
            if (!transport.HasUfrag && !session.HasUfrag)
            {
                errors.Add(SdpErrorCode.MissingIceUfrag, "a=ice-ufrag is missing.", mid: mid);
            }

            if (!transport.HasPassword && !session.HasPassword)
            {
                errors.Add(SdpErrorCode.MissingIcePassword, "a=ice-pwd is missing.", mid: mid);
            }

            if (!transport.HasFingerprint && !session.HasFingerprint)
            {
                errors.Add(SdpErrorCode.MissingFingerprint, "a=fingerprint is missing: without it the DTLS peer cannot be verified.", mid: mid);
            }

            if (!transport.HasSetup && !session.HasSetup)
            {
                errors.Add(SdpErrorCode.MissingSetup, "a=setup is missing; the browser must answer active.", mid: mid);
            }

            if (referenceMid is null)
            {
                (ufrag, password, fingerprint, referenceMid) = (sectionUfrag, sectionPassword, sectionFingerprint, mid);
                continue;
            }

            // Bundled m-sections share one ICE agent and one DTLS association (RFC 8843, RFC 8859 "TRANSPORT").
            if (sectionUfrag is not null && ufrag is not null
                && (sectionUfrag != ufrag || (sectionPassword is not null && password is not null && sectionPassword != password)))
            {
                errors.Add(SdpErrorCode.IceCredentialsDiffer, $"The ICE credentials differ from those of mid {referenceMid}: bundled m-sections share them.", mid: mid);
            }

            if (sectionFingerprint is not null && fingerprint is not null && !sectionFingerprint.Equals(fingerprint))
            {
                errors.Add(SdpErrorCode.FingerprintsDiffer, $"The fingerprint differs from that of mid {referenceMid}: bundled m-sections share it.", mid: mid);
            }
        }

        var ice = ufrag is not null && password is not null ? new IceCredentials(ufrag, password) : null;
        return (ice, fingerprint);
    }

    // ---- m-sections ---------------------------------------------------------------------------------

    private (SdpAnswerSection Section, TransportAttributes Transport)? ReadSection(
        int index,
        SdpMediaBlock block,
        SdpOfferSection? offered,
        SdpDirection sessionDirection,
        bool sessionConnection,
        HashSet<string> seenMids)
    {
        var midAttribute = Single(block.Attributes, "mid", offered?.Mid);
        var answeredMid = midAttribute?.Value;
        if (midAttribute is not null && !SdpSyntax.IsToken(answeredMid, 256))
        {
            errors.Add(SdpErrorCode.MalformedAttribute, "a=mid must be 1 to 256 token characters.", midAttribute.Line, offered?.Mid);
            answeredMid = null;
        }

        if (answeredMid is not null && !seenMids.Add(answeredMid))
        {
            errors.Add(SdpErrorCode.DuplicateMid, $"mid {SdpSyntax.Excerpt(answeredMid, 16)} is used by more than one m-section.", midAttribute!.Line);
        }

        if (offered is null)
        {
            // Beyond the offered m-sections: already reported as a count mismatch.
            return null;
        }

        var mid = offered.Mid;
        if (ReadMediaLine(block.MediaLine, offered) is not { } mediaLine)
        {
            return null;
        }

        var (port, formats) = mediaLine;
        var rejected = port == 0;
        if (answeredMid is not null && answeredMid != mid)
        {
            errors.Add(
                SdpErrorCode.MidMismatch,
                $"m-section {index} has mid {SdpSyntax.Excerpt(answeredMid, 16)}; the offer has mid {mid} there, and answers keep the offer's order (JSEP §5.3.1).",
                midAttribute!.Line,
                mid);
        }
        else if (midAttribute is null && !rejected)
        {
            errors.Add(SdpErrorCode.MissingMid, $"m-section {index} has no a=mid.", block.MediaLine.Number, mid);
        }

        if (offered.IsRejected && !rejected)
        {
            errors.Add(SdpErrorCode.RejectedSectionAccepted, "The m-section was offered rejected (port 0); the answer must reject it too.", block.MediaLine.Number, mid);
        }

        if (rejected)
        {
            var rejectedSection = new SdpAnswerSection
            {
                Index = index, Mid = mid, Kind = offered.Kind, IsRejected = true, Direction = SdpDirection.Inactive,
            };
            return (rejectedSection, new TransportAttributes());
        }

        var transport = ReadTransport(block.Attributes, mid);
        var direction = ReadDirection(block.Attributes, mid) ?? sessionDirection;
        if (!SdpDirections.IsAllowedAnswer(offered.Direction, direction))
        {
            errors.Add(
                SdpErrorCode.IncompatibleDirection,
                $"{direction.ToAttribute()} does not answer {offered.Direction.ToAttribute()} (RFC 3264 §6.1).",
                block.MediaLine.Number,
                mid);
        }

        if (!ReadConnections(block.Lines, mid) && !sessionConnection)
        {
            errors.Add(SdpErrorCode.InvalidConnection, "There is no c= line for this m-section.", block.MediaLine.Number, mid);
        }

        if (Single(block.Attributes, "rtcp-mux", mid) is null)
        {
            errors.Add(SdpErrorCode.MissingRtcpMux, "a=rtcp-mux is missing: the appliance only multiplexes RTCP with RTP.", block.MediaLine.Number, mid);
        }

        var reducedSize = Single(block.Attributes, "rtcp-rsize", mid) is not null;
        CheckSectionAttributes(block.Attributes, mid);
        var extensions = ReadExtensions(block.Attributes, offered, mid);
        var codecs = ReadCodecs(block.Attributes, formats, offered, mid);
        var source = ReadSource(block.Attributes, direction, codecs.HasRtx, mid);

        var section = new SdpAnswerSection
        {
            Index = index,
            Mid = mid,
            Kind = offered.Kind,
            IsRejected = false,
            Direction = direction,
            PayloadTypes = formats,
            PayloadType = codecs.PayloadType,
            RtxPayloadType = codecs.RtxPayloadType,
            Feedback = codecs.Feedback,
            HeaderExtensions = extensions,
            RtcpReducedSize = reducedSize,
            Ssrc = source.Ssrc,
            RtxSsrc = source.RtxSsrc,
            Cname = source.Cname,
            StreamId = source.StreamId,
            TrackId = source.TrackId,
        };
        return (section, transport);
    }

    private (int Port, int[] Formats)? ReadMediaLine(SdpLine line, SdpOfferSection offered)
    {
        // m=<media> <port> <proto> <fmt> ... (RFC 8866 §5.14), single spaces.
        var parts = line.Value.Split(' ');
        if (parts.Length < 4 || parts.Any(p => p.Length == 0))
        {
            errors.Add(SdpErrorCode.InvalidMediaLine, "m= must be media, port, protocol and payload types separated by single spaces.", line.Number, offered.Mid);
            return null;
        }

        var offeredKind = offered.Kind == SdpMediaKind.Audio ? "audio" : "video";
        if (parts[0] != offeredKind)
        {
            errors.Add(SdpErrorCode.MediaKindMismatch, $"m={SdpSyntax.Excerpt(parts[0], 16)} answers an m={offeredKind} section.", line.Number, offered.Mid);
        }

        if (!SdpSyntax.TryParseInt(parts[1], 0, 65535, out var port))
        {
            errors.Add(SdpErrorCode.InvalidMediaLine, "The m= port must be a number from 0 to 65535, without a port count.", line.Number, offered.Mid);
            return null;
        }

        if (parts[2] != SdpWriter.Protocol)
        {
            errors.Add(SdpErrorCode.UnsupportedProtocol, $"The protocol must be {SdpWriter.Protocol}.", line.Number, offered.Mid);
        }

        var formats = new List<int>(parts.Length - 3);
        foreach (var part in parts.AsSpan(3))
        {
            if (!SdpSyntax.TryParseInt(part, 0, 127, out var payloadType))
            {
                errors.Add(SdpErrorCode.InvalidMediaLine, $"{SdpSyntax.Excerpt(part, 16)} is not an RTP payload type (0 to 127).", line.Number, offered.Mid);
            }
            else if (formats.Contains(payloadType))
            {
                errors.Add(SdpErrorCode.InvalidMediaLine, $"Payload type {payloadType} is listed twice.", line.Number, offered.Mid);
            }
            else
            {
                formats.Add(payloadType);
            }
        }

        return (port, formats.ToArray());
    }

    private SdpDirection? ReadDirection(List<SdpAttribute> attributes, string? mid)
    {
        SdpDirection? direction = null;
        foreach (var attribute in attributes)
        {
            if (!SdpDirections.TryParse(attribute.Name, out var found))
            {
                continue;
            }

            if (attribute.Value is not null)
            {
                errors.Add(SdpErrorCode.MalformedAttribute, $"a={attribute.Name} takes no value.", attribute.Line, mid);
            }

            if (direction is not null)
            {
                errors.Add(SdpErrorCode.DuplicateAttribute, "There is more than one direction attribute.", attribute.Line, mid);
                continue;
            }

            direction = found;
        }

        return direction;
    }

    private void CheckSectionAttributes(List<SdpAttribute> attributes, string mid)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Name == "extmap-allow-mixed")
            {
                CheckExtmapAllowMixed(attribute, mid);
            }
            else if (UnexpectedInSection.Contains(attribute.Name, StringComparer.Ordinal))
            {
                errors.Add(SdpErrorCode.UnexpectedAttribute, $"a={attribute.Name} was not offered and may not be in the answer.", attribute.Line, mid);
            }
            else if (SessionOnly.Contains(attribute.Name, StringComparer.Ordinal))
            {
                errors.Add(SdpErrorCode.UnexpectedAttribute, $"a={attribute.Name} belongs in the session part, not in an m-section.", attribute.Line, mid);
            }
        }

        CheckAttributeSyntax(attributes, mid);
    }

    /// <summary>
    /// The grammar of attributes the appliance does not use but a browser legitimately sends (candidates when
    /// the answer is taken after gathering, ice-options, a=rtcp): present means well-formed.
    /// </summary>
    private void CheckAttributeSyntax(List<SdpAttribute> attributes, string? mid)
    {
        foreach (var attribute in attributes)
        {
            var problem = attribute.Name switch
            {
                _ when Properties.Contains(attribute.Name, StringComparer.Ordinal) && attribute.Value is not null =>
                    $"a={attribute.Name} takes no value.",
                "candidate" when !IsCandidate(attribute.Value) =>
                    "a=candidate must be foundation, component, transport, priority, address, port, \"typ\" and type, then name-value pairs (RFC 8839 §5.1).",
                "ice-options" when !IsTokenList(attribute.Value, SdpSyntax.IsIceChar) =>
                    "a=ice-options must be option tags of ice-chars separated by single spaces (RFC 8839 §5.6).",
                "rtcp" when !IsRtcpAttribute(attribute.Value) =>
                    "a=rtcp must be a port, optionally followed by \"IN IP4|IP6 address\" (RFC 3605).",
                _ => null,
            };
            if (problem is not null)
            {
                errors.Add(SdpErrorCode.MalformedAttribute, problem, attribute.Line, mid);
            }
        }
    }

    private static bool IsCandidate(string? value)
    {
        var parts = value?.Split(' ');
        return parts is { Length: >= 8 }
            && parts.Length % 2 == 0
            && parts.All(p => p.Length > 0 && p.Length <= 256)
            && SdpSyntax.IsIceString(parts[0], 1, 32)
            && SdpSyntax.TryParseInt(parts[1], 1, 256, out _)
            && SdpSyntax.IsToken(parts[2], 32)
            && SdpSyntax.TryParseUInt32(parts[3], out _)
            && SdpSyntax.IsToken(parts[4].Replace(":", string.Empty, StringComparison.Ordinal), 256)
            && SdpSyntax.TryParseInt(parts[5], 0, 65535, out _)
            && parts[6] == "typ"
            && SdpSyntax.IsToken(parts[7], 32)
            && parts.Skip(8).All(p => SdpSyntax.IsToken(p.Replace(":", string.Empty, StringComparison.Ordinal), 256));
    }

    private static bool IsRtcpAttribute(string? value)
    {
        var parts = value?.Split(' ');
        return parts is not null
            && SdpSyntax.TryParseInt(parts[0], 0, 65535, out _)
            && (parts.Length == 1
                || (parts.Length == 4 && parts[1] == "IN" && parts[2] is "IP4" or "IP6" && parts[3].Length > 0));
    }

    private static bool IsTokenList(string? value, Func<char, bool> isAllowed)
    {
        var parts = value?.Split(' ');
        return parts is not null && parts.All(p => p.Length > 0 && p.All(isAllowed));
    }

    private SdpHeaderExtension[] ReadExtensions(List<SdpAttribute> attributes, SdpOfferSection offered, string mid)
    {
        // a=extmap:<id>[/<direction>] <uri>[ <extension attributes>] (RFC 8285 §5)
        var accepted = new List<SdpHeaderExtension>();
        var ids = new HashSet<int>();
        foreach (var attribute in attributes)
        {
            if (attribute.Name != "extmap")
            {
                continue;
            }

            var value = attribute.Value ?? string.Empty;
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            var idPart = space > 0 ? value[..space] : string.Empty;
            var slash = idPart.IndexOf('/', StringComparison.Ordinal);
            var idText = slash < 0 ? idPart : idPart[..slash];
            var rest = space > 0 ? value[(space + 1)..] : string.Empty;
            var uriEnd = rest.IndexOf(' ', StringComparison.Ordinal);
            var uri = uriEnd < 0 ? rest : rest[..uriEnd];
            if (!SdpSyntax.TryParseInt(idText, 1, 255, out var id)
                || (slash >= 0 && !SdpDirections.TryParse(idPart[(slash + 1)..], out _))
                || !SdpHeaderExtension.IsUri(uri))
            {
                errors.Add(SdpErrorCode.MalformedAttribute, "a=extmap must be an id from 1 to 255, optionally /direction, a space and a URI.", attribute.Line, mid);
                continue;
            }

            if (!ids.Add(id))
            {
                errors.Add(SdpErrorCode.DuplicateAttribute, $"Header extension id {id} is mapped twice.", attribute.Line, mid);
                continue;
            }

            var offeredExtension = offered.HeaderExtensions.FirstOrDefault(e => e.Uri == uri);
            if (offeredExtension is null)
            {
                errors.Add(SdpErrorCode.ExtmapNotOffered, $"Header extension {SdpSyntax.Excerpt(uri, 80)} was not offered in this m-section.", attribute.Line, mid);
            }
            else if (offeredExtension.Id != id)
            {
                // RFC 8285 §6 lets an answerer change ids, but the forwarding path relies on the same id in every
                // participant's packets, and Chrome always keeps the offered ones.
                errors.Add(
                    SdpErrorCode.ExtmapIdChanged,
                    $"Header extension {SdpSyntax.Excerpt(uri, 80)} was offered with id {offeredExtension.Id} and answered with id {id}; the offered id must be kept.",
                    attribute.Line,
                    mid);
            }
            else
            {
                accepted.Add(offeredExtension);
            }
        }

        return accepted.ToArray();
    }

    // ---- Codecs -------------------------------------------------------------------------------------

    private sealed record CodecChoice(int? PayloadType, int? RtxPayloadType, bool HasRtx, string[] Feedback);

    private sealed record RtpMap(SdpAttribute Attribute, string Name, int ClockRate, int? Channels);

    private CodecChoice ReadCodecs(List<SdpAttribute> attributes, int[] formats, SdpOfferSection offered, string mid)
    {
        var offeredFormats = new Dictionary<int, (SdpCodec Codec, bool IsRtx)>();
        foreach (var codec in offered.Codecs)
        {
            offeredFormats[codec.PayloadType] = (codec, false);
            if (codec.RtxPayloadType is { } rtx)
            {
                offeredFormats[rtx] = (codec, true);
            }
        }

        var rtpMaps = new Dictionary<int, RtpMap>();
        var formatParameters = new Dictionary<int, string>();
        var feedback = new List<(string PayloadType, string Value)>();
        foreach (var attribute in attributes)
        {
            switch (attribute.Name)
            {
                case "rtpmap":
                    ReadRtpMap(attribute, formats, rtpMaps, mid);
                    break;
                case "fmtp":
                    if (ReadPayloadTypeAttribute(attribute, formats, mid) is { } fmtp)
                    {
                        if (!formatParameters.TryAdd(fmtp.PayloadType, fmtp.Value))
                        {
                            errors.Add(SdpErrorCode.DuplicateAttribute, $"a=fmtp for payload type {fmtp.PayloadType} appears twice.", attribute.Line, mid);
                        }
                    }

                    break;
                case "rtcp-fb":
                    // a=rtcp-fb:<payload type or *> <type>[ <parameters>] (RFC 4585 §4.2); unknown types are kept, not refused.
                    (string PayloadType, string Value)? entry = attribute.Value is { } value && value.StartsWith("* ", StringComparison.Ordinal)
                        ? ("*", value[2..])
                        : ReadPayloadTypeAttribute(attribute, formats, mid) is { } rtcpFeedback
                            ? (rtcpFeedback.PayloadType.ToString(CultureInfo.InvariantCulture), rtcpFeedback.Value)
                            : null;
                    if (entry is { } found)
                    {
                        if (IsTokenList(found.Value, SdpSyntax.IsTokenChar))
                        {
                            feedback.Add(found);
                        }
                        else
                        {
                            errors.Add(SdpErrorCode.MalformedAttribute, "a=rtcp-fb must be a feedback type and parameters, tokens separated by single spaces.", attribute.Line, mid);
                        }
                    }

                    break;
            }
        }

        int? primary = null;
        var hasRtx = false;
        foreach (var payloadType in formats)
        {
            if (!offeredFormats.TryGetValue(payloadType, out var format))
            {
                errors.Add(SdpErrorCode.UnknownPayloadType, $"Payload type {payloadType} was not offered in this m-section.", mid: mid);
                continue;
            }

            if (!rtpMaps.TryGetValue(payloadType, out var rtpMap))
            {
                errors.Add(SdpErrorCode.MissingRtpmap, $"Payload type {payloadType} has no a=rtpmap.", mid: mid);
                continue;
            }

            formatParameters.TryGetValue(payloadType, out var parameters);
            var problem = format.IsRtx
                ? CheckRtx(format.Codec, rtpMap, parameters, formats)
                : CheckCodec(format.Codec, rtpMap, parameters);
            if (problem is not null)
            {
                errors.Add(
                    problem.Value.Code,
                    $"Payload type {payloadType}: {problem.Value.Message}",
                    rtpMap.Attribute.Line,
                    mid);
                continue;
            }

            hasRtx |= format.IsRtx;
            primary ??= format.IsRtx ? null : payloadType;
        }

        if (primary is null)
        {
            errors.Add(SdpErrorCode.NoCodec, "None of the offered codecs was chosen.", mid: mid);
            return new CodecChoice(null, null, hasRtx, []);
        }

        var chosen = offeredFormats[primary.Value].Codec;
        var rtxPayloadType = chosen.RtxPayloadType is { } offeredRtx && formats.Contains(offeredRtx) ? offeredRtx : (int?)null;
        var primaryText = primary.Value.ToString(CultureInfo.InvariantCulture);
        var primaryFeedback = feedback.Where(f => f.PayloadType == "*" || f.PayloadType == primaryText).Select(f => f.Value).ToArray();
        return new CodecChoice(primary, rtxPayloadType, hasRtx, primaryFeedback);
    }

    private void ReadRtpMap(SdpAttribute attribute, int[] formats, Dictionary<int, RtpMap> rtpMaps, string mid)
    {
        // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6)
        if (ReadPayloadTypeAttribute(attribute, formats, mid) is not { } rtpmap)
        {
            return;
        }

        var parts = rtpmap.Value.Split('/');
        int channels = 0;
        if (parts.Length is < 2 or > 3
            || !SdpSyntax.IsToken(parts[0], 32)
            || !SdpSyntax.TryParseInt(parts[1], 1, int.MaxValue, out var clockRate)
            || (parts.Length == 3 && !SdpSyntax.TryParseInt(parts[2], 1, 255, out channels)))
        {
            errors.Add(SdpErrorCode.MalformedAttribute, "a=rtpmap must be a payload type, a space and name/clock rate[/channels].", attribute.Line, mid);
            return;
        }

        if (!rtpMaps.TryAdd(rtpmap.PayloadType, new RtpMap(attribute, parts[0], clockRate, parts.Length == 3 ? channels : null)))
        {
            errors.Add(SdpErrorCode.DuplicateAttribute, $"a=rtpmap for payload type {rtpmap.PayloadType} appears twice.", attribute.Line, mid);
        }
    }

    /// <summary>Splits "&lt;payload type&gt; &lt;rest&gt;" of rtpmap, fmtp and rtcp-fb; the payload type must be on the m= line.</summary>
    private (int PayloadType, string Value)? ReadPayloadTypeAttribute(SdpAttribute attribute, int[] formats, string mid)
    {
        var value = attribute.Value ?? string.Empty;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0
            || space == value.Length - 1
            || !SdpSyntax.TryParseInt(value.AsSpan(0, space), 0, 127, out var payloadType))
        {
            errors.Add(SdpErrorCode.MalformedAttribute, $"a={attribute.Name} must be a payload type, a space and a value.", attribute.Line, mid);
            return null;
        }

        if (!formats.Contains(payloadType))
        {
            errors.Add(SdpErrorCode.UnknownPayloadType, $"a={attribute.Name} for payload type {payloadType}, which is not on the m= line.", attribute.Line, mid);
            return null;
        }

        return (payloadType, value[(space + 1)..]);
    }

    private static (SdpErrorCode Code, string Message)? CheckCodec(SdpCodec offered, RtpMap answered, string? parameters)
    {
        var expectedChannels = offered.Channels;

        // RFC 8866 §6.6: an audio rtpmap without channels means one channel; video has none.
        var answeredChannels = answered.Channels ?? (offered.Channels > 0 ? 1 : 0);
        if (!string.Equals(answered.Name, offered.Name, StringComparison.OrdinalIgnoreCase)
            || answered.ClockRate != offered.ClockRate
            || answeredChannels != expectedChannels)
        {
            return (SdpErrorCode.PayloadTypeMismatch, $"{SdpSyntax.Excerpt(answered.Name, 16)}/{answered.ClockRate} does not match the offered {offered.RtpMap}.");
        }

        if (string.Equals(offered.Name, "H264", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6184 §8.1: packetization mode and profile must match; the level may differ.
            var offeredParameters = ParseFormatParameters(offered.FormatParameters);
            var answeredParameters = ParseFormatParameters(parameters);
            var offeredMode = offeredParameters.GetValueOrDefault("packetization-mode", "0");
            var answeredMode = answeredParameters.GetValueOrDefault("packetization-mode", "0");
            if (offeredMode != answeredMode)
            {
                return (SdpErrorCode.PayloadTypeMismatch, $"H.264 packetization-mode {SdpSyntax.Excerpt(answeredMode, 8)} does not match the offered {offeredMode}.");
            }

            // profile_idc and profile-iop are the first two bytes, the level the third; absent means 420010 (RFC 6184 §8.1).
            var offeredProfile = ProfileOf(offeredParameters.GetValueOrDefault("profile-level-id", "420010"));
            var answeredProfileLevel = answeredParameters.GetValueOrDefault("profile-level-id", "420010");
            if (answeredProfileLevel.Length != 6 || !answeredProfileLevel.All(char.IsAsciiHexDigit)
                || !string.Equals(ProfileOf(answeredProfileLevel), offeredProfile, StringComparison.OrdinalIgnoreCase))
            {
                return (SdpErrorCode.PayloadTypeMismatch, $"H.264 profile-level-id {SdpSyntax.Excerpt(answeredProfileLevel, 8)} is not the offered profile {SdpSyntax.Excerpt(offeredProfile, 8)}.");
            }
        }

        return null;
    }

    private static string ProfileOf(string profileLevelId) => profileLevelId.Length >= 4 ? profileLevelId[..4] : profileLevelId;

    private static (SdpErrorCode Code, string Message)? CheckRtx(SdpCodec offered, RtpMap answered, string? parameters, int[] formats)
    {
        if (!string.Equals(answered.Name, SdpCodec.Rtx, StringComparison.OrdinalIgnoreCase)
            || answered.ClockRate != offered.ClockRate
            || answered.Channels is not null)
        {
            return (SdpErrorCode.PayloadTypeMismatch, $"{SdpSyntax.Excerpt(answered.Name, 16)}/{answered.ClockRate} does not match the offered rtx/{offered.ClockRate}.");
        }

        var apt = ParseFormatParameters(parameters).GetValueOrDefault("apt");
        if (apt != offered.PayloadType.ToString(CultureInfo.InvariantCulture))
        {
            return (SdpErrorCode.PayloadTypeMismatch, $"RTX must have apt={offered.PayloadType}, as offered.");
        }

        if (!formats.Contains(offered.PayloadType))
        {
            return (SdpErrorCode.RtxWithoutPrimary, $"RTX for payload type {offered.PayloadType}, which was not chosen.");
        }

        return null;
    }

    private static Dictionary<string, string> ParseFormatParameters(string? parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (parameters is null)
        {
            return result;
        }

        foreach (var pair in parameters.Split(';'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                result.TryAdd(pair[..equals].Trim(), pair[(equals + 1)..].Trim());
            }
        }

        return result;
    }

    // ---- Sources (SSRC, CNAME, msid) ----------------------------------------------------------------

    private sealed record Source(uint? Ssrc, uint? RtxSsrc, string? Cname, string? StreamId, string? TrackId);

    private Source ReadSource(List<SdpAttribute> attributes, SdpDirection direction, bool hasRtx, string mid)
    {
        var ssrcs = new List<uint>();
        var cnames = new Dictionary<uint, string>();
        var ssrcMsids = new List<(SdpAttribute Attribute, string Value)>();
        (uint Media, uint Rtx)? fid = null;
        SdpAttribute? msidAttribute = null;
        foreach (var attribute in attributes)
        {
            switch (attribute.Name)
            {
                case "ssrc":
                    ReadSsrc(attribute, ssrcs, cnames, ssrcMsids, mid);
                    break;
                case "ssrc-group":
                    ReadSsrcGroup(attribute, ref fid, mid);
                    break;
                case "msid" when msidAttribute is not null:
                    // A track in several streams is possible in WebRTC, but our client puts each track in one.
                    errors.Add(SdpErrorCode.DuplicateAttribute, "a=msid appears more than once; the client puts each track into one stream.", attribute.Line, mid);
                    break;
                case "msid":
                    msidAttribute = attribute;
                    break;
            }
        }

        var msid = msidAttribute is null ? null : ReadMsid(msidAttribute, mid);
        if (!direction.Sends())
        {
            // Chrome may list its sender's SSRCs here too; they carry nothing the appliance will receive.
            return new Source(null, null, null, null, null);
        }

        if (ssrcs.Count == 0)
        {
            errors.Add(SdpErrorCode.MissingSsrc, "The browser sends here but gives no a=ssrc.", mid: mid);
            return new Source(null, null, null, null, null);
        }

        uint media;
        uint? rtxSsrc = null;
        if (fid is { } group)
        {
            (media, rtxSsrc) = (group.Media, group.Rtx);
            if (ssrcs.Count != 2 || !ssrcs.Contains(group.Media) || !ssrcs.Contains(group.Rtx))
            {
                errors.Add(SdpErrorCode.InvalidSsrcGroup, "The FID group must name exactly the two SSRCs of the a=ssrc lines.", mid: mid);
            }

            if (!hasRtx)
            {
                errors.Add(SdpErrorCode.InvalidSsrcGroup, "An FID group without a chosen RTX payload type.", mid: mid);
            }
        }
        else
        {
            media = ssrcs[0];
            if (ssrcs.Count > 1)
            {
                errors.Add(SdpErrorCode.InvalidSsrcGroup, $"{ssrcs.Count} SSRCs without an FID group; simulcast was not offered.", mid: mid);
            }

            if (hasRtx)
            {
                errors.Add(SdpErrorCode.MissingRtxSsrc, "RTX was chosen, but there is no a=ssrc-group:FID with the RTX SSRC.", mid: mid);
            }
        }

        if (!cnames.TryGetValue(media, out var cname))
        {
            errors.Add(SdpErrorCode.MissingCname, $"SSRC {media} has no cname.", mid: mid);
        }

        if (msidAttribute is null)
        {
            errors.Add(SdpErrorCode.MissingMsid, "The browser sends here but gives no a=msid.", mid: mid);
        }
        else if (msid is { } streamAndTrack)
        {
            // Chrome stopped writing "a=ssrc:<n> msid:" (Chromium 156 has none); older versions repeat a=msid there.
            var expected = streamAndTrack.TrackId is null ? streamAndTrack.StreamId : $"{streamAndTrack.StreamId} {streamAndTrack.TrackId}";
            foreach (var (attribute, value) in ssrcMsids.Where(m => m.Value != expected))
            {
                errors.Add(SdpErrorCode.MsidMismatch, "The a=ssrc msid differs from a=msid.", attribute.Line, mid);
            }
        }

        return new Source(media, rtxSsrc, cname, msid?.StreamId, msid?.TrackId);
    }

    private void ReadSsrc(
        SdpAttribute attribute, List<uint> ssrcs, Dictionary<uint, string> cnames, List<(SdpAttribute, string)> ssrcMsids, string mid)
    {
        // a=ssrc:<ssrc-id> <attribute>[:<value>] (RFC 5576 §4.1)
        var value = attribute.Value ?? string.Empty;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !SdpSyntax.TryParseUInt32(value.AsSpan(0, space), out var ssrc))
        {
            errors.Add(SdpErrorCode.MalformedAttribute, "a=ssrc must be an SSRC from 0 to 4294967295, a space and an attribute.", attribute.Line, mid);
            return;
        }

        var sourceAttribute = value[(space + 1)..];
        var colon = sourceAttribute.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? sourceAttribute : sourceAttribute[..colon];
        var sourceValue = colon < 0 ? null : sourceAttribute[(colon + 1)..];
        if (!SdpSyntax.IsToken(name, 64))
        {
            errors.Add(SdpErrorCode.MalformedAttribute, "The a=ssrc attribute name must be 1 to 64 token characters.", attribute.Line, mid);
            return;
        }

        if (!ssrcs.Contains(ssrc))
        {
            ssrcs.Add(ssrc);
        }

        switch (name)
        {
            case "cname" when string.IsNullOrEmpty(sourceValue) || sourceValue.Length > SdpSyntax.MaxCnameLength:
                errors.Add(SdpErrorCode.MalformedAttribute, $"The cname must be 1 to {SdpSyntax.MaxCnameLength} characters.", attribute.Line, mid);
                break;
            case "cname" when !cnames.TryAdd(ssrc, sourceValue):
                errors.Add(SdpErrorCode.DuplicateAttribute, $"SSRC {ssrc} has more than one cname.", attribute.Line, mid);
                break;
            case "msid" when sourceValue is not null:
                ssrcMsids.Add((attribute, sourceValue));
                break;
        }
    }

    private void ReadSsrcGroup(SdpAttribute attribute, ref (uint Media, uint Rtx)? fid, string mid)
    {
        // a=ssrc-group:<semantics> <ssrc-id> ... (RFC 5576 §4.2); FID pairs media and RTX (RFC 4588 §8.4 via RFC 5888)
        var parts = (attribute.Value ?? string.Empty).Split(' ');
        if (parts[0] != "FID")
        {
            errors.Add(
                SdpErrorCode.InvalidSsrcGroup,
                $"a=ssrc-group:{SdpSyntax.Excerpt(parts[0], 16)} is not supported; only FID (media and RTX) is.",
                attribute.Line,
                mid);
            return;
        }

        if (parts.Length != 3
            || !SdpSyntax.TryParseUInt32(parts[1], out var media)
            || !SdpSyntax.TryParseUInt32(parts[2], out var rtx)
            || media == rtx)
        {
            errors.Add(SdpErrorCode.InvalidSsrcGroup, "a=ssrc-group:FID must name two different SSRCs: media, then RTX.", attribute.Line, mid);
            return;
        }

        if (fid is not null)
        {
            errors.Add(SdpErrorCode.InvalidSsrcGroup, "There is more than one FID group; simulcast was not offered.", attribute.Line, mid);
            return;
        }

        fid = (media, rtx);
    }

    private (string StreamId, string? TrackId)? ReadMsid(SdpAttribute attribute, string mid)
    {
        // a=msid:<msid-id>[ <msid-appdata>] (RFC 8830 §2)
        var parts = (attribute.Value ?? string.Empty).Split(' ');
        if (parts.Length is < 1 or > 2 || !parts.All(p => SdpSyntax.IsToken(p, SdpSyntax.MaxMsidLength)))
        {
            errors.Add(SdpErrorCode.MalformedAttribute, "a=msid must be a stream id and optionally a track id, each 1 to 64 token characters.", attribute.Line, mid);
            return null;
        }

        return (parts[0], parts.Length == 2 ? parts[1] : null);
    }

    // ---- Helpers ------------------------------------------------------------------------------------

    /// <summary>The one attribute of this name, reporting the second and later ones as duplicates.</summary>
    private SdpAttribute? Single(List<SdpAttribute> attributes, string name, string? mid)
    {
        SdpAttribute? found = null;
        foreach (var attribute in attributes)
        {
            if (attribute.Name != name)
            {
                continue;
            }

            if (found is not null)
            {
                errors.Add(SdpErrorCode.DuplicateAttribute, $"a={name} appears more than once.", attribute.Line, mid);
                continue;
            }

            found = attribute;
        }

        return found;
    }
}
