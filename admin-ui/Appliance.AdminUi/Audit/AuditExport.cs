using System.Globalization;
using System.Text;
using System.Text.Json;
using Appliance.Core.Audit;

namespace Appliance.AdminUi.Audit;

/// <summary>Audit entries as a download: CSV for spreadsheets, JSON lines for tools.</summary>
public static class AuditExport
{
    /// <summary>CSV with a header row; details as key=value pairs separated by semicolons.</summary>
    public static string Csv(IEnumerable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder("sequence,time,actor,action,target,outcome,details,hash\r\n");
        foreach (var e in entries)
        {
            var details = string.Join(';', e.Details.Select(d => d.Key + "=" + d.Value));
            text.AppendJoin(',', new[]
            {
                e.Sequence.ToString(CultureInfo.InvariantCulture),
                e.Time.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                e.Actor,
                e.Action.ToString(),
                e.Target,
                e.Outcome.ToString(),
                details,
                e.Hash,
            }.Select(Cell)).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>One JSON object per line.</summary>
    public static string JsonLines(IEnumerable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        foreach (var e in entries)
        {
            text.Append(JsonSerializer.Serialize(new
            {
                seq = e.Sequence,
                time = e.Time.UtcDateTime,
                actor = e.Actor,
                action = e.Action.ToString(),
                target = e.Target,
                outcome = e.Outcome.ToString(),
                details = e.Details,
                prev = e.PreviousHash,
                hash = e.Hash,
            })).Append('\n');
        }

        return text.ToString();
    }

    // Quoted always; a cell that a spreadsheet would read as a formula (actor and target come from people) is defused.
    private static string Cell(string value)
    {
        var safe = value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
