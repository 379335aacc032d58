using System.Globalization;
using Appliance.Host.Configuration;

namespace Appliance.Host.Meetings;

/// <summary>Shows and reads times in the appliance's configured time zone, in the reader's language.</summary>
public sealed class DisplayTime
{
    // Plain "en" formats dates the US way; the appliance's English readers are in Europe.
    private static readonly CultureInfo BritishEnglish = CultureInfo.GetCultureInfo("en-GB");

    public DisplayTime(ApplianceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Zone = string.IsNullOrWhiteSpace(options.TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
    }

    /// <summary>The zone times are shown in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The moment in the configured zone.</summary>
    public DateTimeOffset Local(DateTimeOffset value) => TimeZoneInfo.ConvertTime(value, Zone);

    /// <summary>"Tuesday 24 November 2026, 10:00–11:00 (UTC+01:00)" in the current culture.</summary>
    public string Range(DateTimeOffset start, DateTimeOffset end)
    {
        var s = Local(start);
        var e = Local(end);
        var culture = FormatCulture;
        var date = s.ToString("D", culture);
        var endText = s.Date == e.Date ? e.ToString("t", culture) : e.ToString("g", culture);
        return $"{date}, {s.ToString("t", culture)}–{endText} ({Offset(s)})";
    }

    /// <summary>Date and time in the current culture.</summary>
    public string Moment(DateTimeOffset value) => Local(value).ToString("g", FormatCulture) + " (" + Offset(Local(value)) + ")";

    /// <summary>The value for an input of type datetime-local.</summary>
    public string InputValue(DateTimeOffset value) => Local(value).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Reads a datetime-local input as a moment in the configured zone; null when malformed.</summary>
    public DateTimeOffset? ParseInput(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) ||
            !DateTime.TryParseExact(value.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(unspecified))
        {
            return null;
        }

        return new DateTimeOffset(unspecified, Zone.GetUtcOffset(unspecified));
    }

    private static CultureInfo FormatCulture =>
        CultureInfo.CurrentCulture.Name == "en" ? BritishEnglish : CultureInfo.CurrentCulture;

    private static string Offset(DateTimeOffset value) =>
        "UTC" + (value.Offset < TimeSpan.Zero ? "-" : "+") + value.Offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
