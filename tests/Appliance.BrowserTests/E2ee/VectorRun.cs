namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// What a page-side loop over test cases reports: how many it checked and a line per mismatch. The C# side counts the
/// cases itself, so a loop that silently skips cases fails as surely as one that finds a wrong byte. A class with
/// setters rather than a record: Playwright fills results through a parameterless constructor.
/// </summary>
public sealed class VectorRun
{
    public int Checked { get; set; }

    public string[] Failures { get; set; } = [];
}
